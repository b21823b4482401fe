import { describe, expect, it } from 'vitest';
import {
	encodeKeyPart,
	escapeUnstorable,
	MAX_KEY_BYTES,
	Sanitizer,
	storableKey
} from './storable.ts';

describe('escapeUnstorable', () => {
	it('writes NUL and lone surrogates as their JSON escapes', () => {
		expect(escapeUnstorable('a\u0000b')).toBe('a\\u0000b');
		expect(escapeUnstorable('x\ud800y')).toBe('x\\ud800y');
		expect(escapeUnstorable('x\udfffy')).toBe('x\\udfffy');
		expect(escapeUnstorable('\udc00\ud800')).toBe('\\udc00\\ud800');
	});

	it('keeps well-formed text, pairs (emoji) included, as the same string', () => {
		const s = 'ok 😀 \ud83d\ude00 ünï';
		expect(escapeUnstorable(s)).toBe(s);
		expect(escapeUnstorable('\ud800\ud83d\ude00')).toBe('\\ud800\ud83d\ude00');
	});
});

describe('encodeKeyPart', () => {
	it('is encodeURIComponent for well-formed text', () => {
		expect(encodeKeyPart('a/b c')).toBe('a%2Fb%20c');
	});

	it('escapes a lone surrogate instead of throwing, distinct from any text', () => {
		expect(encodeKeyPart('a\ud800b')).toBe('a%uD800b');
		expect(encodeKeyPart('a%uD800b')).toBe('a%25uD800b');
	});
});

describe('storableKey', () => {
	it('keeps a short storable key', () => {
		expect(storableKey('run-1')).toEqual({ key: 'run-1', hashed: false });
	});

	it('hashes a long key to a bounded, stable value with a readable prefix', () => {
		const long = 'r'.repeat(20_000);
		const a = storableKey(long);
		expect(a.hashed).toBe(true);
		expect(a.key.startsWith('r'.repeat(128) + '…sha256:')).toBe(true);
		expect(Buffer.byteLength(a.key)).toBeLessThan(MAX_KEY_BYTES + 200);
		expect(storableKey(long)).toEqual(a);
		expect(storableKey(long + 'x').key).not.toBe(a.key);
	});

	it('never cuts a surrogate pair in the prefix', () => {
		const key = 'a' + '😀'.repeat(2000);
		const stored = storableKey(key).key;
		expect(stored.isWellFormed()).toBe(true);
		expect(Buffer.byteLength(stored)).toBeLessThan(MAX_KEY_BYTES + 200);
	});

	it('hashes unstorable keys so they stay apart from their escaped spelling', () => {
		const nul = storableKey('run\u0000');
		const literal = storableKey('run\\u0000');
		expect(nul.hashed).toBe(true);
		expect(literal).toEqual({ key: 'run\\u0000', hashed: false });
		expect(nul.key).not.toBe(literal.key);
		expect(nul.key.includes('\u0000')).toBe(false);
		expect(storableKey('r\ud800').key).not.toBe(storableKey('r\ufffd').key);
	});
});

describe('Sanitizer', () => {
	it('escapes strings and keys deep in JSON and notes that it did', () => {
		const s = new Sanitizer();
		expect(s.json({ 'k\u0000': ['v\ud800', 1, null, { x: 'ok' }] }, 'ticket_escaped')).toEqual({
			'k\\u0000': ['v\\ud800', 1, null, { x: 'ok' }]
		});
		expect(s.list()).toEqual(['ticket_escaped']);
	});

	it('notes nothing for storable values', () => {
		const s = new Sanitizer();
		s.text('fine 😀', 'body_escaped');
		s.json({ a: ['b'] }, 'ticket_escaped');
		expect(s.list()).toEqual([]);
	});
});
