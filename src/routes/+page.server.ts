import type { PageServerLoad } from './$types';
import { ingestSettings } from '#lib/server/routing/cache.ts';
import { runtime } from '#lib/server/runtime.ts';
import { boardData } from '#lib/server/tickets/board.ts';

/** The board for the view in the URL, so a pasted link paints filtered before any JavaScript runs. */
export const load: PageServerLoad = async ({ url }) => {
	const { pool } = runtime();
	const [board, settings] = await Promise.all([
		boardData(pool, url.searchParams),
		ingestSettings(pool)
	]);
	const teams = [...new Set(settings.rules.flatMap((r) => (r.team ? [r.team] : [])))];
	return { ...board, teams, serverNow: Date.now() };
};
