import { describe, expect, it } from 'vitest';
import { searchWith } from './query.ts';

describe('searchWith', () => {
	it('sets, replaces and removes parameters, keeping the others', () => {
		expect(searchWith('?q=ledger&cursor=abc', { cursor: null, action: 'Resolved' })).toBe(
			'?q=ledger&action=Resolved'
		);
		expect(searchWith('q=a+b', { q: 'a b&c' })).toBe('?q=a+b%26c');
	});

	it('is empty when nothing is left, so links stay clean', () => {
		expect(searchWith('?cursor=abc', { cursor: '' })).toBe('');
	});
});
