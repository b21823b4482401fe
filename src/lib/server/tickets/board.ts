import { apiSearch, parseBoardQuery, type BoardQuery } from '#lib/client/filters.ts';
import type { TicketDto } from '#lib/contracts/tickets.ts';
import type { Pool } from '../db/pool.ts';
import { listTickets, ticketStats } from './queries.ts';

const PAGE_SIZE = 50;

export interface BoardData {
	view: BoardQuery;
	tickets: TicketDto[];
	nextCursor: string | null;
	counts: { open: number; in_progress: number; closed: number };
	breached: number;
}

/** The board for the view in a URL's query: its first page, the tab counts and the breached count. */
export async function boardData(pool: Pool, query: URLSearchParams): Promise<BoardData> {
	const view = parseBoardQuery(query);
	const params = new URLSearchParams(
		apiSearch(view, { limit: String(PAGE_SIZE), children: 'hide' })
	);
	const [page, stats] = await Promise.all([listTickets(pool, params), ticketStats(pool)]);
	return {
		view,
		tickets: page.items,
		nextCursor: page.next_cursor,
		counts: { open: stats.open, in_progress: stats.in_progress, closed: stats.closed },
		breached: stats.open_breached
	};
}
