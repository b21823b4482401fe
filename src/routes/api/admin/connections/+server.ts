import type { RequestHandler } from './$types';
import { listConnections } from '#lib/server/connections/settings.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { runtime } from '#lib/server/runtime.ts';

/** Settings and health of every connection; secrets only as set / not set. */
export const GET: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	return Response.json({ connections: await listConnections(runtime()) });
};
