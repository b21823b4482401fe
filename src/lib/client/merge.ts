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

/** Newest first, as the server lists them: created_at desc, then id desc. */
export function compareTickets(a: TicketDto, b: TicketDto): number {
	const at = Date.parse(b.created_at) - Date.parse(a.created_at);
	if (at !== 0) return at;
	return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
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
	counts?: StatusCounts
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
			if (!(t.id in next) && compareTickets(t, oldest) > 0) next[t.id] = t;
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

export function sortedTickets(data: BoardData): TicketDto[] {
	return Object.values(data.items).sort(compareTickets);
}
