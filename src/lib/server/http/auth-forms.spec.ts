import { describe, expect, it } from 'vitest';
import { safeNext } from './auth-forms.ts';

describe('safeNext', () => {
	it.each([
		[null, '/'],
		['', '/'],
		['audit', '/'],
		['//evil.example', '/'],
		['/\\evil.example', '/'],
		['/\t/evil.example', '/'],
		['/\n/evil.example', '/'],
		['/\r\n/evil.example', '/'],
		['/\u0000', '/'],
		['/\u007f', '/'],
		['https://evil.example', '/'],
		['javascript:alert(1)', '/'],
		['/' + 'a'.repeat(2001), '/'],
		['/tickets/GEN-1', '/tickets/GEN-1'],
		['/audit?action=acknowledged#top', '/audit?action=acknowledged#top'],
		['/a/../b', '/b'],
		['/%2F%2Fevil.example', '/%2F%2Fevil.example']
	])('%j → %j', (next, expected) => {
		expect(safeNext(next)).toBe(expected);
	});
});
