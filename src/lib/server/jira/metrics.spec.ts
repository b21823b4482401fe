import { describe, expect, it } from 'vitest';
import type { IssueHistory, StatusCategory, StatusChange } from './client.ts';
import { issueMetrics, timeInStatus } from './metrics.ts';

const T0 = Date.parse('2026-11-20T09:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

const CATEGORIES = new Map<string, StatusCategory>([
	['10000', 'new'],
	['10001', 'indeterminate'],
	['10002', 'done'],
	['10003', 'indeterminate'],
	['10004', 'done']
]);
const NAMES: Record<string, string> = {
	'10000': 'To Do',
	'10001': 'In Progress',
	'10002': 'Done',
	'10003': 'In Review',
	'10004': "Won't Do"
};
const ID = Object.fromEntries(Object.entries(NAMES).map(([id, name]) => [name, id]));

/** `['To Do', 10, 'In Progress']`: at minute 10 the issue moved from To Do to In Progress. */
function history(...steps: [from: string, minute: number, to: string][]): IssueHistory {
	const changes: StatusChange[] = steps.map(([from, minute, to]) => ({
		at: at(minute),
		fromId: ID[from]!,
		from,
		toId: ID[to]!,
		to
	}));
	const last = steps.length ? steps[steps.length - 1]![2] : 'To Do';
	return {
		created: at(0),
		current: { id: ID[last]!, name: last, category: CATEGORIES.get(ID[last]!)! },
		changes
	};
}

const spans = (m: ReturnType<typeof issueMetrics>) =>
	m.intervals.map((i) => [
		i.status,
		(i.from.getTime() - T0) / 60_000,
		i.to ? (i.to.getTime() - T0) / 60_000 : null
	]);

describe('Jira metrics from the changelog', () => {
	it('back and forth: To Do → In Progress → To Do → In Progress → Done', () => {
		const m = issueMetrics(
			history(
				['To Do', 10, 'In Progress'],
				['In Progress', 25, 'To Do'],
				['To Do', 40, 'In Progress'],
				['In Progress', 70, 'Done']
			),
			CATEGORIES,
			{}
		);
		expect(spans(m)).toEqual([
			['To Do', 0, 10],
			['In Progress', 10, 25],
			['To Do', 25, 40],
			['In Progress', 40, 70],
			['Done', 70, null]
		]);
		// Started the first time it went in progress, not the last.
		expect(m.timeToStartSeconds).toBe(10 * 60);
		expect(m.timeToResolveSeconds).toBe(70 * 60);
		expect(m.reopened).toBe(0);
		// Resting in Done is not time spent on the issue.
		expect(timeInStatus(m.intervals, at(100))).toEqual([
			{ status: 'To Do', category: 'new', seconds: 25 * 60, visits: 2 },
			{ status: 'In Progress', category: 'indeterminate', seconds: 45 * 60, visits: 2 }
		]);
	});

	it('reopened: resolved only by the last close, and not resolved while reopened', () => {
		const closedAgain = issueMetrics(
			history(
				['To Do', 5, 'In Progress'],
				['In Progress', 20, 'Done'],
				['Done', 60, 'To Do'],
				['To Do', 65, 'In Progress'],
				['In Progress', 90, 'Done']
			),
			CATEGORIES,
			{}
		);
		expect(closedAgain.timeToStartSeconds).toBe(5 * 60);
		expect(closedAgain.timeToResolveSeconds).toBe(90 * 60);
		expect(closedAgain.reopened).toBe(1);
		// The first stay in Done counts (it was left); the one it rests in does not.
		expect(timeInStatus(closedAgain.intervals, at(120))).toContainEqual({
			status: 'Done',
			category: 'done',
			seconds: 40 * 60,
			visits: 1
		});

		const stillOpen = issueMetrics(
			history(['To Do', 5, 'In Progress'], ['In Progress', 20, 'Done'], ['Done', 60, 'To Do']),
			CATEGORIES,
			{}
		);
		expect(stillOpen.timeToResolveSeconds).toBeNull();
		expect(stillOpen.resolvedAt).toBeNull();
		expect(stillOpen.reopened).toBe(1);
		// Reopened and waiting: the open stay in To Do counts until now.
		expect(timeInStatus(stillOpen.intervals, at(100))).toContainEqual({
			status: 'To Do',
			category: 'new',
			seconds: (5 + 40) * 60,
			visits: 2
		});
	});

	it("Done then Won't Do is one resolution, from the first of the two", () => {
		const m = issueMetrics(
			history(['To Do', 15, 'Done'], ['Done', 30, "Won't Do"]),
			CATEGORIES,
			{}
		);
		expect(m.timeToResolveSeconds).toBe(15 * 60);
		// Never in progress: no time to start rather than a made-up one.
		expect(m.timeToStartSeconds).toBeNull();
	});

	it("follows the connection's status map over the category", () => {
		const h = history(['To Do', 10, 'In Review'], ['In Review', 20, 'In Progress']);
		expect(issueMetrics(h, CATEGORIES, {}).timeToStartSeconds).toBe(10 * 60);
		// "In Review" mapped to open: work started when it went In Progress.
		expect(issueMetrics(h, CATEGORIES, { 'in review': 'open' }).timeToStartSeconds).toBe(20 * 60);
	});

	it('an issue never changed is one open interval in its current status', () => {
		const m = issueMetrics(history(), CATEGORIES, {});
		expect(spans(m)).toEqual([['To Do', 0, null]]);
		expect(m.timeToStartSeconds).toBeNull();
		expect(m.timeToResolveSeconds).toBeNull();
	});

	it('orders changes by time, and a change at the creation instant leaves no empty interval', () => {
		const h = history(['To Do', 0, 'In Progress'], ['In Progress', 30, 'Done']);
		h.changes.reverse();
		const m = issueMetrics(h, CATEGORIES, {});
		expect(spans(m)).toEqual([
			['In Progress', 0, 30],
			['Done', 30, null]
		]);
		expect(m.timeToStartSeconds).toBe(0);
	});

	it('a status deleted from Jira has no category and counts neither as start nor as resolution', () => {
		const h = history(['To Do', 10, 'In Progress']);
		h.changes[0] = { ...h.changes[0]!, toId: '99999', to: 'Legacy Doing' };
		h.current = { id: '99999', name: 'Legacy Doing', category: null };
		const m = issueMetrics(h, CATEGORIES, {});
		expect(m.intervals[1]).toMatchObject({ status: 'Legacy Doing', category: null });
		expect(m.timeToStartSeconds).toBeNull();
	});
});
