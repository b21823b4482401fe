import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTickets } from '../../src/lib/server/export/exports.ts';
import { handleExists, handleWebhook } from '../../src/lib/server/http/webhooks.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { createTestDatabase, startTestRuntime, TEST_INGEST_KEY } from '../support/db.ts';
import { fixture, fixtureNames } from '../support/fixtures.ts';
import { webhookRequest } from '../support/http.ts';
import { startServer, type RunningServer } from '../support/server.ts';

let rt: Runtime;
beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false });
});
afterAll(async () => rt?.stop());

const post = (endpoint: 'azure-monitor' | 'databricks' | 'generic', body: unknown, opts = {}) =>
	handleWebhook(rt, endpoint, webhookRequest(endpoint, body, opts), 'req-test');

const uniqueGeneric = (runId: string) => ({
	...fixture('generic/airflow-task-failed.json'),
	run_id: runId
});

describe('webhook ingestion', () => {
	it('turns every fixture into a ticket on its endpoint', async () => {
		const cases: [string, 'azure-monitor' | 'databricks' | 'generic'][] = [
			...fixtureNames('azure-monitor')
				.filter((f) => !f.includes('resolved'))
				.map((f) => [`azure-monitor/${f}`, 'azure-monitor'] as [string, 'azure-monitor']),
			['databricks/webhook.job-failure.json', 'databricks'],
			['databricks/webhook.task-failure.json', 'databricks'],
			['generic/airflow-task-failed.json', 'generic']
		];
		for (const [file, endpoint] of cases) {
			const res = await post(endpoint, fixture(file));
			const body = await res.json();
			expect(res.status, `${file}: ${JSON.stringify(body)}`).toBe(201);
			expect(body.status).toBe('created');
			expect(body.ticket_id).toMatch(/^(ADF|DBX|GEN)-\d{8}T\d{6}-[a-z0-9]{6}$/);
		}
	});

	it('stores the ticket with triage, routing, SLA, audit, raw event and jobs in one go', async () => {
		const res = await post('azure-monitor', {
			...fixture<Record<string, unknown>>('azure-monitor/logic-app.simplified.json'),
			PipelineRunId: 'run-complete-1'
		});
		const { ticket_id } = await res.json();
		const t = (await rt.pool.query(`select * from tickets where id = $1`, [ticket_id])).rows[0];
		expect(t).toMatchObject({
			source: 'adf',
			pipeline: 'pl_load_customer_dim',
			run_id: 'run-complete-1',
			resource: 'adf-crm-prod-neu',
			status: 'open',
			error_type: 'SqlFailedToConnect',
			category: 'connectivity',
			triage_source: 'offline',
			// No Gemini connection: the offline classifier's triage is all there is, done at once.
			triage_status: 'offline_only',
			sla_status: 'Pending',
			team: 'data-platform'
		});
		expect(ticket_id.startsWith('ADF-')).toBe(true);
		expect(t.sla_deadline.getTime() - t.created_at.getTime()).toBe(t.sla_seconds * 1000);
		const audit = await rt.pool.query(
			`select action, actor_source from audit_log where ticket_id = $1`,
			[ticket_id]
		);
		expect(audit.rows).toEqual([{ action: 'Ticket Created', actor_source: 'system' }]);
		const raw = await rt.pool.query(
			`select outcome, body, headers from webhook_events where ticket_id = $1`,
			[ticket_id]
		);
		expect(raw.rows[0].outcome).toBe('created');
		expect(JSON.parse(raw.rows[0].body).PipelineRunId).toBe('run-complete-1');
		expect(raw.rows[0].headers['x-api-key']).toBeUndefined();
		// Born triaged: no job names the ticket; its batch's breach timer is at its deadline.
		const jobs = await rt.pool.query(`select name from pgboss.job where data->>'ticketId' = $1`, [
			ticket_id
		]);
		expect(jobs.rows).toEqual([]);
		const timers = await rt.pool.query(
			`select 1 from pgboss.job where name = 'sla.check-breach' and start_after = $1`,
			[t.sla_deadline]
		);
		expect(timers.rowCount).toBeGreaterThan(0);
	});

	it('leaves triage pending with its job queued when an AI connection is configured', async () => {
		const withAi = { ...rt, hasConnection: (kind: string) => kind === 'gemini' };
		const res = await handleWebhook(
			withAi,
			'generic',
			webhookRequest('generic', uniqueGeneric('run-with-ai-1')),
			'req-test'
		);
		const { ticket_id } = await res.json();
		const t = (await rt.pool.query(`select triage_status from tickets where id = $1`, [ticket_id]))
			.rows[0];
		expect(t.triage_status).toBe('pending');
		const jobs = await rt.pool.query(
			`select name from pgboss.job where data->>'ticketId' = $1 order by name`,
			[ticket_id]
		);
		expect(jobs.rows.map((j) => j.name)).toEqual(['triage.analyze']);
	});

	it('creates exactly one ticket when 50 identical webhooks race', async () => {
		const body = uniqueGeneric('race-run-1');
		const answers = await Promise.all(
			Array.from({ length: 50 }, () =>
				post('generic', body).then(async (r) => ({ status: r.status, body: await r.json() }))
			)
		);
		const created = answers.filter((a) => a.status === 201);
		const dups = answers.filter((a) => a.status === 200);
		expect(created).toHaveLength(1);
		expect(dups).toHaveLength(49);
		const id = created[0]!.body.ticket_id;
		for (const d of dups) expect(d.body).toEqual({ status: 'duplicate_ignored', ticket_id: id });
		const rows = await rt.pool.query(
			`select id, occurrences from tickets where run_id = 'race-run-1'`
		);
		expect(rows.rows).toEqual([{ id, occurrences: 50 }]);
		const events = await rt.pool.query(
			`select outcome, count(*)::int as n from webhook_events where ticket_id = $1 group by outcome order by outcome`,
			[id]
		);
		expect(events.rows).toEqual([
			{ outcome: 'created', n: 1 },
			{ outcome: 'duplicate', n: 49 }
		]);
	});

	it('marks the ticket of a Resolved Azure alert recovered and creates nothing', async () => {
		const fired = await post(
			'azure-monitor',
			fixture('azure-monitor/metric-alert.adf-pipeline-failed-runs.json')
		);
		expect([200, 201]).toContain(fired.status);
		const { ticket_id } = await fired.json();
		const before = (await rt.pool.query(`select count(*)::int as n from tickets`)).rows[0].n;
		const res = await post(
			'azure-monitor',
			fixture('azure-monitor/metric-alert.adf-pipeline-failed-runs.resolved.json')
		);
		expect(res.status).toBe(200);
		expect(await res.json()).toEqual({
			status: 'resolved_recorded',
			ticket_id,
			recovered: true,
			action: 'marked'
		});
		expect((await rt.pool.query(`select count(*)::int as n from tickets`)).rows[0].n).toBe(before);
		const audit = await rt.pool.query(
			`select action from audit_log where ticket_id = $1 order by id`,
			[ticket_id]
		);
		expect(audit.rows.map((r) => r.action)).toContain('Recovered at Source');
	});

	it('answers the Logic App run-id pre-check', async () => {
		const res = await post('generic', uniqueGeneric('exists-run-1'));
		const { ticket_id } = await res.json();
		const req = (runId: string, key: string | null = TEST_INGEST_KEY) =>
			new Request(`http://vigil.test/api/tickets/exists/${runId}`, {
				headers: key ? { 'x-api-key': key } : {}
			});
		expect(await (await handleExists(rt, req('exists-run-1'), 'exists-run-1')).json()).toEqual({
			exists: true,
			ticket_id
		});
		expect(await (await handleExists(rt, req('nope'), 'nope')).json()).toEqual({ exists: false });
		expect((await handleExists(rt, req('exists-run-1', null), 'exists-run-1')).status).toBe(401);
	});
});

describe('bad input', () => {
	const countEvents = async (outcome: string) =>
		(
			await rt.pool.query(`select count(*)::int as n from webhook_events where outcome = $1`, [
				outcome
			])
		).rows[0].n;

	it('answers malformed JSON with 400 and keeps the raw body', async () => {
		const res = await post('generic', null, { raw: '{"source": "airflow", ' });
		expect(res.status).toBe(400);
		const body = await res.json();
		expect(body.error.code).toBe('invalid_payload');
		expect(body.error.details[0].field).toBe('(body)');
		expect(body.error.details[0].message).toMatch(/malformed JSON/);
		const raw = await rt.pool.query(
			`select body from webhook_events where outcome = 'invalid' order by id desc limit 1`
		);
		expect(raw.rows[0].body).toBe('{"source": "airflow", ');
	});

	it('names each wrong or missing field', async () => {
		const res = await post('generic', { source: 'airflow', pipeline: 123, error_message: 'x' });
		expect(res.status).toBe(400);
		const fields = (await res.json()).error.details.map((d: { field: string }) => d.field);
		expect(fields).toEqual(expect.arrayContaining(['pipeline', 'run_id']));
	});

	it('refuses a body over 1 MiB with 413 and records it', async () => {
		const before = await countEvents('too_large');
		const big = { ...uniqueGeneric('big'), error_message: 'x'.repeat(1024 * 1024 + 10) };
		const res = await post('generic', big);
		expect(res.status).toBe(413);
		expect((await res.json()).error.code).toBe('payload_too_large');
		expect(await countEvents('too_large')).toBe(before + 1);
	});

	it('refuses a non-JSON media type with 415', async () => {
		const res = await post('generic', uniqueGeneric('form'), {
			contentType: 'application/x-www-form-urlencoded'
		});
		expect(res.status).toBe(415);
		expect((await res.json()).error.message).toMatch(/application\/json/);
	});

	it('refuses a wrong, missing or revoked key with 401 and stores nothing', async () => {
		const before = (await rt.pool.query(`select count(*)::int as n from webhook_events`)).rows[0].n;
		expect((await post('generic', uniqueGeneric('k1'), { key: 'vik_wrong' })).status).toBe(401);
		expect((await post('generic', uniqueGeneric('k2'), { key: null })).status).toBe(401);
		await rt.pool.query(`update ingest_keys set revoked_at = now()`);
		expect((await post('generic', uniqueGeneric('k3'))).status).toBe(401);
		await rt.pool.query(`update ingest_keys set revoked_at = null`);
		expect((await rt.pool.query(`select count(*)::int as n from webhook_events`)).rows[0].n).toBe(
			before
		);
	});

	it('keeps unknown extra fields without complaint', async () => {
		const res = await post('generic', { ...uniqueGeneric('extra-1'), surprise: { nested: true } });
		expect(res.status).toBe(201);
	});
});

/* ---------- issue #8: every authenticated webhook is stored, none is a 5xx ---------- */

type Endpoint = 'azure-monitor' | 'databricks' | 'generic';

let seq = 0;
/** A webhook with its own x-request-id, so its raw event can be found. */
function rawWebhook(
	endpoint: Endpoint,
	body: BodyInit,
	headers: Record<string, string> = {}
): { request: Request; requestId: string } {
	const requestId = `limits-${process.pid}-${++seq}`;
	const request = new Request(`http://vigil.test/api/webhooks/${endpoint}`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json',
			'x-api-key': TEST_INGEST_KEY,
			'x-request-id': requestId,
			...headers
		},
		body
	});
	return { request, requestId };
}

async function send(endpoint: Endpoint, body: BodyInit, headers = {}) {
	const { request, requestId } = rawWebhook(endpoint, body, headers);
	const res = await handleWebhook(rt, endpoint, request, requestId);
	const json = await res.json();
	const rows = (
		await rt.pool.query(
			`select outcome, body, error, ticket_id, body_bytes, content_encoding, body_truncated, sanitized
			from webhook_events where request_id = $1`,
			[requestId]
		)
	).rows;
	expect(rows, `one raw event for ${requestId}`).toHaveLength(1);
	return { status: res.status, json, event: rows[0] };
}

const ticket = async (id: string) =>
	(await rt.pool.query(`select * from tickets where id = $1`, [id])).rows[0];

const generic = (overrides: Record<string, unknown>) =>
	JSON.stringify({ ...fixture('generic/airflow-task-failed.json'), ...overrides });

describe('webhook limits (issue #8)', () => {
	it('accepts a 900 KiB body (the limit is 1 MiB)', async () => {
		const body = generic({ run_id: 'big-900k', error_message: 'e'.repeat(900 * 1024) });
		const r = await send('generic', body);
		expect(r.status).toBe(201);
		expect(r.event).toMatchObject({ outcome: 'created', body_truncated: false, sanitized: [] });
		expect(r.event.body).toBe(body);
		expect(Number(r.event.body_bytes)).toBe(Buffer.byteLength(body));
	});

	it('refuses 1.1 MiB with a JSON 413 and records its head, saying it is cut', async () => {
		const body = generic({ run_id: 'big-1100k', error_message: 'e'.repeat(1100 * 1024) });
		const r = await send('generic', body);
		expect(r.status).toBe(413);
		expect(r.json.error).toMatchObject({ code: 'payload_too_large' });
		expect(r.json.error.message).toMatch(/1 MiB/);
		expect(r.event).toMatchObject({ outcome: 'too_large', body_truncated: true });
		expect(Number(r.event.body_bytes)).toBe(Buffer.byteLength(body));
		expect(body.startsWith(r.event.body)).toBe(true);
		expect(r.event.body.length).toBeGreaterThan(1000);
	});

	it('stores NUL in every field: the ticket and the raw event keep it escaped and say so', async () => {
		const r = await send(
			'generic',
			generic({
				pipeline: 'pl_\u0000nul',
				run_id: 'run-\u0000-1',
				error_message: 'boom\u0000',
				labels: { 'k\u0000': 'v\u0000' }
			})
		);
		expect(r.status).toBe(201);
		const t = await ticket(r.json.ticket_id);
		expect(t.pipeline).toBe('pl_\\u0000nul');
		expect(t.run_id).toBe('run-\\u0000-1');
		expect(t.error_message).toBe('boom\\u0000');
		expect(t.labels).toMatchObject({ 'k\\u0000': 'v\\u0000' });
		// The generic source's dedup key is URI-encoded (NUL is %00 there), so not hashed.
		expect(r.event.sanitized).toEqual(['ticket_escaped']);
		// The JSON escape in the body is text; the body is stored as sent.
		expect(JSON.parse(r.event.body).pipeline).toBe('pl_\u0000nul');
		const audit = await rt.pool.query(`select details from audit_log where ticket_id = $1`, [t.id]);
		expect(audit.rows[0].details.sanitized).toEqual(['ticket_escaped']);
		// The same run again is the same ticket; the literal spelling of the escape is another.
		const again = await send(
			'generic',
			generic({ pipeline: 'pl_\u0000nul', run_id: 'run-\u0000-1' })
		);
		expect(again.json).toEqual({ status: 'duplicate_ignored', ticket_id: t.id });
		const literal = await send(
			'generic',
			generic({ pipeline: 'pl_\\u0000nul', run_id: 'run-\\u0000-1' })
		);
		expect(literal.status).toBe(201);
		// An ADF run id is the dedup key itself: stored hashed, so it cannot meet its escaped spelling.
		const adf = await send(
			'azure-monitor',
			JSON.stringify({
				...fixture('azure-monitor/logic-app.simplified.json'),
				PipelineRunId: 'adf-\u0000-1'
			})
		);
		expect(adf.status).toBe(201);
		expect(adf.event.sanitized).toEqual(['dedup_key_hashed', 'ticket_escaped']);
		expect((await ticket(adf.json.ticket_id)).run_id).toBe('adf-\\u0000-1');
	});

	it('answers a raw NUL byte (invalid JSON) with 400 and stores the body escaped', async () => {
		const r = await send('generic', '{"source": "a\u0000b"}');
		expect(r.status).toBe(400);
		expect(r.json.error.code).toBe('invalid_payload');
		expect(r.event.body).toBe('{"source": "a\\u0000b"}');
		expect(r.event.sanitized).toContain('body_escaped');
	});

	it('stores lone surrogates escaped on all three endpoints', async () => {
		const g = await send('generic', generic({ run_id: 'lone-\ud800', pipeline: 'p\udfff' }));
		expect(g.status).toBe(201);
		expect(await ticket(g.json.ticket_id)).toMatchObject({
			run_id: 'lone-\\ud800',
			pipeline: 'p\\udfff'
		});
		expect(g.event.sanitized).toContain('ticket_escaped');
		const again = await send('generic', generic({ run_id: 'lone-\ud800', pipeline: 'p\udfff' }));
		expect(again.json).toEqual({ status: 'duplicate_ignored', ticket_id: g.json.ticket_id });

		const a = await send(
			'azure-monitor',
			JSON.stringify({
				...fixture('azure-monitor/logic-app.simplified.json'),
				PipelineRunId: 'adf-\udc00-1',
				ErrorMessage: '\ud83d failed'
			})
		);
		expect(a.status).toBe(201);
		expect((await ticket(a.json.ticket_id)).error_message).toBe('\\ud83d failed');

		const d = await send(
			'databricks',
			JSON.stringify({
				...fixture<Record<string, object>>('databricks/webhook.task-failure.json'),
				run: { run_id: 777000111 },
				job: { job_id: 5, name: 'job \ud800' }
			})
		);
		expect(d.status).toBe(201);
		expect((await ticket(d.json.ticket_id)).pipeline).toBe('job \\ud800');
	});

	it('takes a gzip-encoded body', async () => {
		const json = generic({ run_id: 'gzip-1' });
		const r = await send('generic', gzipSync(json), { 'content-encoding': 'gzip' });
		expect(r.status).toBe(201);
		expect(r.event).toMatchObject({ outcome: 'created', content_encoding: 'gzip', body: json });
	});

	it('refuses corrupt gzip (400), an unknown encoding (415) and a gzip bomb (413), recorded', async () => {
		const corrupt = await send('generic', generic({ run_id: 'gz-bad' }), {
			'content-encoding': 'gzip'
		});
		expect(corrupt.status).toBe(400);
		expect(corrupt.json.error.code).toBe('invalid_content_encoding');
		expect(corrupt.event).toMatchObject({ outcome: 'invalid', sanitized: ['body_base64'] });
		expect(Buffer.from(corrupt.event.body, 'base64').toString()).toBe(
			generic({ run_id: 'gz-bad' })
		);

		const br = await send('generic', generic({ run_id: 'br' }), { 'content-encoding': 'br' });
		expect(br.status).toBe(415);
		expect(br.json.error.code).toBe('unsupported_content_encoding');
		expect(br.event.outcome).toBe('unsupported_media_type');

		const bomb = await send('generic', gzipSync(Buffer.alloc(50 * 1024 * 1024, ' ')), {
			'content-encoding': 'gzip'
		});
		expect(bomb.status).toBe(413);
		expect(bomb.json.error.message).toMatch(/decompressed/);
		expect(bomb.event).toMatchObject({ outcome: 'too_large', body_truncated: true });
	});

	it('keeps a 20 KB run id whole on the ticket and dedups it by a hashed key', async () => {
		for (const [endpoint, body, runId] of [
			['generic', generic({ run_id: 'g'.repeat(20_000) }), 'g'.repeat(20_000)],
			[
				'azure-monitor',
				JSON.stringify({
					...fixture('azure-monitor/logic-app.simplified.json'),
					PipelineRunId: 'a'.repeat(20_000)
				}),
				'a'.repeat(20_000)
			],
			[
				'databricks',
				JSON.stringify({
					...fixture('databricks/webhook.job-failure.json'),
					run: { run_id: '9'.repeat(5_000) }
				}),
				'9'.repeat(5_000)
			]
		] as [Endpoint, string, string][]) {
			const r = await send(endpoint, body);
			expect(r.status, endpoint).toBe(201);
			const t = await ticket(r.json.ticket_id);
			expect(t.run_id).toBe(runId);
			expect(t.dedup_key).toMatch(/…sha256:[0-9a-f]{64}$/);
			expect(r.event.sanitized).toEqual(['dedup_key_hashed']);
			const again = await send(endpoint, body);
			expect(again.json).toEqual({ status: 'duplicate_ignored', ticket_id: t.id });
		}
	});

	it('stores a pipeline of 600 KB of distinct words (the search vector stays within 1 MiB)', async () => {
		const words = Array.from({ length: 80_000 }, (_, i) => `w${i.toString(36)}`).join(' ');
		const r = await send(
			'generic',
			generic({ run_id: 'words-1', pipeline: words, resource: words })
		);
		expect(r.status).toBe(201);
		expect((await ticket(r.json.ticket_id)).pipeline).toBe(words);
	});

	it('names at most 50 bad fields, each readable, and says how many more', async () => {
		const labels = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`l${i}`, i]));
		const r = await send('generic', generic({ run_id: 'many-errors', labels }));
		expect(r.status).toBe(400);
		expect(r.json.error.details).toHaveLength(51);
		expect(r.json.error.details[50]).toEqual({
			field: '(more)',
			message: '4950 more errors not listed'
		});
		expect(r.event.sanitized).toEqual(['error_shortened']);
	});

	it('refuses NUL in the run pre-check and in list filters with 400', async () => {
		const req = new Request('http://vigil.test/api/tickets/exists/x', {
			headers: { 'x-api-key': TEST_INGEST_KEY }
		});
		const res = await handleExists(rt, req, 'x\u0000');
		expect(res.status).toBe(400);
		expect((await res.json()).error.code).toBe('invalid_run_id');
		expect(() => exportTickets(rt.pool, new URLSearchParams({ team: 'a\u0000' }))).toThrow(
			'team must not contain NUL (%00)'
		);
		const long = 'r'.repeat(400);
		await send('generic', generic({ run_id: long }));
		expect(await (await handleExists(rt, req, long)).json()).toMatchObject({ exists: true });
	});
});

describe('webhook limits through the production server (adapter-node in front)', () => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer(await createTestDatabase());
	});
	afterAll(async () => {
		if (server) expect(await server.stop()).toBe(0);
	});

	const postRaw = (body: BodyInit, headers: Record<string, string> = {}) =>
		fetch(`${server.url}/api/webhooks/generic`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-api-key': TEST_INGEST_KEY, ...headers },
			body
		});

	it('takes 900 KiB and answers 1.1 MiB and 8 MiB with its own JSON 413', async () => {
		const ok = await postRaw(
			generic({ run_id: 'srv-900k', error_message: 'e'.repeat(900 * 1024) })
		);
		expect(ok.status).toBe(201);
		for (const size of [1100 * 1024, 8 * 1024 * 1024]) {
			const res = await postRaw(
				generic({ run_id: `srv-${size}`, error_message: 'e'.repeat(size) })
			);
			expect(res.status).toBe(413);
			expect((await res.json()).error.code).toBe('payload_too_large');
		}
	});

	it('refuses NUL in a path id or a query parameter with a JSON 400 naming it', async () => {
		const q = await fetch(`${server.url}/api/tickets?q=a%00b`);
		expect(q.status).toBe(400);
		expect((await q.json()).error).toMatchObject({
			code: 'invalid_query',
			message: 'q must not contain NUL (%00)'
		});
		const csv = await fetch(`${server.url}/api/export/tickets.csv?team=%00`);
		expect(csv.status).toBe(400);
		expect((await csv.json()).error.code).toBe('invalid_query');
		const path = await fetch(`${server.url}/api/tickets/GEN-1%00`);
		expect(path.status).toBe(400);
		expect((await path.json()).error.code).toBe('invalid_path');
		const exists = await fetch(`${server.url}/api/tickets/exists/run%00`, {
			headers: { 'x-api-key': TEST_INGEST_KEY }
		});
		expect(exists.status).toBe(400);
	});
});
