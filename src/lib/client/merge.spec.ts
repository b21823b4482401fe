import { describe, expect, it } from 'vitest';
import type { TicketDto } from '#lib/contracts/tickets.ts';
import {
	appendPage,
	applyTicket,
	beyondLoaded,
	emptyBoard,
	reconcile,
	sortedTickets,
	type BoardData
} from './merge.ts';
import { sampleTicket } from '../../../tests/support/ticket-sample.ts';

const openOnly = (t: TicketDto) => t.status === 'open';

function board(tickets: TicketDto[], counts = { open: 0, in_progress: 0, closed: 0 }): BoardData {
	const data = emptyBoard(counts);
	reconcile(data, tickets, false);
	return data;
}

const a = sampleTicket({ id: 'A', created_at: '2026-10-14T05:00:00.000Z' });
const b = sampleTicket({ id: 'B', created_at: '2026-10-14T05:01:00.000Z' });

describe('applyTicket', () => {
	it('adds a created ticket that matches the view and counts it', () => {
		const data = board([a], { open: 1, in_progress: 0, closed: 0 });
		expect(applyTicket(data, b, 'created', openOnly)).toEqual({
			outcome: 'entered',
			countsExact: true
		});
		expect(sortedTickets(data).map((t) => t.id)).toEqual(['B', 'A']);
		expect(data.counts.open).toBe(2);
	});

	it('ignores an event at or below the version it already has', () => {
		const data = board([{ ...a, version: 3, root_cause: 'newest' }]);
		expect(
			applyTicket(data, { ...a, version: 3, root_cause: 'dup' }, 'updated', openOnly).outcome
		).toBe('stale');
		expect(
			applyTicket(data, { ...a, version: 2, root_cause: 'old' }, 'updated', openOnly).outcome
		).toBe('stale');
		expect(data.items.A?.root_cause).toBe('newest');
	});

	it('moves an acknowledged ticket out of the Open tab and shifts the counts', () => {
		const data = board([a], { open: 1, in_progress: 4, closed: 0 });
		const acked = { ...a, status: 'in_progress' as const, version: 2 };
		expect(applyTicket(data, acked, 'updated', openOnly).outcome).toBe('left');
		expect(data.items.A).toBeUndefined();
		expect(data.counts).toEqual({ open: 0, in_progress: 5, closed: 0 });
	});

	it('keeps a late, older event from bringing a ticket back', () => {
		const data = board([a], { open: 1, in_progress: 0, closed: 0 });
		applyTicket(data, { ...a, status: 'in_progress', version: 3 }, 'updated', openOnly);
		expect(applyTicket(data, { ...a, version: 2 }, 'updated', openOnly).outcome).toBe('stale');
		expect(data.items.A).toBeUndefined();
		expect(data.counts).toEqual({ open: 0, in_progress: 1, closed: 0 });
	});

	it('handles an update that overtakes its create', () => {
		const data = board([]);
		const updated = { ...b, priority: 'P1' as const, version: 2 };
		const first = applyTicket(data, updated, 'updated', openOnly);
		expect(first).toEqual({ outcome: 'entered', countsExact: false });
		expect(applyTicket(data, { ...b, version: 1 }, 'created', openOnly).outcome).toBe('stale');
		expect(data.items.B?.priority).toBe('P1');
	});

	it('brings in a ticket that now matches (a reopened one, on the In Progress tab)', () => {
		const inProgress = (t: TicketDto) => t.status === 'in_progress';
		const data = board([], { open: 0, in_progress: 0, closed: 1 });
		data.known.A = { version: 4, status: 'closed' };
		const reopened = { ...a, status: 'in_progress' as const, version: 5 };
		expect(applyTicket(data, reopened, 'updated', inProgress)).toEqual({
			outcome: 'entered',
			countsExact: true
		});
		expect(data.counts).toEqual({ open: 0, in_progress: 1, closed: 0 });
	});

	it('counts a ticket created outside the current view without listing it', () => {
		const data = board([]);
		const p3 = sampleTicket({ id: 'C', priority: 'P3' });
		expect(applyTicket(data, p3, 'created', (t) => t.priority === 'P1').outcome).toBe('outside');
		expect(data.items.C).toBeUndefined();
		expect(data.counts.open).toBe(1);
	});
});

describe('reconcile (re-sync after a reconnect)', () => {
	it('replaces the view with what the server lists now', () => {
		const data = board([a, b]);
		reconcile(data, [{ ...b, version: 2 }], false, { open: 1, in_progress: 1, closed: 0 });
		expect(Object.keys(data.items)).toEqual(['B']);
		expect(data.items.B?.version).toBe(2);
		expect(data.counts).toEqual({ open: 1, in_progress: 1, closed: 0 });
	});

	it('keeps a local copy newer than the page the server sent', () => {
		const data = board([{ ...a, version: 5, owner: 'newer' }]);
		reconcile(data, [{ ...a, version: 4, owner: 'older' }], false);
		expect(data.items.A?.owner).toBe('newer');
	});

	it('does not resurrect a ticket a newer event already moved out of the view', () => {
		const data = board([a], { open: 1, in_progress: 0, closed: 0 });
		applyTicket(data, { ...a, status: 'closed', version: 2 }, 'updated', openOnly);
		reconcile(data, [{ ...a, version: 1 }], false);
		expect(data.items.A).toBeUndefined();
	});

	it('keeps cards older than the refetched page when more pages exist', () => {
		const older = sampleTicket({ id: 'OLD', created_at: '2026-10-13T00:00:00.000Z' });
		const data = board([b, a, older]);
		reconcile(data, [b, a], true);
		expect(sortedTickets(data).map((t) => t.id)).toEqual(['B', 'A', 'OLD']);
	});
});

describe('appendPage (Load more)', () => {
	it('adds older cards without overwriting newer local copies', () => {
		const data = board([{ ...a, version: 3, owner: 'live' }]);
		const older = sampleTicket({ id: 'OLD', created_at: '2026-10-13T00:00:00.000Z' });
		appendPage(data, [{ ...a, version: 2, owner: 'page' }, older]);
		expect(data.items.A?.owner).toBe('live');
		expect(sortedTickets(data).map((t) => t.id)).toEqual(['A', 'OLD']);
	});
});

describe('urgency order', () => {
	const at = (min: number) => new Date(Date.parse('2026-10-14T05:00:00.000Z') + min * 60_000);
	const u = (id: string, deadlineMin: number, priority: TicketDto['priority'], createdMin = 0) =>
		sampleTicket({
			id,
			priority,
			sla_deadline: at(deadlineMin).toISOString(),
			created_at: at(createdMin).toISOString()
		});
	const ids = (data: BoardData) => sortedTickets(data, 'urgency').map((t) => t.id);

	it('lists breached longest first, then least time left, priority breaking ties', () => {
		const data = emptyBoard({ open: 0, in_progress: 0, closed: 0 });
		reconcile(
			data,
			[
				u('NEW', 30, 'P1', 20),
				u('LATE2', -5, 'P2'),
				u('TIE-P2', 10, 'P2'),
				u('TIE-P1', 10, 'P1'),
				u('LATE1', -10, 'P3')
			],
			false,
			undefined,
			'urgency'
		);
		expect(ids(data)).toEqual(['LATE1', 'LATE2', 'TIE-P1', 'TIE-P2', 'NEW']);
	});

	it('inserts a live ticket at its urgency position, not on top', () => {
		const data = emptyBoard({ open: 2, in_progress: 0, closed: 0 });
		reconcile(data, [u('SOON', 5, 'P2'), u('LATER', 60, 'P3')], false, undefined, 'urgency');
		// Newest of all, but its SLA ends between the two.
		applyTicket(data, u('FRESH', 15, 'P1', 30), 'created', openOnly);
		expect(ids(data)).toEqual(['SOON', 'FRESH', 'LATER']);
		// An update that breaches it (deadline unchanged) keeps it in place; one that moves it up goes up.
		applyTicket(data, { ...u('LATER', 1, 'P3'), version: 2 }, 'updated', openOnly);
		expect(ids(data)).toEqual(['LATER', 'SOON', 'FRESH']);
	});

	it('leaves a live ticket past the last loaded card to "Load more"', () => {
		const data = emptyBoard({ open: 2, in_progress: 0, closed: 0 });
		reconcile(data, [u('A1', 5, 'P2'), u('A2', 10, 'P3')], true, undefined, 'urgency');
		const far = u('FAR', 600, 'P4', 30);
		expect(beyondLoaded(data, far, true, 'urgency')).toBe(true);
		expect(beyondLoaded(data, far, false, 'urgency')).toBe(false);
		expect(beyondLoaded(data, u('NEAR', 7, 'P1'), true, 'urgency')).toBe(false);
		// Newest first, a created ticket is never past the loaded ones.
		expect(beyondLoaded(data, far, true, 'newest')).toBe(false);
	});

	it('keeps cards loaded by "Load more" that sort after a re-synced page', () => {
		const data = emptyBoard({ open: 0, in_progress: 0, closed: 0 });
		reconcile(data, [u('A1', 5, 'P2'), u('DEEP', 90, 'P2')], false, undefined, 'urgency');
		reconcile(data, [u('A1', 5, 'P2'), u('A2', 10, 'P3')], true, undefined, 'urgency');
		expect(ids(data)).toEqual(['A1', 'A2', 'DEEP']);
	});
});
