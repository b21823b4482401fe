import type { TicketDto, TicketStatus } from '#lib/contracts/tickets.ts';

export type StatusCounts = Record<TicketStatus, number>;

export interface BoardData {
	/** The tickets in the current view, by id. */
	items: Record<string, TicketDto>;
	/** The newest version seen of every ticket (also ones outside the view), so late events are recognised. */
	known: Record<string, { version: number; status: TicketStatus }>;
	counts: StatusCounts;
}

export type ApplyOutcome = 'stale' | 'entered' | 'updated' | 'left' | 'outside';

export interface ApplyResult {
	outcome: ApplyOutcome;
	/** False when the counts could not be adjusted (an update to a ticket never seen before): refetch them. */
	countsExact: boolean;
}

export type BoardSort = 'urgency' | 'newest';

type SortFields = Pick<TicketDto, 'id' | 'created_at' | 'sla_deadline' | 'priority'>;

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Newest first, as the server lists them: created_at desc, then id desc. */
export function compareNewest(a: SortFields, b: SortFields): number {
	const at = Date.parse(b.created_at) - Date.parse(a.created_at);
	if (at !== 0) return at;
	return byId(b.id, a.id);
}

/**
 * What needs a human first, as the server lists sort=urgency: the earliest SLA
 * deadline first (for open tickets: breached longest, then least time left),
 * then priority (P1 before P2), then id.
 */
export function compareUrgency(a: SortFields, b: SortFields): number {
	const d = Date.parse(a.sla_deadline) - Date.parse(b.sla_deadline);
	if (d !== 0) return d;
	if (a.priority !== b.priority) return a.priority < b.priority ? -1 : 1;
	return byId(a.id, b.id);
}

export function compareTickets(a: SortFields, b: SortFields, sort: BoardSort = 'newest'): number {
	return sort === 'urgency' ? compareUrgency(a, b) : compareNewest(a, b);
}

export function emptyBoard(counts: StatusCounts): BoardData {
	return { items: {}, known: {}, counts: { ...counts } };
}

function remember(data: BoardData, t: TicketDto): void {
	const seen = data.known[t.id];
	if (!seen || t.version > seen.version)
		data.known[t.id] = { version: t.version, status: t.status };
}

/**
 * Applies one pushed ticket in place. Versions only move forward: an event at
 * or below the newest version seen is ignored, whatever order events arrive in.
 * `matches` says whether the ticket belongs in the current tab and filters.
 */
export function applyTicket(
	data: BoardData,
	t: TicketDto,
	kind: 'created' | 'updated',
	matches: (t: TicketDto) => boolean
): ApplyResult {
	const seen = data.known[t.id];
	if (seen && t.version <= seen.version) return { outcome: 'stale', countsExact: true };
	let countsExact = true;
	if (seen) {
		if (seen.status !== t.status) {
			data.counts[seen.status] = Math.max(0, data.counts[seen.status] - 1);
			data.counts[t.status] += 1;
		}
	} else if (kind === 'created') data.counts[t.status] += 1;
	else countsExact = false;
	data.known[t.id] = { version: t.version, status: t.status };

	const inView = t.id in data.items;
	if (matches(t)) {
		data.items[t.id] = t;
		return { outcome: inView ? 'updated' : 'entered', countsExact };
	}
	if (inView) {
		delete data.items[t.id];
		return { outcome: 'left', countsExact };
	}
	return { outcome: 'outside', countsExact };
}

/**
 * Replaces the view with a fresh page from the server, keeping any local copy
 * that is newer than what the server sent. With more pages behind it, cards
 * older than the page (loaded earlier with "Load more") stay.
 */
export function reconcile(
	data: BoardData,
	fetched: readonly TicketDto[],
	hasMore: boolean,
	counts?: StatusCounts,
	sort: BoardSort = 'newest'
): void {
	const next: Record<string, TicketDto> = {};
	for (const t of fetched) {
		const local = data.items[t.id];
		const seen = data.known[t.id];
		// A newer event already moved it out of this view; the page was read before that.
		if (!local && seen && seen.version > t.version) continue;
		next[t.id] = local && local.version > t.version ? local : t;
		remember(data, t);
	}
	const oldest = fetched.at(-1);
	if (hasMore && oldest) {
		for (const t of Object.values(data.items))
			if (!(t.id in next) && compareTickets(t, oldest, sort) > 0) next[t.id] = t;
	}
	data.items = next;
	if (counts) data.counts = { ...counts };
}

/** Adds a further page ("Load more"): never replaces a newer local copy. */
export function appendPage(data: BoardData, page: readonly TicketDto[]): void {
	for (const t of page) {
		const local = data.items[t.id];
		const seen = data.known[t.id];
		if (local && local.version >= t.version) continue;
		if (seen && seen.version > t.version) continue;
		data.items[t.id] = t;
		remember(data, t);
	}
}

export function sortedTickets(data: BoardData, sort: BoardSort = 'newest'): TicketDto[] {
	return Object.values(data.items).sort((a, b) => compareTickets(a, b, sort));
}

/**
 * With more pages on the server, a live ticket that sorts after the last card
 * loaded belongs to a page not read yet: it is left to "Load more" (which
 * brings it in its place) instead of showing at the bottom out of order.
 */
export function beyondLoaded(
	data: BoardData,
	t: TicketDto,
	hasMore: boolean,
	sort: BoardSort
): boolean {
	if (!hasMore) return false;
	let last: TicketDto | undefined;
	for (const x of Object.values(data.items))
		if (x.id !== t.id && (!last || compareTickets(x, last, sort) > 0)) last = x;
	return last !== undefined && compareTickets(t, last, sort) > 0;
}
