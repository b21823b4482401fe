import type { RequestHandler } from './$types';
import { requireUser } from '#lib/server/http/auth.ts';
import { eventStats, parseStatsWindow } from '#lib/server/jira/events.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	return Response.json(await eventStats(runtime().pool, parseStatsWindow(event.url.searchParams)));
};
