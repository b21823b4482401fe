import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from './password.ts';

/** A hash as Vigil stored them before Argon2id: scrypt N=2^15, r=8, p=1. */
function legacyScrypt(password: string): string {
	const salt = randomBytes(16);
	const key = scryptSync(password.normalize('NFKC'), salt, 32, {
		N: 2 ** 15,
		r: 8,
		p: 1,
		maxmem: 64 * 1024 * 1024
	});
	return `scrypt$32768$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

describe('password hashing', () => {
	it('hashes with Argon2id (m=19 MiB, t=2, p=1) in the PHC format', async () => {
		const hash = await hashPassword('correct horse battery staple');
		expect(hash).toMatch(
			/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/
		);
		expect(hash).not.toContain('correct horse');
		expect(needsRehash(hash)).toBe(false);
	});

	it('verifies the right password and refuses a wrong one', async () => {
		const hash = await hashPassword('correct horse battery staple');
		expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
		expect(await verifyPassword(hash, 'correct horse battery stapl')).toBe(false);
	});

	it('still verifies scrypt hashes, and asks for them to be re-hashed', async () => {
		const old = legacyScrypt('correct horse battery staple');
		expect(await verifyPassword(old, 'correct horse battery staple')).toBe(true);
		expect(await verifyPassword(old, 'wrong horse battery staple')).toBe(false);
		expect(needsRehash(old)).toBe(true);
	});

	it('asks for a re-hash when the Argon2 parameters were weaker', async () => {
		expect(needsRehash('$argon2id$v=19$m=8192,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAA')).toBe(true);
	});

	it('salts every hash', async () => {
		expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
	});

	it('refuses a malformed or outlandish stored hash instead of throwing', async () => {
		expect(await verifyPassword('md5$abc', 'x')).toBe(false);
		expect(await verifyPassword('$argon2id$v=19$m=9999999,t=2,p=1$AAAA$AAAA', 'x')).toBe(false);
		expect(await verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$!!$AAAA', 'x')).toBe(false);
		expect(await verifyPassword('scrypt$1099511627776$8$1$AAAA$AAAA', 'x')).toBe(false);
	});
});
