import type { RequestHandler } from './$types';
import { listAudit } from '#lib/server/audit/queries.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = async (event) => {
	requireUser(event);
	return Response.json(await listAudit(runtime().pool, event.url.searchParams));
};
