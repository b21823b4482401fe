import type { PageServerLoad } from './$types';
import { getPreferences } from '#lib/server/auth/preferences.ts';
import { ingestSettings } from '#lib/server/routing/cache.ts';
import { runtime } from '#lib/server/runtime.ts';
import { boardData } from '#lib/server/tickets/board.ts';

/** The board for the view in the URL, so a pasted link paints filtered before any JavaScript runs. */
export const load: PageServerLoad = async ({ url, locals }) => {
	const { pool } = runtime();
	const [board, settings, preferences] = await Promise.all([
		boardData(pool, url.searchParams),
		ingestSettings(pool),
		locals.user ? getPreferences(pool, locals.user.id) : { board_layout: null }
	]);
	const teams = [...new Set(settings.rules.flatMap((r) => (r.team ? [r.team] : [])))];
	// The person's layout, painted by the server: the same on their every browser.
	return { ...board, teams, layout: preferences.board_layout, serverNow: Date.now() };
};
