import type { EntityManager } from '@mikro-orm/postgresql';
import { UserEntity, type Role, type User } from './entities.ts';
import { hashPassword, verifyPassword } from './password.ts';

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
