import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handleWebhook } from '../../src/lib/server/http/webhooks.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startDatabricksStandin, type DatabricksStandin } from '../support/databricks-standin.ts';
import { startTestRuntime } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';
import { startGeminiStandin, type GeminiStandin } from '../support/gemini-standin.ts';
import { webhookRequest } from '../support/http.ts';
import { auditActions, createTicket, eventually, getTicket } from '../support/tickets.ts';

let gemini: GeminiStandin;
let dbx: DatabricksStandin;
let rt: Runtime;

const aiAnswer = {
	root_cause: 'The Google Ads API quota for requests per minute was exhausted by the backfill.',
	error_type: 'GoogleAdsQuotaExceeded',
	category: 'throttling',
	affected_entity: 'Google Ads API',
	severity: 'Critical',
	priority: 'P1',
	confidence: 'High',
	recommendations: ['Pause the backfill DAG', 'Request a quota increase'],
	auto_heal_possible: true,
	evidence: ['429 Quota exceeded for quota metric']
};

beforeAll(async () => {
	gemini = await startGeminiStandin();
	dbx = await startDatabricksStandin();
	rt = await startTestRuntime(
		{
			GEMINI_API_KEY: gemini.apiKey,
			GEMINI_BASE_URL: gemini.url,
			GEMINI_MODEL: 'gemini-2.5-flash',
			DATABRICKS_HOST: dbx.url,
			DATABRICKS_TOKEN: dbx.token
		},
		{
			rcaOptions: { baseDelayMs: 1, maxDelayMs: 5 },
			enrichOptions: { baseDelayMs: 1, maxDelayMs: 3000 },
			geminiTimeoutMs: 2000
		}
	);
});
afterAll(async () => {
	await rt?.stop();
	await gemini?.close();
	await dbx?.close();
});
afterEach(() => {
	expect(gemini.pending()).toBe(0);
});

const triaged = (id: string) =>
	eventually(
		() => getTicket(rt, id),
		(t) => t.triage_status !== 'pending'
	);

describe('AI triage', () => {
	it('replaces the offline result, records model, latency and tokens, and re-computes the SLA on a priority change', async () => {
		gemini.enqueue({
			kind: 'success',
			result: aiAnswer,
			usage: { promptTokenCount: 812, candidatesTokenCount: 143, totalTokenCount: 955 }
		});
		const t = await createTicket(rt, {
			error_message:
				'TooManyRequests: 429 Quota exceeded; key=AIzaSyD4kZx9Q2mN7pL0vR8sT3uW6yB1cE5fG7h by ops@contoso.example'
		});
		expect(t.triage_source).toBe('offline');
		const done = await triaged(t.id);
		expect(done).toMatchObject({
			triage_source: 'ai',
			triage_status: 'done',
			root_cause: aiAnswer.root_cause,
			category: 'throttling',
			priority: 'P1',
			severity: 'Critical',
			confidence: 'High',
			rca_model: 'gemini-2.5-flash',
			rca_total_tokens: 955,
			sla_seconds: 900
		});
		expect(done.rca_latency_ms).toBeGreaterThanOrEqual(0);
		expect(new Date(done.sla_deadline).getTime() - new Date(done.created_at).getTime()).toBe(
			900_000
		);
		const audit = await rt.pool.query(
			`select action, details from audit_log where ticket_id = $1 order by id`,
			[t.id]
		);
		expect(audit.rows.map((r) => r.action)).toEqual([
			'Ticket Created',
			'AI Triage Completed',
			'Priority Changed'
		]);
		expect(audit.rows[2].details.summary).toBe(`Priority ${t.priority}→P1 by AI triage`);
		// What left Vigil: the model in the path, the schema enforced, no secret or e-mail.
		const sent = gemini.requests.at(-1)!;
		expect(sent.model).toBe('gemini-2.5-flash');
		expect(sent.headers['x-goog-api-key']).toBe(gemini.apiKey);
		const body = sent.body as { generationConfig: Record<string, unknown> };
		expect(body.generationConfig.responseMimeType).toBe('application/json');
		expect(sent.rawBody).not.toContain('AIzaSyD4kZx9');
		expect(sent.rawBody).not.toContain('ops@contoso.example');
		expect(sent.rawBody).toContain('Quota exceeded');
	});

	it('keeps the offline result, marked, after retries fail', async () => {
		gemini.enqueue(
			{ kind: 'file', file: '503.unavailable.eva-agent-issue-50.json' },
			{ kind: 'file', file: '500.internal.openai-gemini-issue-15.json' },
			{ kind: 'file', file: '503.unavailable.eva-agent-issue-50.json' }
		);
		const t = await createTicket(rt);
		const done = await triaged(t.id);
		expect(done).toMatchObject({
			triage_source: 'offline',
			triage_status: 'fallback',
			root_cause: t.root_cause,
			priority: t.priority
		});
		expect(done.triage_error).toMatch(/server_error/);
		expect(await auditActions(rt, t.id)).toEqual(['Ticket Created', 'AI Triage Failed']);
		const conn = await rt.pool.query(
			`select status, last_error from connections where kind = 'gemini'`
		);
		expect(conn.rows[0].status).toBe('failing');
		expect(conn.rows[0].last_error).toMatch(/server_error/);
	});

	it('falls back at once on a safety block', async () => {
		gemini.enqueue({
			kind: 'file',
			file: 'sdk-mock-responses/unary-failure-prompt-blocked-safety.json'
		});
		const t = await createTicket(rt);
		const done = await triaged(t.id);
		expect(done.triage_status).toBe('fallback');
		expect(done.triage_error).toMatch(/safety_blocked/);
	});
});

describe('Databricks enrichment', () => {
	it('pulls the task error from the Jobs API, re-classifies, then runs AI triage', async () => {
		gemini.enqueue({
			kind: 'success',
			result: {
				...aiAnswer,
				category: 'schema_mismatch',
				priority: 'P2',
				error_type: 'TABLE_OR_VIEW_NOT_FOUND'
			}
		});
		const res = await handleWebhook(
			rt,
			'databricks',
			webhookRequest('databricks', fixture('databricks/webhook.job-failure.json')),
			null
		);
		expect(res.status).toBe(201);
		const { ticket_id } = await res.json();
		const before = await getTicket(rt, ticket_id);
		expect(before.enrichment_status).toBe('pending');
		const done = await triaged(ticket_id);
		expect(done.enrichment_status).toBe('done');
		expect(done.error_message).toContain('TABLE_OR_VIEW_NOT_FOUND');
		expect(done.links.run_page).toMatch(/^https:\/\//);
		expect(done.triage_source).toBe('ai');
		const paths = dbx.requests.map((r) => `${r.path}?${r.rawQuery}`);
		expect(paths).toContain('/api/2.1/jobs/runs/get?run_id=914258733012345');
		expect(paths).toContain('/api/2.1/jobs/runs/get-output?run_id=914258733012399');
		expect(dbx.requests.every((r) => r.headers.authorization === `Bearer ${dbx.token}`)).toBe(true);
		// The prompt carried the enriched error, not an empty one.
		expect(gemini.requests.at(-1)!.rawBody).toContain('TABLE_OR_VIEW_NOT_FOUND');
		expect(await auditActions(rt, ticket_id)).toEqual(
			expect.arrayContaining(['Ticket Created', 'Databricks Run Enriched', 'AI Triage Completed'])
		);
	});

	it('records a permission failure on the ticket and the connection, and still triages', async () => {
		gemini.enqueue({ kind: 'success', result: aiAnswer });
		dbx.failNext({ kind: 'permission_denied' });
		const body = fixture<{ run: { run_id: number } }>('databricks/webhook.job-failure.json');
		const res = await handleWebhook(
			rt,
			'databricks',
			webhookRequest('databricks', { ...body, run: { run_id: 914258733012345 + 7 } }),
			null
		);
		const { ticket_id } = await res.json();
		const done = await triaged(ticket_id);
		expect(done.enrichment_status).toBe('failed');
		expect(done.enrichment_error).toBeTruthy();
		const conn = await rt.pool.query(`select status from connections where kind = 'databricks'`);
		expect(conn.rows[0].status).toBe('failing');
	});
});
