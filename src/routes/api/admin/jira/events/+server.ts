import type { RequestHandler } from './$types';
import { requireUser } from '#lib/server/http/auth.ts';
import { listEvents } from '#lib/server/jira/events.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	return Response.json(await listEvents(runtime().pool, event.url.searchParams));
};
