/**
 * Vigil as a Model Context Protocol server, over the Streamable HTTP transport at /mcp.
 * The only file that imports the MCP SDK's server side.
 *
 * Transport: the SDK's web-standard transport (Request in, Response out), because a
 * SvelteKit route has exactly those; the Node transport would need the raw
 * IncomingMessage/ServerResponse, which SvelteKit does not hand to routes. POST answers
 * are JSON (enableJsonResponse): every tool answers at once, so there is nothing to
 * stream, and a plain JSON answer passes every proxy. GET opens the session's event
 * stream for what the server says on its own (streams.ts): Vigil tells clients when the
 * open incidents change (notifications/resources/list_changed), announced to every
 * instance through PostgreSQL (NOTIFY vigil_mcp), so a stream hears of a ticket whichever
 * instance took its webhook.
 *
 * Sessions: the session id (Mcp-Session-Id) and the user it belongs to are kept in
 * PostgreSQL (sessions.ts), and every request is served by a fresh server on the SDK's
 * stateless transport: Vigil's tools keep no conversation state, so nothing else of a
 * session needs to live in a process, and any instance behind a balancer, or a restarted
 * one, serves any session. The SDK's own stateful mode keeps sessions in the transport
 * object of one process (sticky sessions, lost on restart). A session is bound to the
 * user whose token opened it: the same id with another user's token is refused (403).
 * The user, with their role today, is read from the token on every request, so a revoked
 * token or a lowered role applies at once. Sessions end when the client deletes them,
 * after 30 minutes idle, or when a user opens more than 10 (the least recently used go).
 */
import { randomUUID } from 'node:crypto';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { AuthUser } from '../auth/sessions.ts';
import type { Pool } from '../db/pool.ts';
import { subscribe } from '../events.ts';
import { log } from '../log.ts';
import { countMcpSessionsWith } from '../metrics.ts';
import { callRequests } from './access-log.ts';
import { mcpCallLog } from './calls.ts';
import { callRecorder } from './recorder.ts';
import {
	handoverPrompt,
	HandoverArgs,
	OPEN_INCIDENTS_URI,
	openIncidents,
	PROMPT_NAMES,
	TICKET_URI,
	ticketDocument,
	ticketUri,
	triagePrompt,
	TriageArgs
} from './context.ts';
import { answerText, clip } from './format.ts';
import { mcpSessions } from './sessions.ts';
import { mcpStreams, ticketAnnouncer } from './streams.ts';
import { runTool, ToolError, TOOLS, type ToolDef } from './tools.ts';

export interface McpDeps {
	pool: Pool;
}

export interface McpOptions {
	idleMs?: number;
	maxSessionsPerUser?: number;
	/** An event stream is closed after this long and the client reconnects (default 5 min). */
	streamMaxAgeMs?: number;
	/** A comment on an idle event stream this often keeps proxies from cutting it (SDK: 15 s). */
	keepAliveMs?: number;
}

/** Who sends a request: the user, with their role today, and the personal API token used. */
export interface McpCaller {
	user: AuthUser;
	tokenId: string | null;
}

export interface McpEndpoint {
	/** One HTTP request to /mcp (POST, GET or DELETE) from an authenticated user. */
	handle(request: Request, caller: McpCaller): Promise<Response>;
	/** The open incidents changed (NOTIFY vigil_mcp, from any instance): streams say so. */
	resourcesChanged(): void;
	/** Ends every event stream, so the HTTP server can close at shutdown. */
	drain(): void;
	stop(): void;
}

/** The spec's code for an unknown resource. */
const RESOURCE_NOT_FOUND = -32002;
function userOf(authInfo: AuthInfo | undefined): AuthUser {
	const user = authInfo?.extra?.user as AuthUser | undefined;
	// The route hands every request its user; a call without one is a wiring bug.
	if (!user) throw new McpError(-32600, 'Not authenticated');
	return user;
}

/** One MCP server per session: the SDK binds a server to a single transport. */
function buildServer(deps: McpDeps): McpServer {
	const server = new McpServer(
		{ name: 'vigil', title: 'Vigil incident console', version: '1.0.0' },
		{
			instructions:
				'Vigil tracks failed data-pipeline runs as incidents (tickets) with an SLA to acknowledge them. Use search_tickets or sla_at_risk to see what is failing, get_ticket and similar_incidents to investigate, incident_stats for trends, search_audit for who did what. acknowledge_ticket, resolve_ticket and reopen_ticket change a ticket as the signed-in user (responders and admins).'
		}
	);
	for (const tool of TOOLS) registerTool(server, deps, tool);

	server.registerResource(
		'ticket',
		new ResourceTemplate(TICKET_URI, {
			list: async () => ({
				resources: (await openIncidents(deps.pool, 50)).incidents.map((t) => ({
					uri: ticketUri(t.id),
					name: t.id,
					title: `${t.priority} ${t.pipeline}: ${t.error_type}`.slice(0, 200),
					mimeType: 'application/json'
				}))
			})
		}),
		{
			title: 'A ticket with its timeline',
			description: 'One incident in full with its last 50 audit entries (JSON).',
			mimeType: 'application/json'
		},
		async (uri, variables) => {
			const raw = variables.id;
			const id = decodeURIComponent(Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? ''));
			const doc = id ? await ticketDocument(deps.pool, id) : null;
			if (!doc) throw new McpError(RESOURCE_NOT_FOUND, `No ticket with id ${clip(id, 200)}`);
			return { contents: [{ uri: uri.href, mimeType: 'application/json', text: answerText(doc) }] };
		}
	);
	server.registerResource(
		'open-incidents',
		OPEN_INCIDENTS_URI,
		{
			title: 'Open incidents',
			description: 'Every incident not closed yet, most urgent first (at most 100; JSON).',
			mimeType: 'application/json'
		},
		async (uri) => ({
			contents: [
				{
					uri: uri.href,
					mimeType: 'application/json',
					text: answerText(await openIncidents(deps.pool))
				}
			]
		})
	);

	server.registerPrompt(
		'triage_ticket',
		{
			title: 'Triage this ticket',
			description:
				'Explain what failed and why, whether it happened before, and what to do next, for one ticket.',
			argsSchema: TriageArgs
		},
		async ({ ticket_id }) => {
			const prompt = await triagePrompt(deps.pool, ticket_id);
			if (!prompt) throw new McpError(-32602, `No ticket with id ${clip(ticket_id, 200)}`);
			return {
				description: `Triage ${ticket_id}`,
				messages: [{ role: 'user', content: { type: 'text', text: prompt } }]
			};
		}
	);
	server.registerPrompt(
		'shift_handover',
		{
			title: 'Shift handover summary',
			description:
				'A handover for the next on-call shift covering the last N hours: what is still open, what was resolved, breaches and patterns.',
			argsSchema: HandoverArgs
		},
		async ({ hours }) => ({
			description: `Shift handover for the last ${hours} hours`,
			messages: [
				{
					role: 'user',
					content: { type: 'text', text: await handoverPrompt(deps.pool, Number(hours)) }
				}
			]
		})
	);
	return server;
}

function registerTool(server: McpServer, deps: McpDeps, tool: ToolDef) {
	server.registerTool(
		tool.name,
		{
			title: tool.title,
			description: tool.description,
			inputSchema: tool.input,
			annotations:
				tool.role === 'viewer'
					? { readOnlyHint: true, openWorldHint: false }
					: {
							readOnlyHint: false,
							destructiveHint: false,
							idempotentHint: true,
							openWorldHint: false
						}
		},
		async (args: unknown, extra): Promise<CallToolResult> => {
			const user = userOf(extra.authInfo);
			const started = performance.now();
			try {
				const result = await runTool(tool, { pool: deps.pool, user }, args);
				log.info(
					{ tool: tool.name, userId: user.id, ms: Math.round(performance.now() - started) },
					'mcp tool call'
				);
				return { content: [{ type: 'text', text: answerText(result) }] };
			} catch (err) {
				if (err instanceof ToolError) {
					log.info({ tool: tool.name, userId: user.id, refused: err.message }, 'mcp tool call');
					return { isError: true, content: [{ type: 'text', text: err.message }] };
				}
				const errorId = randomUUID();
				log.error({ err, errorId, tool: tool.name, userId: user.id }, 'mcp tool failed');
				return {
					isError: true,
					content: [
						{ type: 'text', text: `${tool.name} failed on Vigil's side (error id ${errorId}).` }
					]
				};
			}
		}
	);
}

/** A JSON-RPC error answer, as the transport itself answers protocol-level problems. */
function rpcError(status: number, code: number, message: string): Response {
	return Response.json(
		{ jsonrpc: '2.0', error: { code, message }, id: null },
		{ status, headers: { 'cache-control': 'no-store' } }
	);
}

const isInitialize = (body: unknown): boolean =>
	Array.isArray(body)
		? body.some(isInitialize)
		: typeof body === 'object' &&
			body !== null &&
			(body as { method?: unknown }).method === 'initialize';

export function createMcpEndpoint(deps: McpDeps, opts: McpOptions = {}): McpEndpoint {
	const idleMs = opts.idleMs ?? 30 * 60_000;
	const sessions = mcpSessions(deps.pool, {
		idleMs,
		maxPerUser: opts.maxSessionsPerUser ?? 10
	});
	const streams = mcpStreams({ maxAgeMs: opts.streamMaxAgeMs ?? 5 * 60_000 });
	countMcpSessionsWith(() => sessions.count());
	const known = new Set([...TOOLS.map((t) => t.name), ...PROMPT_NAMES, OPEN_INCIDENTS_URI]);

	const announcer = ticketAnnouncer(deps.pool);
	const record = callRecorder(mcpCallLog(deps.pool), known);

	const unsubscribe = [
		subscribe('ticket:created', announcer.announce),
		subscribe('ticket:updated', announcer.announce),
		subscribe('auth:revoked', ({ userId, tokenId }) => {
			if (userId) streams.end({ userId });
			if (tokenId) streams.end({ tokenId });
		})
	];

	/** One request on a fresh server and stateless transport: the session lives in PostgreSQL. */
	async function serve(request: Request, body: unknown, authInfo: AuthInfo): Promise<Response> {
		const server = buildServer(deps);
		const transport = new WebStandardStreamableHTTPServerTransport({
			sessionIdGenerator: undefined,
			enableJsonResponse: true
		});
		await server.connect(transport);
		try {
			// JSON answers are complete when handleRequest returns, so the server can go.
			return await transport.handleRequest(request, { parsedBody: body, authInfo });
		} finally {
			await server.close().catch(() => {});
		}
	}

	/**
	 * Serves a POST and records its tool calls, resource reads and prompts in the access log
	 * and the metrics, reads included, with the outcome read from the JSON-RPC answer.
	 */
	async function serveRecorded(
		request: Request,
		body: unknown,
		authInfo: AuthInfo,
		caller: McpCaller,
		sessionId: string
	): Promise<Response> {
		const asked = callRequests(body);
		if (!asked.length) return serve(request, body, authInfo);
		const at = new Date();
		const started = performance.now();
		const done = (text: string) =>
			record(asked, text, at, performance.now() - started, {
				userId: caller.user.id,
				userEmail: caller.user.email,
				tokenId: caller.tokenId,
				sessionId
			});
		try {
			const answer = await serve(request, body, authInfo);
			const text = await answer.text();
			await done(text);
			return new Response(text, { status: answer.status, headers: answer.headers });
		} catch (err) {
			await done(JSON.stringify({ id: null, error: { message: "Failed on Vigil's side" } }));
			throw err;
		}
	}

	/** GET: an event stream for this session, held until the client, the session or the token ends. */
	async function openStream(
		request: Request,
		caller: McpCaller,
		sessionId: string,
		authInfo: AuthInfo
	): Promise<Response> {
		const server = buildServer(deps);
		const transport = new WebStandardStreamableHTTPServerTransport({
			sessionIdGenerator: undefined,
			keepAliveMs: opts.keepAliveMs
		});
		await server.connect(transport);
		const dispose = () => void server.close().catch(() => {});
		const answer = await transport.handleRequest(request, { authInfo });
		if (!answer.ok || !answer.body) {
			dispose();
			return answer;
		}
		// One stream per session, as the SDK's own transport allows: a new GET (a client
		// reconnecting over a half-dead connection) replaces the old one, so a client cannot
		// pile up servers by opening streams in a loop.
		streams.end({ sessionId });
		const body = streams.hold(
			{ sessionId, userId: caller.user.id, tokenId: caller.tokenId },
			answer.body,
			() => server.server.sendResourceListChanged(),
			dispose
		);
		const out = new Response(body, answer);
		out.headers.set('mcp-session-id', sessionId);
		return out;
	}

	return {
		async handle(request, caller) {
			const { user } = caller;
			const authInfo: AuthInfo = {
				token: '',
				clientId: user.id,
				scopes: [user.role],
				extra: { user }
			};
			const id = request.headers.get('mcp-session-id');
			if (request.method === 'GET' || request.method === 'DELETE') {
				if (!id) return rpcError(400, -32000, 'Mcp-Session-Id header is required');
				const state = await sessions.check(id, user.id);
				if (state === 'other_user')
					return rpcError(403, -32000, 'This session belongs to another user');
				if (request.method === 'GET')
					return state === 'missing'
						? rpcError(404, -32001, 'Session not found (expired or closed): initialize again')
						: openStream(request, caller, id, authInfo);
				if (state === 'missing' || !(await sessions.end(id, user.id)))
					return rpcError(404, -32001, 'Session not found (expired or closed)');
				streams.end({ sessionId: id });
				return new Response(null, { status: 200, headers: { 'cache-control': 'no-store' } });
			}
			if (request.method !== 'POST')
				return new Response(null, { status: 405, headers: { allow: 'GET, POST, DELETE' } });

			let body: unknown;
			try {
				body = JSON.parse(await request.text());
			} catch {
				return rpcError(400, -32700, 'Parse error: the body must be a JSON-RPC message (JSON)');
			}
			if (isInitialize(body)) {
				const session = await sessions.open(user.id);
				const answer = await serve(request, body, authInfo);
				if (!answer.ok) {
					await sessions.end(session, user.id);
					return answer;
				}
				const out = new Response(answer.body, answer);
				out.headers.set('mcp-session-id', session);
				return out;
			}
			if (!id) return rpcError(400, -32000, 'Mcp-Session-Id header is required: initialize first');
			const state = await sessions.check(id, user.id);
			if (state === 'missing')
				return rpcError(404, -32001, 'Session not found (expired or closed): initialize again');
			if (state === 'other_user')
				return rpcError(403, -32000, 'This session belongs to another user');
			return serveRecorded(request, body, authInfo, caller, id);
		},
		resourcesChanged: () => streams.listChanged(),
		drain: () => streams.endAll(),
		stop() {
			for (const off of unsubscribe) off();
			announcer.stop();
			streams.endAll();
		}
	};
}
