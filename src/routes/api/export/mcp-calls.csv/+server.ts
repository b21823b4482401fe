import type { RequestHandler } from './$types';
import { exportMcpCalls } from '#lib/server/export/exports.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { runtime } from '#lib/server/runtime.ts';

/** The MCP access log names what each user asked for: admins only, as on /admin/mcp. */
export const GET: RequestHandler = (event) => {
	requireUser(event, 'admin');
	return exportMcpCalls(runtime().pool, event.url.searchParams);
};
