import { createServer, request, type Server } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDirectWebhook } from '../../src/lib/server/http/direct-webhooks.ts';
import type { WebhookDeps } from '../../src/lib/server/http/webhooks.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startTestRuntime, TEST_INGEST_KEY } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';

/** What this test's server answers for a request the direct path leaves to SvelteKit. */
const LEFT = 599;

let rt: Runtime;
let deps: () => WebhookDeps;
let server: Server;
let base: string;

beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false, poolSize: 5 });
	deps = () => rt;
	// As server/index.ts does: the direct path first, everything else to SvelteKit.
	server = createServer((req, res) => {
		if (serveDirectWebhook(() => deps(), req, res)) return;
		req.resume();
		res.writeHead(LEFT).end('left to SvelteKit');
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
	const addr = server.address();
	base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(async () => {
	await new Promise((r) => server?.close(r));
	await rt?.stop();
});

interface Sent {
	path?: string;
	method?: string;
	headers?: Record<string, string>;
	body?: Buffer | string;
	/** Send the body chunked, without a Content-Length. */
	chunked?: boolean;
}

/** A raw node:http request, so the test decides every header (fetch adds its own). */
function send(
	opts: Sent
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
	const body =
		typeof opts.body === 'string' ? Buffer.from(opts.body) : (opts.body ?? Buffer.alloc(0));
	const headers: Record<string, string | number> = {
		'content-type': 'application/json',
		'x-api-key': TEST_INGEST_KEY,
		...opts.headers
	};
	if (!opts.chunked) headers['content-length'] = body.length;
	return new Promise((resolve, reject) => {
		const req = request(
			`${base}${opts.path ?? '/api/webhooks/generic'}`,
			{ method: opts.method ?? 'POST', headers },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						headers: res.headers,
						body: Buffer.concat(chunks).toString('utf8')
					})
				);
			}
		);
		req.on('error', reject);
		if (opts.chunked) req.write(body.subarray(0, 10));
		req.end(opts.chunked ? body.subarray(10) : body);
	});
}

const generic = (runId: string) =>
	JSON.stringify({
		...fixture<Record<string, unknown>>('generic/airflow-task-failed.json'),
		run_id: runId
	});

describe('webhooks answered in front of SvelteKit', () => {
	it('stores a failure and answers 201 with its ticket, the caller’s request id kept', async () => {
		const res = await send({
			body: generic('direct-1'),
			headers: { 'x-request-id': 'trace-direct-1' }
		});
		expect(res.status).toBe(201);
		expect(res.headers['x-request-id']).toBe('trace-direct-1');
		const { ticket_id } = JSON.parse(res.body);
		const stored = await rt.pool.query(
			`select t.run_id, e.request_id, e.outcome from tickets t
			join webhook_events e on e.ticket_id = t.id where t.id = $1`,
			[ticket_id]
		);
		expect(stored.rows).toEqual([
			{ run_id: 'direct-1', request_id: 'trace-direct-1', outcome: 'created' }
		]);
	});

	it('gives a request without an id (or with one over 100 characters) a new one', async () => {
		const none = await send({ body: generic('direct-2') });
		const long = await send({
			body: generic('direct-3'),
			headers: { 'x-request-id': 'x'.repeat(101) }
		});
		for (const res of [none, long]) {
			expect(res.status).toBe(201);
			expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
		}
	});

	it('answers a redelivery and a bad key as the endpoint always has', async () => {
		const again = await send({ body: generic('direct-1') });
		expect(again.status).toBe(200);
		expect(JSON.parse(again.body)).toMatchObject({ status: 'duplicate_ignored' });
		const unauthorized = await send({
			body: generic('direct-4'),
			headers: { 'x-api-key': 'nope' }
		});
		expect(unauthorized.status).toBe(401);
		expect(JSON.parse(unauthorized.body)).toEqual({
			error: {
				code: 'unauthorized',
				message: 'Missing or invalid API key: send it in the x-api-key header'
			}
		});
		expect(unauthorized.headers['cache-control']).toBe('no-store');
		const invalid = await send({ body: '{"not": "a failure"}' });
		expect(invalid.status).toBe(400);
	});

	it.each<[string, Sent]>([
		[
			'a gzip-encoded body',
			{ body: gzipSync(generic('direct-gz')), headers: { 'content-encoding': 'gzip' } }
		],
		['a chunked body (no Content-Length)', { body: generic('direct-chunked'), chunked: true }],
		['a body over the 1 MiB limit', { body: Buffer.alloc(1024 * 1024 + 1, 32) }],
		['a query string', { path: '/api/webhooks/generic?x=1', body: generic('direct-q') }],
		['another method', { method: 'PUT', body: generic('direct-put') }],
		['the Jira webhook', { path: '/api/webhooks/jira', body: '{}' }],
		['a path with more after it', { path: '/api/webhooks/generic/', body: generic('direct-slash') }]
	])('leaves %s to SvelteKit, untouched', async (_what, sent) => {
		const res = await send(sent);
		expect(res.status).toBe(LEFT);
		expect(res.body).toBe('left to SvelteKit');
	});

	it('answers 500 with an error id when something unexpected fails, and serves the next one', async () => {
		deps = () => {
			throw new Error('boom');
		};
		try {
			const res = await send({ body: generic('direct-boom') });
			expect(res.status).toBe(500);
			expect(JSON.parse(res.body)).toEqual({
				message: 'Internal error',
				errorId: expect.any(String)
			});
		} finally {
			deps = () => rt;
		}
		expect((await send({ body: generic('direct-after-boom') })).status).toBe(201);
	});
});
