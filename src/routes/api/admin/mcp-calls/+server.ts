import type { RequestHandler } from './$types';
import { requireUser } from '#lib/server/http/auth.ts';
import { listMcpCalls } from '#lib/server/mcp/calls.ts';
import { runtime } from '#lib/server/runtime.ts';

/** The MCP access log, newest first (filters: user, name, kind, outcome, ticket_id, session_id). */
export const GET: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	return Response.json(await listMcpCalls(runtime().pool, event.url.searchParams));
};
