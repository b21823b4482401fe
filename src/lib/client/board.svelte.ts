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
import { advanceWatermark, missedTickets } from './missed.ts';

export interface BoardLoad {
	view: BoardQuery;
	tickets: TicketDto[];
	nextCursor: string | null;
	counts: StatusCounts;
	/** Open tickets past their SLA deadline (the tab title shows them). */
	breached: number;
	/** When the server rendered this page: tickets created after it were not on it. */
	serverNow: number;
}

const FRESH_MS = 6000;
/** A ticket found only by the re-sync keeps its New mark longer: nobody saw it arrive. */
const MISSED_FRESH_MS = 5 * 60_000;
/** How many of the newest open tickets the re-sync reads to find what arrived meanwhile. */
const MISSED_LIMIT = 100;
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
	breached = $state(0);
	tickets = $derived(sortedTickets(this.data, this.view.sort));

	/** The newest creation time seen (or when the page was served): after it, tickets are news. */
	#watermark = 0;
	/** Every ticket this page has shown or heard of, in any view. */
	#seen: Record<string, true> = {};
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
		this.breached = l.breached;
		this.#watermark = Math.max(this.#watermark, l.serverNow);
		this.#see(l.tickets);
	}

	#see(tickets: readonly TicketDto[]): void {
		for (const t of tickets) {
			this.#seen[t.id] = true;
			this.#watermark = advanceWatermark(this.#watermark, t.created_at);
		}
	}

	apply(t: TicketDto, kind: 'created' | 'updated'): ApplyResult | null {
		if (this.#buffer) {
			this.#buffer.push({ t, kind });
			return null;
		}
		this.#see([t]);
		// A failure grouped under an incident is not a card of its own: its incident's update
		// (a new count) is what the board shows. Split out later, it arrives as an update.
		if (t.incident_id) {
			delete this.data.items[t.id];
			delete this.fresh[t.id];
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
		// A breach, or a breached ticket acknowledged, changes the count in the tab title.
		if (!result.countsExact || t.sla_status === 'Breached') this.#refreshCountsSoon();
		if (result.outcome === 'entered' && kind === 'created') this.#markFresh(t.id);
		return result;
	}

	/**
	 * Re-reads the current view and the counts; what arrived meanwhile is applied
	 * on top. Answers the open tickets created while the page was not listening
	 * (whatever tab or filter it shows), marked New here, for the alerts.
	 */
	async resync(): Promise<TicketDto[]> {
		const key = apiSearch(this.view);
		const loaded = this.tickets.length;
		const limit = Math.min(MAX_RESYNC, Math.max(50, loaded));
		const watermark = this.#watermark;
		const seenBefore = { ...this.#seen };
		this.#buffer ??= [];
		let missed: TicketDto[];
		try {
			const [page, stats, newest] = await Promise.all([
				getJson<TicketPage>(
					`/api/tickets${apiSearch(this.view, { limit: String(limit), children: 'hide' })}`
				),
				getJson<StatsDto>('/api/stats'),
				getJson<TicketPage>(
					`/api/tickets?status=open&sort=newest&children=hide&limit=${MISSED_LIMIT}`
				)
			]);
			missed = missedTickets(newest.items, (id) => id in seenBefore, watermark);
			this.#see(newest.items);
			this.breached = stats.open_breached;
			if (key !== apiSearch(this.view)) return missed;
			this.#see(page.items);
			reconcile(this.data, page.items, page.next_cursor !== null, countsOf(stats), this.view.sort);
			for (const t of missed) if (t.id in this.data.items) this.#markFresh(t.id, MISSED_FRESH_MS);
			// Beyond MAX_RESYNC cards the old cursor still marks where "Load more" continues.
			if (loaded <= limit) this.nextCursor = page.next_cursor;
		} finally {
			const buffered = this.#buffer ?? [];
			this.#buffer = null;
			for (const { t, kind } of buffered) this.apply(t, kind);
			// Those events may already be in the counts just read.
			if (buffered.length) this.#refreshCountsSoon();
		}
		return missed;
	}

	async loadMore(): Promise<void> {
		if (!this.nextCursor || this.loadingMore) return;
		const key = apiSearch(this.view);
		this.loadingMore = true;
		try {
			const page = await getJson<TicketPage>(
				`/api/tickets${apiSearch(this.view, { cursor: this.nextCursor, children: 'hide' })}`
			);
			if (key !== apiSearch(this.view)) return;
			this.#see(page.items);
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
				(s) => {
					this.data.counts = countsOf(s);
					this.breached = s.open_breached;
				},
				() => undefined
			);
		}, 1000);
	}

	#markFresh(id: string, ms = FRESH_MS): void {
		this.fresh[id] = true;
		setTimeout(() => delete this.fresh[id], ms);
	}

	/** The person has looked at it (selected, acted on it): it is no longer news. */
	seenNow(id: string): void {
		delete this.fresh[id];
	}
}
