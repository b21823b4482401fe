import type { RequestHandler } from './$types';
import { exportAudit } from '#lib/server/export/exports.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = (event) => {
	requireUser(event);
	return exportAudit(runtime().pool, event.url.searchParams);
};
