import type { RequestHandler } from './$types';
import { requireUser } from '#lib/server/http/auth.ts';
import { ApiError } from '#lib/server/errors.ts';
import { runtime } from '#lib/server/runtime.ts';
import { getTicket } from '#lib/server/tickets/queries.ts';

export const GET: RequestHandler = async (event) => {
	requireUser(event);
	const detail = await getTicket(runtime().pool, event.params.id);
	if (!detail) throw new ApiError(404, 'not_found', `ticket ${event.params.id} not found`);
	return Response.json(detail);
};
