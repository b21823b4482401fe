import { describe, expect, it } from 'vitest';
import { advanceWatermark, missedTickets } from './missed.ts';

const at = (iso: string) => Date.parse(iso);
const tk = (id: string, created_at: string) => ({ id, created_at });

describe('missedTickets', () => {
	const mark = at('2026-11-26T10:00:00Z');
	const fetched = [
		tk('new-1', '2026-11-26T10:03:00Z'),
		tk('seen', '2026-11-26T10:02:00Z'),
		tk('just-before', '2026-11-26T09:59:58Z'),
		tk('old', '2026-11-26T09:40:00Z')
	];
	const known = new Set(['seen']);

	it('keeps what arrived after the mark and was never seen', () => {
		expect(missedTickets(fetched, (id) => known.has(id), mark).map((t) => t.id)).toEqual([
			'new-1',
			'just-before'
		]);
	});

	it('leaves out older tickets that were simply not on this page', () => {
		expect(missedTickets(fetched, (id) => known.has(id), mark, 0).map((t) => t.id)).toEqual([
			'new-1'
		]);
		expect(missedTickets(fetched, () => true, mark)).toEqual([]);
	});
});

describe('advanceWatermark', () => {
	it('only moves forward and ignores a bad time', () => {
		const mark = at('2026-11-26T10:00:00Z');
		expect(advanceWatermark(mark, '2026-11-26T10:00:05Z')).toBe(mark + 5000);
		expect(advanceWatermark(mark, '2026-11-26T09:00:00Z')).toBe(mark);
		expect(advanceWatermark(mark, 'nope')).toBe(mark);
	});
});
