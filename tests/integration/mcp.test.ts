import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MCP_CALL_FIELDS, pruneMcpCalls } from '../../src/lib/server/mcp/calls.ts';
import { parseCsv } from '../support/csv.ts';
import { createTestDatabase, TEST_INGEST_KEY } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';
import { login, startServer, type RunningServer } from '../support/server.ts';

/**
 * The MCP server as an assistant meets it: the SDK's own client over Streamable HTTP
 * against the production server, authenticated with personal API tokens.
 */

let server: RunningServer;
let databaseUrl: string;
const tokens = { admin: '', responder: '', viewer: '' };
const clients: Client[] = [];
const tickets: string[] = [];

async function createToken(cookie: string): Promise<string> {
	const res = await fetch(`${server.url}/api/tokens`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie },
		body: JSON.stringify({ name: 'assistant' })
	});
	expect(res.status).toBe(201);
	return (await res.json()).token;
}

async function account(email: string, role: 'viewer' | 'responder'): Promise<string> {
	const password = 'a long enough password for tests';
	const res = await fetch(`${server.url}/api/auth/signup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, name: email.split('@')[0], password })
	});
	expect(res.status).toBe(202);
	await sql('update users set role = $1 where email = $2', [role, email]);
	return createToken(await login(server.url, email, password));
}

async function ingest(over: Record<string, unknown>): Promise<string> {
	const res = await fetch(`${server.url}/api/webhooks/generic`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': TEST_INGEST_KEY },
		body: JSON.stringify({ ...fixture('generic/airflow-task-failed.json'), ...over })
	});
	expect(res.status).toBe(201);
	return (await res.json()).ticket_id;
}

async function connect(token: string): Promise<Client> {
	const client = new Client({ name: 'vigil-test', version: '1.0.0' });
	await client.connect(
		new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
			requestInit: { headers: { authorization: `Bearer ${token}` } }
		})
	);
	clients.push(client);
	return client;
}

type ToolAnswer = { isError?: boolean; content: { type: string; text?: string }[] };

async function call(client: Client, name: string, args: Record<string, unknown> = {}) {
	const r = (await client.callTool({ name, arguments: args })) as ToolAnswer;
	const text = r.content.map((c) => c.text ?? '').join('\n');
	return { isError: r.isError === true, text, json: () => JSON.parse(text) };
}

const initialize = {
	jsonrpc: '2.0',
	id: 1,
	method: 'initialize',
	params: {
		protocolVersion: '2025-06-18',
		capabilities: {},
		clientInfo: { name: 'curl', version: '1' }
	}
};
const toolsList = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };

/** A raw JSON-RPC POST to /mcp, as any HTTP client can send it. */
const post = (headers: Record<string, string>, body: unknown, url = server.url) =>
	fetch(`${url}/mcp`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			accept: 'application/json, text/event-stream',
			...headers
		},
		body: JSON.stringify(body)
	});

/** GET /mcp: the session's event stream, as an SDK client opens it after initialize. */
const openStream = (token: string, session?: string) =>
	fetch(`${server.url}/mcp`, {
		headers: {
			accept: 'text/event-stream',
			authorization: `Bearer ${token}`,
			'mcp-protocol-version': '2025-06-18',
			...(session ? { 'mcp-session-id': session } : {})
		}
	});

/** Reads an event stream until `want` appears in it, it ends, or `ms` pass. */
async function readUntil(
	res: Response,
	want: string,
	ms = 10_000
): Promise<'found' | 'ended' | 'timeout'> {
	const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		void reader.cancel();
	}, ms);
	let seen = '';
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) return timedOut ? 'timeout' : 'ended';
			seen += value;
			if (seen.includes(want)) return 'found';
		}
	} finally {
		clearTimeout(timer);
		await reader.cancel().catch(() => {});
	}
}

/** A session opened with a raw initialize, as any HTTP client can. */
async function rawSession(token: string): Promise<string> {
	const res = await post({ authorization: `Bearer ${token}` }, initialize);
	expect(res.status).toBe(200);
	return res.headers.get('mcp-session-id')!;
}

async function sql(text: string, values: unknown[] = []) {
	const db = new pg.Client(databaseUrl);
	await db.connect();
	try {
		return await db.query(text, values);
	} finally {
		await db.end();
	}
}

beforeAll(async () => {
	databaseUrl = await createTestDatabase();
	server = await startServer(databaseUrl);
	tokens.admin = await createToken(await login(server.url));
	tokens.responder = await account('rita@contoso.example', 'responder');
	tokens.viewer = await account('victor@contoso.example', 'viewer');
	tickets.push(await ingest({ run_id: 'mcp-run-1' }));
	tickets.push(
		await ingest({ run_id: 'mcp-run-2', pipeline: 'dag_marketing_spend.load_bing_ads' })
	);
	// A megabyte-class trace must not reach the model whole.
	tickets.push(
		await ingest({
			run_id: 'mcp-run-3',
			pipeline: 'pl_orders_nightly',
			error_message: `java.lang.OutOfMemoryError: GC overhead limit exceeded\n${'\tat org.apache.spark.Executor.run(Executor.scala:42)\n'.repeat(3000)}`
		})
	);
});

afterAll(async () => {
	// Stopped with the assistants still connected: no MCP stream may hold the shutdown open.
	const started = Date.now();
	if (server) expect(await server.stop()).toBe(0);
	expect(Date.now() - started).toBeLessThan(10_000);
	for (const c of clients) await c.close().catch(() => {});
});

describe('MCP over Streamable HTTP', () => {
	it('lists the tools, resources and prompts', async () => {
		const client = await connect(tokens.viewer);
		const { tools } = await client.listTools();
		expect(tools.map((t) => t.name).sort()).toEqual([
			'acknowledge_ticket',
			'get_ticket',
			'incident_stats',
			'reopen_ticket',
			'resolve_ticket',
			'search_audit',
			'search_tickets',
			'similar_incidents',
			'sla_at_risk'
		]);
		const search = tools.find((t) => t.name === 'search_tickets')!;
		// The board's filters, as the HTTP API takes them.
		expect(Object.keys(search.inputSchema.properties ?? {})).toEqual(
			expect.arrayContaining([
				'status',
				'priority',
				'severity',
				'q',
				'team',
				'sort',
				'cursor',
				'limit'
			])
		);
		expect(tools.find((t) => t.name === 'acknowledge_ticket')!.annotations?.readOnlyHint).toBe(
			false
		);

		const { resourceTemplates } = await client.listResourceTemplates();
		expect(resourceTemplates.map((r) => r.uriTemplate)).toEqual(['vigil://tickets/{id}']);
		const { resources } = await client.listResources();
		const uris = resources.map((r) => r.uri);
		expect(uris).toContain('vigil://incidents/open');
		for (const id of tickets) expect(uris).toContain(`vigil://tickets/${id}`);

		const { prompts } = await client.listPrompts();
		expect(prompts.map((p) => p.name).sort()).toEqual(['shift_handover', 'triage_ticket']);
		expect(prompts.find((p) => p.name === 'triage_ticket')!.arguments).toEqual([
			expect.objectContaining({ name: 'ticket_id', required: true })
		]);
	});

	it('answers every read tool, sized for a model', async () => {
		const client = await connect(tokens.viewer);

		const list = await call(client, 'search_tickets', { status: 'open', q: 'bing' });
		expect(list.isError).toBe(false);
		expect(list.json().items.map((t: { id: string }) => t.id)).toEqual([tickets[1]]);
		const closed = await call(client, 'search_tickets', { status: 'closed' });
		expect(closed.json().items).toEqual([]);
		const paged = await call(client, 'search_tickets', { limit: 2 });
		expect(paged.json().items).toHaveLength(2);
		expect(paged.json().next_cursor).toEqual(expect.any(String));
		const rest = await call(client, 'search_tickets', {
			limit: 2,
			cursor: paged.json().next_cursor
		});
		expect(rest.json().items).toHaveLength(1);
		expect(rest.json().next_cursor).toBeNull();

		const one = await call(client, 'get_ticket', { id: tickets[2] });
		expect(one.isError).toBe(false);
		const detail = one.json();
		expect(detail.ticket.id).toBe(tickets[2]);
		expect(detail.ticket.error_message).toMatch(/^java\.lang\.OutOfMemoryError/);
		expect(detail.ticket.error_message).toMatch(/\[truncated: \d+ more characters\]$/);
		expect(detail.ticket.error_message.length).toBeLessThan(4100);
		expect(detail.timeline.map((e: { action: string }) => e.action)).toContain('Ticket Created');
		expect(one.text.length).toBeLessThan(20_000);

		const similar = await call(client, 'similar_incidents', { id: tickets[0] });
		expect(similar.json().similar.map((s: { id: string }) => s.id)).toContain(tickets[1]);

		const stats = await call(client, 'incident_stats', { range: '24h' });
		expect(stats.json().now.open).toBeGreaterThanOrEqual(3);
		expect(stats.json().summary.incidents).toBeGreaterThanOrEqual(3);
		expect(stats.json().range.range).toBe('24h');

		const atRisk = await call(client, 'sla_at_risk', { within_minutes: 1440 });
		const risky = atRisk.json().items as { id: string; seconds_left: number }[];
		expect(risky.map((t) => t.id).sort()).toEqual([...tickets].sort());
		expect(risky[0]!.seconds_left).toBeGreaterThan(0);
		// Deadlines are hours away: nothing breaches within the next minute.
		expect((await call(client, 'sla_at_risk', { within_minutes: 1 })).json().items).toEqual([]);

		const audit = await call(client, 'search_audit', { ticket_id: tickets[1] });
		expect(audit.json().items.map((e: { action: string }) => e.action)).toContain('Ticket Created');
	});

	it('answers bad input with the validation message, and a miss plainly', async () => {
		const client = await connect(tokens.viewer);
		const status = await call(client, 'search_tickets', { status: 'burning' });
		expect(status.isError).toBe(true);
		expect(status.text).toContain('status must be one of open, in_progress, closed');
		const limit = await call(client, 'search_audit', { limit: 500 });
		expect(limit.isError).toBe(true);
		expect(limit.text).toContain('limit must be an integer from 1 to 50');
		const range = await call(client, 'incident_stats', { range: '1y' });
		expect(range.text).toContain('range must be one of 24h, 7d, 30d, 90d');
		const cursor = await call(client, 'search_tickets', { cursor: 'not-a-cursor' });
		expect(cursor.text).toContain('cursor is invalid');
		const missing = await call(client, 'get_ticket', { id: 'ADF-nope' });
		expect(missing.isError).toBe(true);
		expect(missing.text).toContain('No ticket with id ADF-nope');
		const noId = await call(client, 'get_ticket', {});
		expect(noId.isError).toBe(true);
		expect(noId.text).toMatch(/id/);
	});

	it('refuses write tools to a viewer, and changes nothing', async () => {
		const client = await connect(tokens.viewer);
		const r = await call(client, 'acknowledge_ticket', { id: tickets[0] });
		expect(r.isError).toBe(true);
		expect(r.text).toContain('acknowledge_ticket needs the responder role; you are viewer');
		const after = await call(client, 'get_ticket', { id: tickets[0] });
		expect(after.json().ticket.status).toBe('open');
	});

	it('applies a role changed during a session to the next call', async () => {
		const client = await connect(tokens.responder);
		await sql(`update users set role = 'viewer' where email = 'rita@contoso.example'`);
		try {
			const r = await call(client, 'acknowledge_ticket', { id: tickets[1] });
			expect(r.isError).toBe(true);
			expect(r.text).toContain('acknowledge_ticket needs the responder role; you are viewer');
		} finally {
			await sql(`update users set role = 'responder' where email = 'rita@contoso.example'`);
		}
		expect((await call(client, 'get_ticket', { id: tickets[1] })).json().ticket.status).toBe(
			'open'
		);
	});

	it('acknowledges, resolves and reopens as the user, audited with source mcp', async () => {
		const client = await connect(tokens.responder);
		const ack = await call(client, 'acknowledge_ticket', { id: tickets[0] });
		expect(ack.isError).toBe(false);
		expect(ack.json()).toMatchObject({
			status: 'changed',
			ticket: { id: tickets[0], status: 'in_progress', acknowledged_by: 'rita' }
		});
		const again = await call(client, 'acknowledge_ticket', { id: tickets[0] });
		expect(again.json().status).toBe('unchanged');

		const resolved = await call(client, 'resolve_ticket', {
			id: tickets[0],
			note: 'Raised the Google Ads quota; re-ran the DAG'
		});
		expect(resolved.json().ticket.status).toBe('closed');
		const long = await call(client, 'reopen_ticket', { id: tickets[0], note: 'x'.repeat(2001) });
		expect(long.isError).toBe(true);
		expect(long.text).toContain('note must be at most 2000 characters');
		expect((await call(client, 'reopen_ticket', { id: tickets[0] })).json().ticket.status).toBe(
			'in_progress'
		);

		// The HTTP API shows the same trail the board does.
		const res = await fetch(`${server.url}/api/audit?ticket_id=${tickets[0]}`, {
			headers: { authorization: `Bearer ${tokens.admin}` }
		});
		const entries = (await res.json()).items as {
			action: string;
			actor_name: string;
			actor_source: string;
			details: Record<string, unknown>;
		}[];
		expect(entries.find((e) => e.action === 'Resolved')?.details.note).toBe(
			'Raised the Google Ads quota; re-ran the DAG'
		);
		const byMcp = entries.filter((e) => e.actor_source === 'mcp');
		expect(byMcp.map((e) => e.action).sort()).toEqual(['Acknowledged', 'Reopened', 'Resolved']);
		expect(byMcp.every((e) => e.actor_name === 'rita')).toBe(true);

		const missing = await call(client, 'resolve_ticket', { id: 'GEN-missing' });
		expect(missing.isError).toBe(true);
		expect(missing.text).toContain('No ticket with id GEN-missing');
	});

	it('reads resources and builds the prompts', async () => {
		const client = await connect(tokens.viewer);
		const ticket = await client.readResource({ uri: `vigil://tickets/${tickets[1]}` });
		const doc = JSON.parse((ticket.contents[0] as { text: string }).text);
		expect(doc.ticket.id).toBe(tickets[1]);
		expect(doc.timeline.length).toBeGreaterThan(0);
		await expect(client.readResource({ uri: 'vigil://tickets/NOPE-1' })).rejects.toThrow(
			/No ticket with id NOPE-1/
		);
		const open = await client.readResource({ uri: 'vigil://incidents/open' });
		const ids = JSON.parse((open.contents[0] as { text: string }).text).incidents.map(
			(t: { id: string }) => t.id
		);
		expect(ids).toEqual(expect.arrayContaining(tickets));

		const triage = await client.getPrompt({
			name: 'triage_ticket',
			arguments: { ticket_id: tickets[2]! }
		});
		const triageText = (triage.messages[0]!.content as { text: string }).text;
		expect(triageText).toContain(`triage incident ${tickets[2]}`);
		expect(triageText).toContain('OutOfMemoryError');
		expect(triageText.length).toBeLessThan(30_000);

		const handover = await client.getPrompt({ name: 'shift_handover', arguments: { hours: '8' } });
		const handoverText = (handover.messages[0]!.content as { text: string }).text;
		expect(handoverText).toContain('shift handover for the last 8 hours');
		for (const id of tickets) expect(handoverText).toContain(id);
		await expect(
			client.getPrompt({ name: 'shift_handover', arguments: { hours: 'all' } })
		).rejects.toThrow(/hours must be a whole number from 1 to 72/);
	});

	it('refuses a bad token, a cookie, and another user’s session', async () => {
		const bad = new Client({ name: 'vigil-test', version: '1.0.0' });
		const err = await bad
			.connect(
				new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
					requestInit: { headers: { authorization: 'Bearer vgl_not_a_real_token' } }
				})
			)
			.then(
				() => null,
				(e: unknown) => e as { code?: number; message: string }
			);
		expect(err?.code).toBe(401);
		expect(err?.message).toContain('Authorization: Bearer');

		const none = await post({}, initialize);
		expect(none.status).toBe(401);
		expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
		// A browser session is not an API token: a page elsewhere cannot drive /mcp with it.
		const cookie = await post({ cookie: await login(server.url) }, initialize);
		expect(cookie.status).toBe(401);

		// A page on another site (DNS rebinding, a malicious tab) is refused even with a token.
		const foreign = await post(
			{ authorization: `Bearer ${tokens.admin}`, origin: 'https://evil.example' },
			initialize
		);
		expect(foreign.status).toBe(403);

		const mine = await post({ authorization: `Bearer ${tokens.admin}` }, initialize);
		expect(mine.status).toBe(200);
		const session = mine.headers.get('mcp-session-id');
		expect(session).toBeTruthy();
		const list = toolsList;
		const theirs = await post(
			{ authorization: `Bearer ${tokens.viewer}`, 'mcp-session-id': session! },
			list
		);
		expect(theirs.status).toBe(403);
		expect((await theirs.json()).error.message).toContain('belongs to another user');
		// The event stream of a session is its owner's alone, too.
		const theirStream = await openStream(tokens.viewer, session!);
		expect(theirStream.status).toBe(403);
		const gone = await post(
			{ authorization: `Bearer ${tokens.admin}`, 'mcp-session-id': 'not-a-session' },
			list
		);
		expect(gone.status).toBe(404);
	});

	it('stops a session at once when its token is revoked', async () => {
		const res = await fetch(`${server.url}/api/tokens`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.admin}` },
			body: JSON.stringify({ name: 'short-lived' })
		});
		const { id, token } = await res.json();
		const client = await connect(token);
		expect((await call(client, 'incident_stats', {})).isError).toBe(false);
		const stream = await openStream(token, await rawSession(token));
		expect(stream.status).toBe(200);
		const ended = readUntil(stream, 'never sent');
		const revoked = await fetch(`${server.url}/api/tokens/${id}`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${tokens.admin}` }
		});
		expect(revoked.status).toBeLessThan(300);
		await expect(call(client, 'incident_stats', {})).rejects.toMatchObject({ code: 401 });
		// Its event stream is cut too, not left open until the client goes.
		expect(await ended).toBe('ended');
	});

	it('keeps a session across instances, and ends it on DELETE, when idle, or past 10', async () => {
		const client = await connect(tokens.responder);
		const transport = client.transport as StreamableHTTPClientTransport;
		const session = transport.sessionId!;
		expect(session).toMatch(/^[0-9a-f-]{36}$/);

		// A second instance on the same database serves the session the first one opened.
		const other = await startServer(databaseUrl, { VIGIL_INSTANCE_ID: 'mcp-b' });
		try {
			const elsewhere = new Client({ name: 'vigil-test', version: '1.0.0' });
			await elsewhere.connect(
				new StreamableHTTPClientTransport(new URL(`${other.url}/mcp`), {
					sessionId: session,
					requestInit: { headers: { authorization: `Bearer ${tokens.responder}` } }
				})
			);
			expect((await call(elsewhere, 'incident_stats', {})).isError).toBe(false);
			await elsewhere.close();
		} finally {
			expect(await other.stop()).toBe(0);
		}

		await transport.terminateSession();
		const ended = await post(
			{ authorization: `Bearer ${tokens.responder}`, 'mcp-session-id': session },
			toolsList
		);
		expect(ended.status).toBe(404);

		const idle = (
			await post({ authorization: `Bearer ${tokens.responder}` }, initialize)
		).headers.get('mcp-session-id')!;
		await sql(
			`update mcp_sessions set last_seen_at = now() - interval '31 minutes' where id = $1`,
			[idle]
		);
		const stale = await post(
			{ authorization: `Bearer ${tokens.responder}`, 'mcp-session-id': idle },
			toolsList
		);
		expect(stale.status).toBe(404);

		const opened: string[] = [];
		for (let i = 0; i < 11; i++) {
			const r = await post({ authorization: `Bearer ${tokens.viewer}` }, initialize);
			opened.push(r.headers.get('mcp-session-id')!);
		}
		const live = async (id: string) =>
			(await post({ authorization: `Bearer ${tokens.viewer}`, 'mcp-session-id': id }, toolsList))
				.status;
		expect(await live(opened[0]!)).toBe(404);
		expect(await live(opened[10]!)).toBe(200);
		const { rows } = await sql(
			`select count(*)::int as n from mcp_sessions s join users u on u.id = s.user_id where u.email = $1`,
			['victor@contoso.example']
		);
		expect(rows[0].n).toBe(10);
	});

	it('opens an event stream on GET and tells the client when the open incidents change', async () => {
		// A raw stream on a session of its own (one stream per session: the SDK client below
		// holds its own session's).
		const session = await rawSession(tokens.viewer);
		const raw = await openStream(tokens.viewer, session);
		expect(raw.status).toBe(200);
		expect(raw.headers.get('content-type')).toBe('text/event-stream');
		const heard = readUntil(raw, 'notifications/resources/list_changed');
		tickets.push(await ingest({ run_id: 'mcp-run-stream', pipeline: 'pl_stream_watch' }));
		expect(await heard).toBe('found');

		// The SDK client opens its stream itself after initialize and hears a notification.
		// Its GET races the webhook, so webhooks are sent until it has heard one.
		const client = await connect(tokens.viewer);
		let changed = 0;
		client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
			changed++;
		});
		for (let i = 0; changed === 0 && i < 40; i++) {
			if (i % 12 === 0)
				tickets.push(await ingest({ run_id: `mcp-run-stream-${i}`, pipeline: 'pl_stream_watch' }));
			await new Promise((r) => setTimeout(r, 250));
		}
		expect(changed).toBeGreaterThan(0);
		const { resources } = await client.listResources();
		expect(resources.map((r) => r.uri)).toContain(`vigil://tickets/${tickets.at(-1)}`);

		expect((await openStream(tokens.viewer)).status).toBe(400);
		const unknown = await openStream(tokens.viewer, '00000000-0000-4000-8000-000000000000');
		expect(unknown.status).toBe(404);
		const noAccept = await fetch(`${server.url}/mcp`, {
			headers: { authorization: `Bearer ${tokens.viewer}`, 'mcp-session-id': session }
		});
		expect(noAccept.status).toBe(406);

		// One stream per session: a second GET replaces the first.
		const first = await openStream(tokens.viewer, session);
		const replaced = readUntil(first, 'never sent');
		const second = await openStream(tokens.viewer, session);
		expect(second.status).toBe(200);
		expect(await replaced).toBe('ended');

		// DELETE ends the session and its stream.
		const ended = readUntil(second, 'never sent');
		const deleted = await fetch(`${server.url}/mcp`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${tokens.viewer}`, 'mcp-session-id': session }
		});
		expect(deleted.status).toBe(200);
		expect(await ended).toBe('ended');
		expect((await openStream(tokens.viewer, session)).status).toBe(404);
	});

	it('records every call in the access log, reads and refusals included', async () => {
		const client = await connect(tokens.viewer);
		const session = (client.transport as StreamableHTTPClientTransport).sessionId!;
		await call(client, 'search_tickets', { status: 'open', q: 'bing', limit: 5 });
		await call(client, 'get_ticket', { id: tickets[1] });
		await call(client, 'search_tickets', { status: 'burning' });
		await call(client, 'acknowledge_ticket', { id: tickets[1], note: 'n'.repeat(1500) });
		await client.readResource({ uri: `vigil://tickets/${tickets[1]}` });
		await client.getPrompt({ name: 'shift_handover', arguments: { hours: '8' } });
		await call(client, 'no_such_tool', {});

		const { rows } = await sql(
			`select c.*, t.user_id = c.user_id as own_token from mcp_calls c
			join api_tokens t on t.id = c.token_id where c.session_id = $1 order by c.id`,
			[session]
		);
		expect(
			rows.map((r) => [r.kind, r.name, r.outcome, r.ticket_id, r.user_email, r.own_token])
		).toEqual([
			['tool', 'search_tickets', 'ok', null, 'victor@contoso.example', true],
			['tool', 'get_ticket', 'ok', tickets[1], 'victor@contoso.example', true],
			['tool', 'search_tickets', 'error', null, 'victor@contoso.example', true],
			['tool', 'acknowledge_ticket', 'error', tickets[1], 'victor@contoso.example', true],
			[
				'resource',
				`vigil://tickets/${tickets[1]}`,
				'ok',
				tickets[1],
				'victor@contoso.example',
				true
			],
			['prompt', 'shift_handover', 'ok', null, 'victor@contoso.example', true],
			['tool', 'no_such_tool', 'error', null, 'victor@contoso.example', true]
		]);
		expect(rows[0].arguments).toEqual({ status: 'open', q: 'bing', limit: 5 });
		expect(rows[2].error).toContain('status must be one of open, in_progress, closed');
		expect(rows[3].error).toContain('acknowledge_ticket needs the responder role; you are viewer');
		// A pasted wall of text is not kept whole.
		expect(rows[3].arguments.note).toMatch(/^n{200}… \[truncated: 1300 more characters\]$/);
		expect(rows[5].arguments).toEqual({ hours: '8' });
		expect(rows[6].error).toContain('no_such_tool');
		for (const r of rows) expect(r.duration_ms).toBeGreaterThanOrEqual(0);

		// Admins read it (the page's API and its CSV); nobody else does.
		const admin = { authorization: `Bearer ${tokens.admin}` };
		const errors = await fetch(
			`${server.url}/api/admin/mcp-calls?session_id=${session}&outcome=error`,
			{ headers: admin }
		);
		expect(errors.status).toBe(200);
		const listed = (await errors.json()).items as { name: string; token_name: string }[];
		expect(listed.map((c) => c.name)).toEqual([
			'no_such_tool',
			'acknowledge_ticket',
			'search_tickets'
		]);
		expect(listed.every((c) => c.token_name === 'assistant')).toBe(true);
		const byTool = await fetch(
			`${server.url}/api/admin/mcp-calls?user=VICTOR@contoso.example&name=get_ticket`,
			{ headers: admin }
		);
		expect((await byTool.json()).items.map((c: { ticket_id: string }) => c.ticket_id)).toContain(
			tickets[1]
		);
		const badFilter = await fetch(`${server.url}/api/admin/mcp-calls?outcome=maybe`, {
			headers: admin
		});
		expect(badFilter.status).toBe(400);
		expect((await badFilter.json()).error.message).toContain('outcome must be one of ok, error');
		for (const token of [tokens.viewer, tokens.responder]) {
			const headers = { authorization: `Bearer ${token}` };
			expect((await fetch(`${server.url}/api/admin/mcp-calls`, { headers })).status).toBe(403);
			expect((await fetch(`${server.url}/api/export/mcp-calls.csv`, { headers })).status).toBe(403);
		}
		const csv = await fetch(`${server.url}/api/export/mcp-calls.csv?session_id=${session}`, {
			headers: admin
		});
		expect(csv.headers.get('content-disposition')).toMatch(
			/filename="vigil-mcp-calls-\d{8}-\d{6}\.csv"/
		);
		const table = parseCsv(await csv.text());
		expect(table[0]).toEqual([...MCP_CALL_FIELDS]);
		const col = (name: string) => table[0]!.indexOf(name);
		expect(table.slice(1).map((r) => r[col('name')])).toEqual(rows.map((r) => r.name).reverse());
		expect(JSON.parse(table.at(-1)![col('arguments')]!)).toEqual({
			status: 'open',
			q: 'bing',
			limit: 5
		});

		// Kept VIGIL_MCP_LOG_DAYS (90 by default), pruned by an hourly job.
		await sql(`update mcp_calls set at = now() - interval '91 days' where id = $1`, [rows[0].id]);
		const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
		try {
			expect(await pruneMcpCalls(pool, 90)).toBe(1);
		} finally {
			await pool.end();
		}
		// In id order: without one PostgreSQL returns the rows in whatever order it finds them.
		const left = await sql(`select id from mcp_calls where session_id = $1 order by id`, [session]);
		expect(left.rows.map((r) => r.id)).toEqual(rows.slice(1).map((r) => r.id));
		const schedule = await sql(`select cron from pgboss.schedule where name = 'mcp.prune-calls'`);
		expect(schedule.rows).toEqual([{ cron: '47 * * * *' }]);
	});

	it('counts calls by tool and outcome, their durations and the open sessions in /metrics', async () => {
		const client = await connect(tokens.responder);
		await call(client, 'incident_stats', { range: '7d' });
		await call(client, 'incident_stats', { range: '1y' });
		const res = await fetch(`${server.url}/metrics`, {
			headers: { authorization: `Bearer ${tokens.admin}` }
		});
		expect(res.status).toBe(200);
		const text = await res.text();
		const value = (line: string) =>
			Number(new RegExp(`^${line.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
		expect(
			value('vigil_mcp_calls_total{kind="tool",name="incident_stats",outcome="ok"}')
		).toBeGreaterThanOrEqual(2);
		expect(
			value('vigil_mcp_calls_total{kind="tool",name="incident_stats",outcome="error"}')
		).toBeGreaterThanOrEqual(1);
		expect(
			value('vigil_mcp_calls_total{kind="tool",name="unknown",outcome="error"}')
		).toBeGreaterThanOrEqual(1);
		expect(
			value('vigil_mcp_call_seconds_count{kind="tool",name="incident_stats"}')
		).toBeGreaterThanOrEqual(3);
		expect(value('vigil_mcp_sessions_open')).toBeGreaterThanOrEqual(1);
		expect(text).toMatch(/^vigil_mcp_streams_open \d+$/m);
		expect(text).toMatch(/^vigil_mcp_log_failures_total 0$/m);
	});
});
