import type { RequestHandler } from './$types';
import { requireUser } from '#lib/server/http/auth.ts';
import { runtime } from '#lib/server/runtime.ts';
import { ticketStats } from '#lib/server/tickets/queries.ts';

export const GET: RequestHandler = async (event) => {
	requireUser(event);
	return Response.json(await ticketStats(runtime().pool));
};
