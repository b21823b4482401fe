import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ApiError, isUuid, notFound } from '../errors.ts';
import { publish } from '../realtime/events.ts';
import { ROLES, UserEntity, type Role, type User } from './entities.ts';
import { hashPassword, verifyPassword } from './password.ts';

export const LoginBody = z.object({
	email: z.string().trim().min(3).max(320),
	password: z.string().min(1).max(1000)
});

export const SignupBody = z.object({
	email: z.email().max(320),
	name: z.string().trim().max(200).default(''),
	password: z.string().min(12, 'must be at least 12 characters').max(1000)
});

export class SignupError extends Error {
	readonly field: 'email' | 'password' | 'name';
	constructor(field: 'email' | 'password' | 'name', message: string) {
		super(message);
		this.field = field;
	}
}

export function emailDomain(email: string): string {
	return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

export async function createUser(
	em: EntityManager,
	input: { email: string; name: string; password: string; role: Role },
	allowedDomains: string[] | null
): Promise<User> {
	const email = input.email.trim().toLowerCase();
	if (allowedDomains && !allowedDomains.includes(emailDomain(email))) {
		throw new SignupError(
			'email',
			allowedDomains.length
				? `sign-up is limited to ${allowedDomains.map((d) => '@' + d).join(', ')} addresses`
				: 'sign-up is closed: no e-mail domains are allowed (ALLOWED_EMAIL_DOMAINS)'
		);
	}
	if (input.password.length < 12)
		throw new SignupError('password', 'password must be at least 12 characters');
	if (await em.findOne(UserEntity, { email }))
		throw new SignupError('email', 'an account with this e-mail already exists');
	const user = em.create(UserEntity, {
		email,
		name: input.name.trim() || email,
		passwordHash: await hashPassword(input.password),
		role: input.role,
		createdAt: new Date()
	});
	await em.persist(user).flush();
	return user;
}

/** Same work whether or not the account exists, so timing does not reveal accounts. */
const DUMMY_HASH =
	'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export async function checkCredentials(
	em: EntityManager,
	email: string,
	password: string
): Promise<User | null> {
	const user = await em.findOne(UserEntity, { email: email.trim().toLowerCase() });
	const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
	return user && ok ? user : null;
}

export const RoleBody = z.object({ role: z.enum(ROLES) });

export interface UserDto {
	id: string;
	email: string;
	name: string;
	role: Role;
	created_at: Date;
}

export async function listUsers(em: EntityManager): Promise<UserDto[]> {
	const rows = await em.find(UserEntity, {}, { orderBy: { createdAt: 'asc', email: 'asc' } });
	return rows.map(toDto);
}

/**
 * Changes a role; takes effect on the user's next request (sessions read the role each time),
 * and their open sockets re-authenticate at once.
 * The admin rows are locked first, so two admins demoting each other at once cannot leave
 * Vigil with nobody able to administer it.
 */
export async function setUserRole(em: EntityManager, id: string, role: Role): Promise<UserDto> {
	if (!isUuid(id)) throw notFound('user');
	const { dto, changed } = await em.transactional(async (tx) => {
		const admins = await tx.find(
			UserEntity,
			{ role: 'admin' },
			{ lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: 'asc' } }
		);
		const user = await tx.findOne(UserEntity, { id });
		if (!user) throw notFound('user');
		if (user.role === 'admin' && role !== 'admin' && admins.length <= 1)
			throw new ApiError(
				409,
				'last_admin',
				'This is the last admin: make another user admin before changing this role'
			);
		const changed = user.role !== role;
		user.role = role;
		await tx.flush();
		return { dto: toDto(user), changed };
	});
	if (changed) publish('auth:changed', { userId: id });
	return dto;
}

function toDto(u: User): UserDto {
	return { id: u.id, email: u.email, name: u.name, role: u.role, created_at: u.createdAt };
}
