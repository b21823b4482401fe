import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleExists, handleWebhook } from '../../src/lib/server/http/webhooks.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startTestRuntime, TEST_INGEST_KEY } from '../support/db.ts';
import { fixture, fixtureNames } from '../support/fixtures.ts';
import { webhookRequest } from '../support/http.ts';

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
			triage_status: 'pending',
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
		const jobs = await rt.pool.query(
			`select name, start_after from pgboss.job where data->>'ticketId' = $1 order by name`,
			[ticket_id]
		);
		expect(jobs.rows.map((j) => j.name)).toEqual(['sla.check-breach', 'triage.analyze']);
		expect(jobs.rows[0].start_after.getTime()).toBe(t.sla_deadline.getTime());
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

	it('records a Resolved Azure alert on its ticket and creates nothing', async () => {
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
		expect(await res.json()).toEqual({ status: 'resolved_recorded', ticket_id });
		expect((await rt.pool.query(`select count(*)::int as n from tickets`)).rows[0].n).toBe(before);
		const audit = await rt.pool.query(
			`select action from audit_log where ticket_id = $1 order by id`,
			[ticket_id]
		);
		expect(audit.rows.map((r) => r.action)).toContain('Alert Resolved at Source');
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
