import type { RequestHandler } from './$types';
import { runtime } from '#lib/server/runtime.ts';

/**
 * The MCP Streamable HTTP endpoint (src/lib/server/mcp/server.ts): POST carries JSON-RPC
 * messages, GET opens the session's event stream, DELETE ends the session. Only a personal
 * API token is accepted, never the browser's session cookie, so a page on another site
 * cannot drive an assistant's session (the CSRF handle also refuses foreign Origins).
 */
const handle: RequestHandler = async (event) => {
	const user = event.locals.via === 'token' ? event.locals.user : null;
	if (!user)
		return Response.json(
			{
				jsonrpc: '2.0',
				error: {
					code: -32001,
					message:
						'Send Authorization: Bearer <token> with a personal API token (Profile → API tokens); it was missing, revoked or unknown'
				},
				id: null
			},
			{
				status: 401,
				headers: { 'www-authenticate': 'Bearer realm="vigil"', 'cache-control': 'no-store' }
			}
		);
	return runtime().mcp.handle(event.request, { user, tokenId: event.locals.tokenId });
};

export const POST = handle;
export const GET = handle;
export const DELETE = handle;
