import type { StatsDto, TicketDto } from '#lib/contracts/tickets.ts';
import { apiSearch, EMPTY_FILTERS, matchesView, type BoardQuery } from './filters.ts';
import {
	appendPage,
	applyTicket,
	beyondLoaded,
	emptyBoard,
	reconcile,
	sortedTickets,
	type ApplyResult,
	type BoardData,
	type StatusCounts
} from './merge.ts';

export interface BoardLoad {
	view: BoardQuery;
	tickets: TicketDto[];
	nextCursor: string | null;
	counts: StatusCounts;
}

const FRESH_MS = 6000;
const MAX_RESYNC = 200;

interface TicketPage {
	items: TicketDto[];
	next_cursor: string | null;
}

/** The session ended while the board was open: go sign in again, then come back. */
function signInAgain(): never {
	location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
	throw new Error('signed out');
}

async function getJson<T>(url: string): Promise<T> {
	const res = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
	if (res.status === 401) signInAgain();
	if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
	return (await res.json()) as T;
}

const countsOf = (s: StatsDto): StatusCounts => ({
	open: s.open,
	in_progress: s.in_progress,
	closed: s.closed
});

/**
 * The board's live state: the tickets of one tab + filter, kept current by
 * socket events (merged by version) and by re-reading the API after a
 * reconnect or on each poll while the socket is down.
 */
export class Board {
	data = $state<BoardData>(emptyBoard({ open: 0, in_progress: 0, closed: 0 }));
	view = $state<BoardQuery>({ status: 'open', sort: 'urgency', filters: EMPTY_FILTERS });
	nextCursor = $state<string | null>(null);
	/** Cards that arrived live, highlighted for a moment. */
	fresh = $state<Record<string, true>>({});
	loadingMore = $state(false);
	tickets = $derived(sortedTickets(this.data, this.view.sort));

	/** Events that arrive while a re-sync is in flight wait for it, then apply on top. */
	#buffer: { t: TicketDto; kind: 'created' | 'updated' }[] | null = null;
	#countsTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(initial: BoardLoad) {
		this.load(initial);
	}

	/** A page load (first paint, or the URL changed): this view, exactly as the server listed it. */
	load(l: BoardLoad): void {
		this.view = l.view;
		reconcile(this.data, l.tickets, false, l.counts, l.view.sort);
		this.nextCursor = l.nextCursor;
	}

	apply(t: TicketDto, kind: 'created' | 'updated'): ApplyResult | null {
		if (this.#buffer) {
			this.#buffer.push({ t, kind });
			return null;
		}
		// Urgency order: a live ticket goes to its place, or (past the cards loaded) waits for "Load more".
		const result = applyTicket(
			this.data,
			t,
			kind,
			(x) =>
				matchesView(x, this.view) &&
				!beyondLoaded(this.data, x, this.nextCursor !== null, this.view.sort)
		);
		if (!result.countsExact) this.#refreshCountsSoon();
		if (result.outcome === 'entered' && kind === 'created') this.#markFresh(t.id);
		return result;
	}

	/** Re-reads the current view and the counts; what arrived meanwhile is applied on top. */
	async resync(): Promise<void> {
		const key = apiSearch(this.view);
		const loaded = this.tickets.length;
		const limit = Math.min(MAX_RESYNC, Math.max(50, loaded));
		this.#buffer ??= [];
		try {
			const [page, stats] = await Promise.all([
				getJson<TicketPage>(`/api/tickets${apiSearch(this.view, { limit: String(limit) })}`),
				getJson<StatsDto>('/api/stats')
			]);
			if (key !== apiSearch(this.view)) return;
			reconcile(this.data, page.items, page.next_cursor !== null, countsOf(stats), this.view.sort);
			// Beyond MAX_RESYNC cards the old cursor still marks where "Load more" continues.
			if (loaded <= limit) this.nextCursor = page.next_cursor;
		} finally {
			const missed = this.#buffer ?? [];
			this.#buffer = null;
			for (const { t, kind } of missed) this.apply(t, kind);
			// Those events may already be in the counts just read.
			if (missed.length) this.#refreshCountsSoon();
		}
	}

	async loadMore(): Promise<void> {
		if (!this.nextCursor || this.loadingMore) return;
		const key = apiSearch(this.view);
		this.loadingMore = true;
		try {
			const page = await getJson<TicketPage>(
				`/api/tickets${apiSearch(this.view, { cursor: this.nextCursor })}`
			);
			if (key !== apiSearch(this.view)) return;
			appendPage(this.data, page.items);
			this.nextCursor = page.next_cursor;
		} finally {
			this.loadingMore = false;
		}
	}

	#refreshCountsSoon(): void {
		if (this.#countsTimer) return;
		this.#countsTimer = setTimeout(() => {
			this.#countsTimer = null;
			getJson<StatsDto>('/api/stats').then(
				(s) => (this.data.counts = countsOf(s)),
				() => undefined
			);
		}, 1000);
	}

	#markFresh(id: string): void {
		this.fresh[id] = true;
		setTimeout(() => delete this.fresh[id], FRESH_MS);
	}
}
