import { describe, expect, it } from 'vitest';
import { cronEvery, driftOf, vigilRepair, winnerOf } from './drift.ts';

describe('driftOf', () => {
	it('finds resolution drift whichever side is closed', () => {
		expect(driftOf('open', 'closed', false)?.kind).toBe('resolution');
		expect(driftOf('in_progress', 'closed', false)?.kind).toBe('resolution');
		expect(driftOf('closed', 'open', false)?.kind).toBe('resolution');
		expect(driftOf('closed', 'in_progress', true)?.kind).toBe('resolution');
	});

	it('finds acknowledgement drift between open and in progress', () => {
		expect(driftOf('in_progress', 'open', false)?.kind).toBe('acknowledgement');
		expect(driftOf('open', 'in_progress', false)?.kind).toBe('acknowledgement');
	});

	it('accepts a reopened ticket whose issue went back to To Do, and equal states', () => {
		expect(driftOf('in_progress', 'open', true)).toBeNull();
		for (const s of ['open', 'in_progress', 'closed'] as const)
			expect(driftOf(s, s, false)).toBeNull();
	});
});

describe('winnerOf', () => {
	it('default: Jira for resolution, Vigil for acknowledgement', () => {
		expect(winnerOf('default', 'resolution')).toBe('jira');
		expect(winnerOf('default', 'acknowledgement')).toBe('vigil');
	});

	it('one side always, or nobody under manual', () => {
		expect(winnerOf('jira_wins', 'acknowledgement')).toBe('jira');
		expect(winnerOf('vigil_wins', 'resolution')).toBe('vigil');
		expect(winnerOf('manual', 'resolution')).toBeNull();
	});
});

describe('vigilRepair', () => {
	it('makes the ticket what the issue says', () => {
		expect(vigilRepair({ kind: 'resolution', vigil: 'open', jira: 'closed' })).toBe('resolve');
		expect(vigilRepair({ kind: 'resolution', vigil: 'closed', jira: 'open' })).toBe('reopen');
		expect(vigilRepair({ kind: 'acknowledgement', vigil: 'open', jira: 'in_progress' })).toBe(
			'acknowledge'
		);
		expect(vigilRepair({ kind: 'acknowledgement', vigil: 'in_progress', jira: 'open' })).toBe(
			'return_to_open'
		);
	});
});

describe('cronEvery', () => {
	it('hourly by default, every N minutes or hours otherwise', () => {
		expect(cronEvery(60)).toBe('0 * * * *');
		expect(cronEvery(15)).toBe('*/15 * * * *');
		expect(cronEvery(360)).toBe('0 */6 * * *');
		expect(cronEvery(1440)).toBe('0 0 * * *');
	});
});
