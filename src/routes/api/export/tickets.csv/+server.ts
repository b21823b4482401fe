import type { RequestHandler } from './$types';
import { exportTickets } from '#lib/server/export/exports.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = (event) => {
	requireUser(event);
	return exportTickets(runtime().pool, event.url.searchParams);
};
