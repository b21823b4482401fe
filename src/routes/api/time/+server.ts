import type { RequestHandler } from './$types';
import { requireUser } from '#lib/server/http/auth.ts';

/** The server's clock, so browsers can correct their SLA timers for skew (see ServerClock). */
export const GET: RequestHandler = (event) => {
	requireUser(event);
	return Response.json({ now: Date.now() }, { headers: { 'cache-control': 'no-store' } });
};
