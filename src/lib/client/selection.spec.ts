import { describe, expect, it } from 'vitest';
import { prune, toggleOne, toggleRange } from './selection.ts';

const order = ['a', 'b', 'c', 'd', 'e'];
const sorted = (s: Set<string>) => [...s].sort();

describe('selection', () => {
	it('toggles one ticket', () => {
		expect(sorted(toggleOne(new Set(['a']), 'b'))).toEqual(['a', 'b']);
		expect(sorted(toggleOne(new Set(['a', 'b']), 'a'))).toEqual(['b']);
	});

	it('checks a range from the anchor either way', () => {
		expect(sorted(toggleRange(new Set(['b']), order, 'b', 'd'))).toEqual(['b', 'c', 'd']);
		expect(sorted(toggleRange(new Set(['d']), order, 'd', 'a'))).toEqual(['a', 'b', 'c', 'd']);
	});

	it('unchecks a range when the clicked one was checked', () => {
		expect(sorted(toggleRange(new Set(order), order, 'b', 'd'))).toEqual(['a', 'e']);
	});

	it('is a plain toggle without an anchor on screen', () => {
		expect(sorted(toggleRange(new Set(), order, null, 'c'))).toEqual(['c']);
		expect(sorted(toggleRange(new Set(), order, 'gone', 'c'))).toEqual(['c']);
	});

	it('drops tickets that left the screen', () => {
		expect(sorted(prune(new Set(['a', 'x', 'e']), order))).toEqual(['a', 'e']);
	});
});
