import { describe, expect, it } from 'vitest';
import { bulkSummary, type BulkAnswer } from './actions.ts';

const answer = (over: Partial<BulkAnswer>): BulkAnswer => ({
	action: 'resolve',
	done: 0,
	skipped: 0,
	failed: 0,
	results: [],
	...over
});

describe('bulkSummary', () => {
	it('says how many were done', () => {
		expect(bulkSummary(answer({ done: 3 }))).toBe('Resolved 3 tickets');
		expect(bulkSummary(answer({ action: 'acknowledge', done: 1 }))).toBe('Acknowledged 1 ticket');
	});

	it('says why the others were skipped, and what failed', () => {
		expect(
			bulkSummary(
				answer({
					done: 2,
					skipped: 1,
					results: [{ id: 'a', outcome: 'skipped', reason: 'already_closed' }]
				})
			)
		).toBe('Resolved 2 tickets · 1 skipped (already closed)');
		expect(
			bulkSummary(
				answer({
					action: 'acknowledge',
					skipped: 3,
					failed: 1,
					results: [
						{ id: 'a', outcome: 'skipped', reason: 'already_closed' },
						{ id: 'b', outcome: 'skipped', reason: 'already_acknowledged' },
						{ id: 'c', outcome: 'skipped', reason: 'already_acknowledged' },
						{ id: 'd', outcome: 'failed', message: 'x' }
					]
				})
			)
		).toBe(
			'Acknowledged 0 tickets · 3 skipped (1 already closed, 2 already acknowledged) · 1 failed, try again'
		);
	});
});
