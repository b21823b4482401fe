import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password.ts';

describe('password hashing', () => {
	it('verifies the right password and refuses a wrong one', async () => {
		const hash = await hashPassword('correct horse battery staple');
		expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
		expect(hash).not.toContain('correct horse');
		expect(await verifyPassword(hash, 'correct horse battery staple')).toBe(true);
		expect(await verifyPassword(hash, 'correct horse battery stapl')).toBe(false);
	});

	it('salts every hash', async () => {
		expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
	});

	it('refuses a malformed stored hash instead of throwing', async () => {
		expect(await verifyPassword('md5$abc', 'x')).toBe(false);
	});
});
