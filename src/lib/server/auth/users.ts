import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { ApiError, isUuid, notFound } from '../errors.ts';
import { log } from '../log.ts';
import { publish } from '../events.ts';
import { ROLES, UserEntity, type Role, type User } from './entities.ts';
import { hashPassword, needsRehash, verifyPassword } from './password.ts';
import { PASSWORD_MAX, PASSWORD_MIN, passwordProblem } from './password-policy.ts';

export const LoginBody = z.object({
	email: z.string().trim().min(3).max(320),
	password: z.string().min(1).max(1000)
});

export const SignupBody = z.object({
	email: z.email().max(320),
	name: z.string().trim().max(200).default(''),
	password: z
		.string()
		.min(PASSWORD_MIN, `must be at least ${PASSWORD_MIN} characters`)
		.max(PASSWORD_MAX)
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

/**
 * Creates an account: the bootstrap admin and tests. Throws SignupError when the e-mail is
 * taken; self-service sign-up goes through signUp, which does not say so.
 */
export async function createUser(
	em: EntityManager,
	input: { email: string; name: string; password: string; role: Role },
	allowedDomains: string[] | null
): Promise<User> {
	const email = input.email.trim().toLowerCase();
	checkDomain(email, allowedDomains);
	if (input.password.length < PASSWORD_MIN)
		throw new SignupError('password', `password must be at least ${PASSWORD_MIN} characters`);
	if (await em.findOne(UserEntity, { email }))
		throw new SignupError('email', 'an account with this e-mail already exists');
	return insertUser(em, { ...input, email }, await hashPassword(input.password));
}

function checkDomain(email: string, allowedDomains: string[] | null): void {
	if (allowedDomains && !allowedDomains.includes(emailDomain(email))) {
		throw new SignupError(
			'email',
			allowedDomains.length
				? `sign-up is limited to ${allowedDomains.map((d) => '@' + d).join(', ')} addresses`
				: 'sign-up is closed: no e-mail domains are allowed (ALLOWED_EMAIL_DOMAINS)'
		);
	}
}

async function insertUser(
	em: EntityManager,
	input: { email: string; name: string; role: Role },
	passwordHash: string
): Promise<User> {
	const user = em.create(UserEntity, {
		email: input.email,
		name: input.name.trim() || input.email,
		passwordHash,
		role: input.role,
		createdAt: new Date()
	});
	await em.persist(user).flush();
	return user;
}

/**
 * The password rules and allowed domains of self-service sign-up, checked before any
 * hashing or rate-limit points are spent: they say nothing about which accounts exist.
 */
export function checkSignup(
	input: { email: string; name: string; password: string },
	allowedDomains: string[] | null
): void {
	checkDomain(input.email.trim().toLowerCase(), allowedDomains);
	const problem = passwordProblem(input.password, { email: input.email, name: input.name });
	if (problem) throw new SignupError('password', problem);
}

/**
 * Self-service sign-up as a responder. Answers the same way, after the same work (one
 * Argon2id hash), whether or not the e-mail already has an account, so sign-up cannot be
 * used to learn who has one: `created` is for the server's log, never for the answer.
 */
export async function signUp(
	em: EntityManager,
	input: { email: string; name: string; password: string },
	allowedDomains: string[] | null
): Promise<{ created: User | null }> {
	checkSignup(input, allowedDomains);
	const email = input.email.trim().toLowerCase();
	const hash = await hashPassword(input.password);
	if (await em.findOne(UserEntity, { email })) return { created: null };
	try {
		return { created: await insertUser(em, { ...input, email, role: 'responder' }, hash) };
	} catch (err) {
		if (err instanceof UniqueConstraintViolationException) return { created: null };
		throw err;
	}
}

/** Same work whether or not the account exists, so timing does not reveal accounts. */
const DUMMY_HASH =
	'$argon2id$v=19$m=19456,t=2,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/**
 * The account for this e-mail and password, or null. A hash from before Argon2id (scrypt)
 * is replaced by an Argon2id one now that the password is known to be right.
 */
export async function checkCredentials(
	em: EntityManager,
	email: string,
	password: string
): Promise<User | null> {
	const user = await em.findOne(UserEntity, { email: email.trim().toLowerCase() });
	const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, password);
	if (!user || !ok) return null;
	if (needsRehash(user.passwordHash)) {
		try {
			const fresh = await hashPassword(password);
			await em.nativeUpdate(
				UserEntity,
				{ id: user.id, passwordHash: user.passwordHash },
				{ passwordHash: fresh }
			);
			user.passwordHash = fresh;
		} catch (err) {
			log.warn({ err, userId: user.id }, 'could not re-hash a password; it stays as it was');
		}
	}
	return user;
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
