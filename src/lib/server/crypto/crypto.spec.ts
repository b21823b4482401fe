import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKey, seal, unseal } from './seal.ts';
import { constantTimeEqualHex, newSecret, sha256Hex } from './tokens.ts';

describe('secrets at rest', () => {
	const key = randomBytes(32);

	it('round-trips and never stores the plaintext', () => {
		const sealed = seal(key, 'xoxb-123-secret');
		expect(sealed).not.toContain('xoxb');
		expect(unseal(key, sealed)).toBe('xoxb-123-secret');
	});

	it('refuses a tampered value or the wrong key', () => {
		const sealed = seal(key, 'token');
		const parts = sealed.split(':');
		parts[3] = Buffer.from('tampered').toString('base64');
		expect(() => unseal(key, parts.join(':'))).toThrow();
		expect(() => unseal(randomBytes(32), sealed)).toThrow();
	});

	it('accepts hex and base64 keys of 32 bytes only', () => {
		expect(parseKey('ab'.repeat(32)).length).toBe(32);
		expect(parseKey(key.toString('base64')).equals(key)).toBe(true);
		expect(() => parseKey('c2hvcnQ=')).toThrow();
	});
});

describe('tokens', () => {
	it('are prefixed, unique and stored as digests', () => {
		const a = newSecret('vgl_');
		expect(a).toMatch(/^vgl_[a-z2-7]{32}$/);
		expect(newSecret('vgl_')).not.toBe(a);
		expect(constantTimeEqualHex(sha256Hex(a), sha256Hex(a))).toBe(true);
		expect(constantTimeEqualHex(sha256Hex(a), sha256Hex(a + 'x'))).toBe(false);
	});
});
