import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ticket } from '../../src/lib/contracts/schemas.ts';
import type { TicketDto } from '../../src/lib/contracts/tickets.ts';
import { subscribe } from '../../src/lib/server/events.ts';
import { handleWebhook } from '../../src/lib/server/http/webhooks.ts';
import {
	getRecoverySettings,
	RecoverySettingsBody,
	updateRecoverySettings,
	type RecoveryMode
} from '../../src/lib/server/recovery/settings.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import {
	getTicket as apiTicket,
	listTickets,
	parseTicketFilters
} from '../../src/lib/server/tickets/queries.ts';
import { startTestRuntime } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';
import { webhookRequest } from '../support/http.ts';
import { eventually, getTicket } from '../support/tickets.ts';

/**
 * Recovery at source (a success closes the loop per the source's setting), attempts of one
 * run counted on its ticket, and the link to the failed run — through the real webhook path.
 */

const HOST = 'adb-4412093817265530.10.azuredatabricks.net';
let rt: Runtime;
beforeAll(async () => {
	rt = await startTestRuntime(
		{ DATABRICKS_HOST: `https://${HOST}`, DATABRICKS_TOKEN: 'dapi-test-token' },
		{ workers: false }
	);
});
afterAll(async () => rt?.stop());

type Endpoint = 'azure-monitor' | 'databricks' | 'generic';
async function post(endpoint: Endpoint, body: unknown) {
	const res = await handleWebhook(rt, endpoint, webhookRequest(endpoint, body), 'req-recovery');
	return { status: res.status, body: await res.json() };
}

let seq = 0;
const uniq = () => `${process.pid}${Date.now() % 1_000_000}${seq++}`;

/** One failure and the success that answers it, per source, each on its own job / alert / pipeline. */
interface Case {
	source: 'databricks' | 'adf' | 'generic';
	endpoint: Endpoint;
	reporter: string;
	failure(): Record<string, unknown>;
	success(): Record<string, unknown>;
	/** The run id the success names (null: an Azure metric alert names none). */
	successRun: string | null;
}

function databricksCase(): Case {
	const job = Number(uniq());
	const base = fixture<Record<string, unknown>>('databricks/webhook.job-failure.json');
	return {
		source: 'databricks',
		endpoint: 'databricks',
		reporter: 'Databricks',
		failure: () => ({
			...base,
			job: { job_id: job, name: `job_${job}` },
			run: { run_id: job * 10 }
		}),
		success: () => ({
			...base,
			event_type: 'jobs.on_success',
			job: { job_id: job, name: `job_${job}` },
			run: { run_id: job * 10 + 1 }
		}),
		successRun: String(job * 10 + 1)
	};
}

function azureCase(): Case {
	const fired = fixture<{ data: { essentials: Record<string, unknown> } }>(
		'azure-monitor/metric-alert.adf-pipeline-failed-runs.json'
	);
	const resolved = fixture<{ data: { essentials: Record<string, unknown> } }>(
		'azure-monitor/metric-alert.adf-pipeline-failed-runs.resolved.json'
	);
	const alertId = `/subscriptions/x/providers/Microsoft.AlertsManagement/alerts/${uniq()}`;
	const alertRule = `adf-failed-runs-${uniq()}`;
	const withId = (b: typeof fired) => ({
		...b,
		data: { ...b.data, essentials: { ...b.data.essentials, alertId, alertRule } }
	});
	return {
		source: 'adf',
		endpoint: 'azure-monitor',
		reporter: 'Azure Monitor',
		failure: () => withId(fired),
		success: () => withId(resolved),
		successRun: null
	};
}

function genericCase(): Case {
	const base = fixture<Record<string, unknown>>('generic/airflow-task-failed.json');
	const pipeline = `dag_${uniq()}.load`;
	const run = `manual__${uniq()}`;
	return {
		source: 'generic',
		endpoint: 'generic',
		reporter: 'airflow',
		failure: () => ({ ...base, pipeline, run_id: `scheduled__${uniq()}` }),
		success: () => {
			const { error_message: _, ...rest } = base;
			return { ...rest, pipeline, run_id: run, status: 'succeeded' };
		},
		successRun: run
	};
}

const CASES: [string, () => Case][] = [
	['Databricks jobs.on_success', databricksCase],
	['Azure Monitor Resolved', azureCase],
	['generic status succeeded', genericCase]
];

async function setMode(source: Case['source'], mode: RecoveryMode) {
	await updateRecoverySettings(rt.pool, { [source]: mode });
}

async function auditRows(id: string) {
	const r = await rt.pool.query(
		`select action, actor_name, actor_source, details from audit_log where ticket_id = $1 order by id`,
		[id]
	);
	return r.rows as {
		action: string;
		actor_name: string;
		actor_source: string;
		details: Record<string, unknown>;
	}[];
}

async function ticketCount(): Promise<number> {
	return (await rt.pool.query(`select count(*)::int as n from tickets`)).rows[0].n;
}

async function jobsFor(id: string): Promise<string[]> {
	const r = await rt.pool.query(
		`select name from pgboss.job where data->>'ticketId' = $1 order by name`,
		[id]
	);
	return r.rows.map((j) => j.name as string);
}

describe('recovery settings', () => {
	it('default to marking recovered for every source and change per source', async () => {
		expect(await getRecoverySettings(rt.pool)).toEqual({
			adf: 'mark',
			databricks: 'mark',
			generic: 'mark'
		});
		expect(await updateRecoverySettings(rt.pool, { generic: 'off' })).toEqual({
			adf: 'mark',
			databricks: 'mark',
			generic: 'off'
		});
		await setMode('generic', 'mark');
	});

	it('refuse an unknown mode or source, naming it', () => {
		const bad = RecoverySettingsBody.safeParse({ databricks: 'close' });
		expect(bad.success).toBe(false);
		expect(bad.error?.issues[0]).toMatchObject({
			path: ['databricks'],
			message: 'must be one of off, mark, resolve'
		});
		expect(RecoverySettingsBody.safeParse({ airflow: 'mark' }).success).toBe(false);
		expect(RecoverySettingsBody.safeParse({}).success).toBe(false);
	});
});

describe.each(CASES)('recovery at source: %s', (_, make) => {
	beforeEach(async () => {
		await setMode(make().source, 'mark');
	});

	it('marks the open ticket recovered with the run that succeeded, live, and keeps it open', async () => {
		const c = make();
		const failed = await post(c.endpoint, c.failure());
		expect(failed.status).toBe(201);
		const id = failed.body.ticket_id as string;
		// Slack and Jira follow changes of tickets that have a message / an issue.
		await rt.pool.query(
			`update tickets set slack_ts = '1700000000.000100', jira_key = 'OPS-1' where id = $1`,
			[id]
		);
		const pushed: TicketDto[] = [];
		const off = subscribe('ticket:updated', (t) => t.id === id && pushed.push(t));
		const before = await ticketCount();

		const ok = await post(c.endpoint, c.success());
		off();
		expect(ok).toEqual({
			status: 200,
			body: { status: 'resolved_recorded', ticket_id: id, recovered: true, action: 'marked' }
		});
		expect(await ticketCount()).toBe(before);
		const t = await getTicket(rt, id);
		expect(t.status).toBe('open');
		expect(t.recovered_at).not.toBeNull();
		expect(t.recovered_run_id).toBe(c.successRun);
		expect(pushed.at(-1)?.recovered_at).toBe(t.recovered_at);
		const audit = (await auditRows(id)).at(-1)!;
		expect(audit).toMatchObject({
			action: 'Recovered at Source',
			actor_name: c.reporter,
			actor_source: 'source'
		});
		expect(audit.details.summary).toBe(
			c.successRun
				? `Recovered at source: run ${c.successRun} succeeded`
				: 'Recovered at source: Azure Monitor reported success'
		);
		await eventually(
			() => jobsFor(id),
			(jobs) => jobs.includes('slack.sync-message')
		);
		const raw = await rt.pool.query(
			`select outcome from webhook_events where ticket_id = $1 order by id`,
			[id]
		);
		expect(raw.rows.map((r) => r.outcome)).toEqual(['created', 'resolved']);

		// A second success finds nothing left to mark.
		const again = await post(c.endpoint, c.success());
		expect(again.body).toMatchObject({ recovered: false, ticket_id: null });
		expect(again.body.reason).toMatch(
			/^no open ticket waiting for recovery for this (job|alert|pipeline)$/
		);
	});

	it('resolves the ticket as the source when set to resolve: audited, Slack and Jira follow', async () => {
		const c = make();
		await setMode(c.source, 'resolve');
		const { body } = await post(c.endpoint, c.failure());
		const id = body.ticket_id as string;
		await rt.pool.query(
			`update tickets set slack_ts = '1700000000.000200', jira_key = 'OPS-2' where id = $1`,
			[id]
		);
		const ok = await post(c.endpoint, c.success());
		expect(ok.body).toEqual({
			status: 'resolved_recorded',
			ticket_id: id,
			recovered: true,
			action: 'resolved'
		});
		const t = await getTicket(rt, id);
		expect(t).toMatchObject({
			status: 'closed',
			resolved_by: c.reporter,
			recovered_run_id: c.successRun
		});
		expect(t.recovered_at).not.toBeNull();
		const resolved = (await auditRows(id)).find((a) => a.action === 'Resolved')!;
		expect(resolved).toMatchObject({ actor_name: c.reporter, actor_source: 'source' });
		expect(String(resolved.details.summary)).toMatch(/^Recovered at source: /);
		// Slack updates the message and replies in its thread; Jira syncs the resolve.
		await eventually(
			() => jobsFor(id),
			(jobs) =>
				['slack.sync-message', 'slack.thread-reply', 'jira.sync-action'].every((j) =>
					jobs.includes(j)
				)
		);
	});

	it('only records the success when set to off', async () => {
		const c = make();
		await setMode(c.source, 'off');
		const { body } = await post(c.endpoint, c.failure());
		const ok = await post(c.endpoint, c.success());
		expect(ok).toEqual({
			status: 200,
			body: {
				status: 'resolved_recorded',
				ticket_id: null,
				recovered: false,
				reason: `recovery is off for ${c.source}`
			}
		});
		const t = await getTicket(rt, body.ticket_id);
		expect(t).toMatchObject({ status: 'open', recovered_at: null });
		expect((await auditRows(t.id)).map((a) => a.action)).toEqual(['Ticket Created']);
	});

	it('stores a success with nothing to match, answers 2xx with the reason and creates no ticket', async () => {
		const c = make();
		const before = await ticketCount();
		const events = (await rt.pool.query(`select count(*)::int as n from webhook_events`)).rows[0].n;
		const ok = await post(c.endpoint, c.success());
		expect(ok.status).toBe(200);
		expect(ok.body).toMatchObject({
			status: 'resolved_recorded',
			recovered: false,
			ticket_id: null
		});
		expect(ok.body.reason).toMatch(/^no open ticket/);
		expect(await ticketCount()).toBe(before);
		const stored = await rt.pool.query(
			`select outcome, ticket_id from webhook_events order by id desc limit 1`
		);
		expect(stored.rows[0]).toEqual({ outcome: 'resolved', ticket_id: null });
		expect((await rt.pool.query(`select count(*)::int as n from webhook_events`)).rows[0].n).toBe(
			events + 1
		);
	});
});

describe('which ticket a success recovers', () => {
	it('is the latest open ticket of the same job, not an older one nor another job’s', async () => {
		const c = databricksCase();
		const other = databricksCase();
		const older = (await post(c.endpoint, c.failure())).body.ticket_id as string;
		const base = c.failure() as { run: { run_id: number } };
		const newer = (await post(c.endpoint, { ...base, run: { run_id: base.run.run_id + 5 } })).body
			.ticket_id as string;
		const unrelated = (await post(other.endpoint, other.failure())).body.ticket_id as string;
		const ok = await post(c.endpoint, c.success());
		expect(ok.body.ticket_id).toBe(newer);
		expect((await getTicket(rt, older)).recovered_at).toBeNull();
		expect((await getTicket(rt, unrelated)).recovered_at).toBeNull();
	});

	it('never touches a closed ticket', async () => {
		const c = genericCase();
		const id = (await post(c.endpoint, c.failure())).body.ticket_id as string;
		await rt.pool.query(`update tickets set status = 'closed' where id = $1`, [id]);
		const ok = await post(c.endpoint, c.success());
		expect(ok.body.recovered).toBe(false);
		expect((await getTicket(rt, id)).recovered_at).toBeNull();
	});
});

describe('attempts of one run', () => {
	it('counts a Databricks repair run on the run’s ticket; the same repair delivered again stays a duplicate', async () => {
		const c = databricksCase();
		const first = c.failure() as { run: { run_id: number } };
		const id = (await post('databricks', first)).body.ticket_id as string;
		const repair = { ...first, run: { run_id: first.run.run_id, repair_id: 501 } };
		expect(await post('databricks', repair)).toEqual({
			status: 200,
			body: { status: 'attempt_recorded', ticket_id: id, attempt: 2 }
		});
		expect(await post('databricks', repair)).toEqual({
			status: 200,
			body: { status: 'duplicate_ignored', ticket_id: id }
		});
		const again = { ...first, run: { run_id: first.run.run_id, repair_id: 502 } };
		expect((await post('databricks', again)).body).toMatchObject({ attempt: 3 });
		const t = await getTicket(rt, id);
		expect(t).toMatchObject({ attempts: 3, occurrences: 2 });
		expect(t.last_attempt_at).not.toBeNull();
		const attempts = (await auditRows(id)).filter((a) => a.action === 'Attempt Failed');
		expect(attempts.map((a) => a.details.summary)).toEqual([
			'Attempt 2 failed',
			'Attempt 3 failed'
		]);
		const raw = await rt.pool.query(
			`select outcome from webhook_events where ticket_id = $1 order by id`,
			[id]
		);
		expect(raw.rows.map((r) => r.outcome)).toEqual(['created', 'attempt', 'duplicate', 'attempt']);
	});

	it('counts a Databricks task retry (a new task run, attempt_number 1) on the first attempt’s ticket', async () => {
		const task = fixture<Record<string, unknown>>('databricks/webhook.task-failure.json');
		const parent = Number(uniq());
		const first = { ...task, run: { run_id: parent + 1, parent_run_id: parent } };
		const id = (await post('databricks', first)).body.ticket_id as string;
		const retry = {
			...task,
			run: { run_id: parent + 2, parent_run_id: parent, attempt_number: 1 }
		};
		const before = await ticketCount();
		expect((await post('databricks', retry)).body).toEqual({
			status: 'attempt_recorded',
			ticket_id: id,
			attempt: 2
		});
		expect(await ticketCount()).toBe(before);
		const t = await getTicket(rt, id);
		expect(t.attempts).toBe(2);
		// The link follows the newest failed attempt.
		expect(t.run_url).toBe(`https://${HOST}/jobs/578912345678/runs/${parent + 2}`);
		// Another task of the same run is still a ticket of its own.
		const other = {
			...task,
			task: { task_key: 'other_task' },
			run: { run_id: parent + 3, parent_run_id: parent }
		};
		expect((await post('databricks', other)).status).toBe(201);
	});

	it('counts a generic attempt by its number, audited "Attempt 3 failed"', async () => {
		const c = genericCase();
		const failure = c.failure();
		const id = (await post('generic', failure)).body.ticket_id as string;
		expect((await post('generic', { ...failure, attempt: 3 })).body).toEqual({
			status: 'attempt_recorded',
			ticket_id: id,
			attempt: 3
		});
		expect((await getTicket(rt, id)).attempts).toBe(3);
		const last = (await auditRows(id)).at(-1)!;
		expect(last).toMatchObject({ action: 'Attempt Failed', actor_source: 'system' });
		expect(last.details.summary).toBe('Attempt 3 failed');
		// Attempt 1 stated later is the first delivery again.
		expect((await post('generic', { ...failure, attempt: 1 })).body.status).toBe(
			'duplicate_ignored'
		);
	});

	it('clears an earlier recovery when the run fails again', async () => {
		const c = genericCase();
		const failure = c.failure();
		const id = (await post('generic', failure)).body.ticket_id as string;
		await post('generic', c.success());
		expect((await getTicket(rt, id)).recovered_at).not.toBeNull();
		await post('generic', { ...failure, attempt: 2 });
		expect(await getTicket(rt, id)).toMatchObject({ recovered_at: null, attempts: 2 });
	});

	it('keeps one ticket when a run’s first failure and a retry race', async () => {
		const c = genericCase();
		const failure = c.failure();
		const answers = await Promise.all([
			post('generic', failure),
			post('generic', { ...failure, attempt: 2 }),
			post('generic', { ...failure, attempt: 3 })
		]);
		const ids = new Set(answers.map((a) => a.body.ticket_id));
		expect(ids.size).toBe(1);
		expect((await getTicket(rt, [...ids][0] as string)).attempts).toBe(3);
	});
});

describe('link to the failed run in the API', () => {
	it('is the Databricks run page from the workspace host, job and run id', async () => {
		const c = databricksCase();
		const body = c.failure() as { job: { job_id: number }; run: { run_id: number } };
		const id = (await post('databricks', body)).body.ticket_id as string;
		const detail = await apiTicket(rt.pool, id);
		expect(Ticket.parse(detail?.ticket).run_url).toBe(
			`https://${HOST}/jobs/${body.job.job_id}/runs/${body.run.run_id}`
		);
	});

	it('is the ADF monitoring page from the factory resource id and run id', async () => {
		const log = fixture<Record<string, unknown>>(
			'azure-monitor/log-alert-v2.adf-pipeline-failed.json'
		);
		const id = (await post('azure-monitor', log)).body.ticket_id as string;
		const detail = await apiTicket(rt.pool, id);
		expect(detail?.ticket.run_url).toBe(
			'https://adf.azure.com/en/monitoring/pipelineruns/4c8e1f7a-93b2-4d5e-8a61-0b2c3d4e5f60?factory=' +
				encodeURIComponent(
					'/subscriptions/7d1c2e9a-4b3f-4a51-9e2d-6c0f8b1a2d34/resourcegroups/rg-data-platform-prod/providers/microsoft.datafactory/factories/adf-sales-prod-weu'
				)
		);
	});

	it('is the generic webhook’s run link, in the list too; a javascript: link is refused', async () => {
		const c = genericCase();
		const failure = {
			...c.failure(),
			links: { dashboard: 'https://grafana.example/d/1', run: 'https://airflow.example/run/9' }
		};
		const id = (await post('generic', failure)).body.ticket_id as string;
		const page = await listTickets(rt.pool, parseTicketFilters(new URLSearchParams({ q: id })));
		expect(page.items.find((t) => t.id === id)?.run_url).toBe('https://airflow.example/run/9');
		const evil = await post('generic', { ...c.failure(), links: { run: 'javascript:alert(1)' } });
		expect(evil.status).toBe(400);
		expect(evil.body.error.details).toEqual([
			{ field: 'links.run', message: 'must be an http(s) URL' }
		]);
	});
});

describe('Azure Monitor Resolved matched by rule and target', () => {
	it('recovers the ticket of the same rule, target and pipeline when the alert id differs', async () => {
		const c = azureCase();
		const id = (await post(c.endpoint, c.failure())).body.ticket_id as string;
		const success = c.success() as { data: { essentials: Record<string, unknown> } };
		success.data.essentials.alertId =
			'/subscriptions/x/providers/Microsoft.AlertsManagement/alerts/other';
		expect((await post(c.endpoint, success)).body).toMatchObject({
			recovered: true,
			ticket_id: id
		});
	});
});
