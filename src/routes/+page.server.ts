import type { PageServerLoad } from './$types';
import { apiSearch, parseBoardQuery } from '#lib/client/filters.ts';
import { ingestSettings } from '#lib/server/routing/cache.ts';
import { runtime } from '#lib/server/runtime.ts';
import { listTickets, ticketStats } from '#lib/server/tickets/queries.ts';

const PAGE_SIZE = 50;

/** The board for the view in the URL, so a pasted link paints filtered before any JavaScript runs. */
export const load: PageServerLoad = async ({ url }) => {
	const view = parseBoardQuery(url.searchParams);
	const { pool } = runtime();
	const params = new URLSearchParams(
		apiSearch(view, { limit: String(PAGE_SIZE), children: 'hide' })
	);
	const [page, stats, settings] = await Promise.all([
		listTickets(pool, params),
		ticketStats(pool),
		ingestSettings(pool)
	]);
	const teams = [...new Set(settings.rules.flatMap((r) => (r.team ? [r.team] : [])))];
	return {
		view,
		tickets: page.items,
		nextCursor: page.next_cursor,
		counts: { open: stats.open, in_progress: stats.in_progress, closed: stats.closed },
		breached: stats.open_breached,
		teams,
		serverNow: Date.now()
	};
};
