import type { IssueHistory, StatusCategory } from './client.ts';
import { STATE_BY_CATEGORY, type TicketState } from './connection.ts';

/**
 * Jira metrics of one issue, from its changelog: the statuses it went through
 * (intervals), when work started and when it was resolved. Pure: the job in
 * history.ts fetches and stores, this only counts.
 */

export interface StatusInterval {
	status: string;
	statusId: string | null;
	/** Jira's status category; null when the status no longer exists in Jira. */
	category: StatusCategory | null;
	from: Date;
	/** null: the issue is still in this status. */
	to: Date | null;
}

export interface IssueMetrics {
	intervals: StatusInterval[];
	createdAt: Date;
	/** Entered the first status that counts as in progress; null if it never did. */
	startedAt: Date | null;
	/** Entered the closed state it is still in; null while it is not closed. */
	resolvedAt: Date | null;
	timeToStartSeconds: number | null;
	timeToResolveSeconds: number | null;
	/** Times the issue left a closed state again. */
	reopened: number;
}

/**
 * What a status means to Vigil: the connection's status map by name wins over
 * the category, as for a webhook (jiraStateOf), so "In Review = in_progress" or
 * "Won't Do = closed" count the same way in metrics as on the board.
 */
export function stateOf(
	interval: Pick<StatusInterval, 'status' | 'category'>,
	statusMap: Record<string, TicketState>
): TicketState | null {
	const mapped = statusMap[interval.status.toLowerCase()];
	if (mapped) return mapped;
	return interval.category ? STATE_BY_CATEGORY[interval.category] : null;
}

const seconds = (from: Date, to: Date) =>
	Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/**
 * Cuts the issue's life into status intervals: from creation in the status the
 * first change left, then one interval per change; the last one is open.
 * Changes are taken in time order (pages may overlap or come back unordered),
 * and a change at the same instant as creation leaves no zero-length interval.
 */
export function statusIntervals(
	history: IssueHistory,
	categories: ReadonlyMap<string, StatusCategory>
): StatusInterval[] {
	const changes = [...history.changes].sort((a, b) => a.at.getTime() - b.at.getTime());
	const categoryOf = (id: string | null, name: string): StatusCategory | null => {
		if (id !== null && categories.has(id)) return categories.get(id)!;
		if (id === history.current.id || name === history.current.name) return history.current.category;
		return null;
	};
	const first = changes[0];
	const initial = first
		? { id: first.fromId, name: first.from }
		: { id: history.current.id, name: history.current.name };
	const out: StatusInterval[] = [
		{
			status: initial.name,
			statusId: initial.id,
			category: categoryOf(initial.id, initial.name),
			from: history.created,
			to: null
		}
	];
	for (const c of changes) {
		const last = out[out.length - 1]!;
		// A change stamped before creation (clock skew between Jira's nodes) starts at creation.
		const at = c.at < last.from ? last.from : c.at;
		last.to = at;
		if (at.getTime() === last.from.getTime()) out.pop();
		out.push({
			status: c.to,
			statusId: c.toId,
			category: categoryOf(c.toId, c.to),
			from: at,
			to: null
		});
	}
	return out;
}

/** Time to start, time to resolve and the intervals, by the connection's status map. */
export function issueMetrics(
	history: IssueHistory,
	categories: ReadonlyMap<string, StatusCategory>,
	statusMap: Record<string, TicketState>
): IssueMetrics {
	const intervals = statusIntervals(history, categories);
	const states = intervals.map((i) => stateOf(i, statusMap));
	const started = intervals[states.indexOf('in_progress')] ?? null;
	// Resolved = the start of the closed run the issue is still in: Done → Closed is one
	// resolution, and a reopened issue is resolved only when it is closed again.
	let resolvedAt: Date | null = null;
	for (let i = intervals.length - 1; i >= 0 && states[i] === 'closed'; i--)
		resolvedAt = intervals[i]!.from;
	let reopened = 0;
	for (let i = 1; i < states.length; i++)
		if (states[i - 1] === 'closed' && states[i] !== 'closed') reopened++;
	return {
		intervals,
		createdAt: history.created,
		startedAt: started?.from ?? null,
		resolvedAt,
		timeToStartSeconds: started ? seconds(history.created, started.from) : null,
		timeToResolveSeconds: resolvedAt ? seconds(history.created, resolvedAt) : null,
		reopened
	};
}

/**
 * Total time in each status, in first-entered order. A stay not over yet counts
 * until `now`, except the closed status an issue rests in: time after it was
 * done is not time spent on it (a reopened issue's earlier stays in Done count).
 */
export function timeInStatus(
	intervals: readonly Pick<StatusInterval, 'status' | 'category' | 'from' | 'to'>[],
	now: Date
): { status: string; category: StatusCategory | null; seconds: number; visits: number }[] {
	const totals = new Map<
		string,
		{ category: StatusCategory | null; seconds: number; visits: number }
	>();
	for (const i of intervals) {
		if (i.to === null && i.category === 'done') continue;
		const t = totals.get(i.status) ?? { category: i.category, seconds: 0, visits: 0 };
		t.seconds += seconds(i.from, i.to ?? now);
		t.visits++;
		totals.set(i.status, t);
	}
	return [...totals].map(([status, t]) => ({ status, ...t }));
}
