import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TicketDto } from '../../src/lib/contracts/tickets.ts';
import { handleWebhook } from '../../src/lib/server/http/webhooks.ts';
import {
	updateGroupingSettings,
	type GroupingInput
} from '../../src/lib/server/incidents/settings.ts';
import { splitFromIncident } from '../../src/lib/server/incidents/split.ts';
import { startRuntime, type Runtime } from '../../src/lib/server/runtime.ts';
import { acknowledge, markBreached, resolve } from '../../src/lib/server/tickets/lifecycle.ts';
import { ticketTag } from '../../src/lib/server/jira/format.ts';
import { startTestRuntime, testConfig } from '../support/db.ts';
import { webhookRequest } from '../support/http.ts';
import { jiraEnv, startJiraStandin, type JiraStandin } from '../support/jira-standin.ts';
import {
	slackEnv,
	startSlackStandin,
	type SlackCall,
	type SlackStandin
} from '../support/slack-standin.ts';
import { auditActions, eventually, getTicket } from '../support/tickets.ts';

const ORIGIN = 'https://vigil.contoso.example';
const priya = { name: 'Priya Raman', source: 'dashboard' as const };

let slack: SlackStandin;
let jira: JiraStandin;
let rt: Runtime;

beforeAll(async () => {
	slack = await startSlackStandin();
	jira = await startJiraStandin({ mode: 'cloud' });
	rt = await startTestRuntime(
		{
			...slackEnv(slack, 'slack-signing-secret-for-tests-0123456789'),
			...jiraEnv(jira),
			JIRA_WEBHOOK_SECRET: 'jira-webhook-secret-0123456789',
			ORIGIN
		},
		{
			// Two instances share the test database in the storm: each with a small pool, so the
			// storm does not take the connections the other test files need.
			poolSize: 20,
			slack: { channelIntervalMs: 20 },
			jira: { tuning: { timeoutMs: 2000, ratePerSecond: 100 }, searchSettleMs: 100 },
			rcaOptions: { maxAttempts: 1 }
		}
	);
	await group({ enabled: true, keys: ['resource', 'fingerprint'], window_minutes: 10 });
}, 60_000);
afterAll(async () => {
	await rt?.stop();
	await slack?.close().catch(() => {});
	await jira?.close().catch(() => {});
});
afterEach(() => {
	expect(slack.violations).toEqual([]);
});

const group = (s: GroupingInput) => updateGroupingSettings(rt.pool, s, 'admin@contoso.example');

let seq = 0;
/** A unique name per test, so failures of one test never join another test's incident. */
const unique = (prefix: string) => `${prefix}-${process.pid}-${seq++}`;

async function send(
	body: Record<string, unknown>,
	runtime: Runtime = rt
): Promise<{ status: number; body: { status: string; ticket_id: string } }> {
	const res = await handleWebhook(runtime, 'generic', webhookRequest('generic', body), null);
	return { status: res.status, body: await res.json() };
}

/** A generic failure; `error` decides what it shares with others. */
async function fail(pipeline: string, error: string, runId = unique('run')): Promise<TicketDto> {
	const r = await send({ source: 'airflow', pipeline, run_id: runId, error_message: error });
	expect(r.status).toBe(201);
	return getTicket(rt, r.body.ticket_id);
}

const irOffline = (ir: string, activity = 'Copy_Orders') =>
	`Operation on target ${activity} failed: Failure happened on 'Source' side. The Self-hosted integration runtime '${ir}' is offline. Please check the integration runtime status.`;

const texts = (c: SlackCall) =>
	JSON.stringify(c.args.blocks ?? []) + '\n' + String(c.args.text ?? '');
const alertsAbout = (ids: string[]) =>
	slack
		.callsTo('chat.postMessage')
		.filter((c) => !c.args.thread_ts && ids.some((id) => texts(c).includes(id)));

async function ageTicket(id: string, seconds: number): Promise<void> {
	await rt.pool.query(
		`update tickets set created_at = now() - make_interval(secs => $2) where id = $1`,
		[id, seconds]
	);
}

describe('grouping', () => {
	it('by resource: failures of different pipelines on one integration runtime become one incident that says why', async () => {
		const ir = unique('shir-onprem');
		const first = await fail('pl_copy_orders', irOffline(ir, 'Copy_Orders'));
		const second = await fail('pl_load_customers', irOffline(ir, 'Load_Customers'));
		const third = await fail('pl_sync_invoices', irOffline(ir.toUpperCase(), 'Sync_Invoices'));

		const reason = `grouped: resource ${ir}, category connectivity, within 10 min`;
		expect(first.incident_id).toBeNull();
		expect(second).toMatchObject({ incident_id: first.id, grouped_reason: reason });
		expect(third).toMatchObject({ incident_id: first.id, grouped_reason: reason });
		// The incident counts its children in a job queued with each (incidents.recount).
		await eventually(
			() => getTicket(rt, first.id),
			(t) => t.incident_children === 2
		);
		expect(await getTicket(rt, first.id)).toMatchObject({
			incident_id: null,
			grouped_reason: reason
		});
		await eventually(
			() => auditActions(rt, first.id),
			(a) => a.includes('Incident Opened')
		);
		const created = await rt.pool.query(
			`select details from audit_log where ticket_id = $1 and action = 'Ticket Created'`,
			[second.id]
		);
		expect(created.rows[0].details).toMatchObject({ incident_id: first.id, reason });
	});

	it('by fingerprint: the same error across pipelines, with no resource named', async () => {
		const table = unique('tbl');
		const error = `Violation of PRIMARY KEY constraint 'pk_${table}'. Cannot insert duplicate key in object 'dbo.${table}'. The duplicate key value is (4211).`;
		const first = await fail('pl_orders_daily', error);
		const second = await fail('pl_orders_hourly', error.replace('4211', '977'));
		expect(second.incident_id).toBe(first.id);
		expect(second.grouped_reason).toMatch(
			new RegExp(
				`^grouped: same error ${first.error_type} across pipelines \\(fingerprint [0-9a-f]{8}\\), category ${first.category}, within 10 min$`
			)
		);
	});

	it('follows the keys set: resource only leaves a shared error without a resource ungrouped', async () => {
		await group({ enabled: true, keys: ['resource'], window_minutes: 10 });
		try {
			const error = `Login failed for user '${unique('etl')}'.`;
			const first = await fail('pl_a', error);
			const second = await fail('pl_b', error);
			expect(second.incident_id).toBeNull();
			expect((await getTicket(rt, first.id)).incident_children).toBe(0);
		} finally {
			await group({ enabled: true, keys: ['resource', 'fingerprint'], window_minutes: 10 });
		}
	});

	it('off: nothing is grouped', async () => {
		await group({ enabled: false, keys: ['resource', 'fingerprint'], window_minutes: 10 });
		try {
			const ir = unique('shir');
			await fail('pl_a', irOffline(ir));
			expect((await fail('pl_b', irOffline(ir))).incident_id).toBeNull();
		} finally {
			await group({ enabled: true, keys: ['resource', 'fingerprint'], window_minutes: 10 });
		}
	});

	it('window edges: just inside joins the incident, just outside starts a new one', async () => {
		const inside = unique('shir-in');
		const a = await fail('pl_a', irOffline(inside));
		await ageTicket(a.id, 10 * 60 - 15);
		expect((await fail('pl_b', irOffline(inside))).incident_id).toBe(a.id);

		const outside = unique('shir-out');
		const b = await fail('pl_a', irOffline(outside));
		await ageTicket(b.id, 10 * 60 + 15);
		const late = await fail('pl_b', irOffline(outside));
		expect(late.incident_id).toBeNull();
		// The late one is the new incident for what follows.
		expect((await fail('pl_c', irOffline(outside))).incident_id).toBe(late.id);
	});

	it('a closed incident takes no new children', async () => {
		const ir = unique('shir');
		const a = await fail('pl_a', irOffline(ir));
		await resolve(rt.pool, a.id, priya);
		expect((await fail('pl_b', irOffline(ir))).incident_id).toBeNull();
	});

	it('deduplication of the same run is unchanged: a redelivery counts on the ticket and joins nothing', async () => {
		const ir = unique('shir');
		const a = await fail('pl_a', irOffline(ir));
		const runId = unique('run');
		const child = await fail('pl_b', irOffline(ir), runId);
		const again = await send({
			source: 'airflow',
			pipeline: 'pl_b',
			run_id: runId,
			error_message: irOffline(ir)
		});
		expect(again).toMatchObject({
			status: 200,
			body: { status: 'duplicate_ignored', ticket_id: child.id }
		});
		expect((await getTicket(rt, child.id)).occurrences).toBe(2);
		await eventually(
			() => getTicket(rt, a.id),
			(t) => t.incident_children === 1
		);
		expect(
			await rt.pool.query(`select 1 from tickets where incident_id = $1`, [a.id])
		).toHaveProperty('rowCount', 1);
	});
});

describe('one clock', () => {
	it("children never breach on their own; the incident's timer does", async () => {
		const ir = unique('shir');
		const a = await fail('pl_a', irOffline(ir));
		const child = await fail('pl_b', irOffline(ir));
		await rt.pool.query(
			`update tickets set sla_deadline = now() - interval '1 minute' where id = any($1::text[])`,
			[[a.id, child.id]]
		);
		expect((await markBreached(rt.pool, child.id)).changed).toBe(false);
		expect((await markBreached(rt.pool, a.id)).ticket.sla_status).toBe('Breached');
		expect((await getTicket(rt, child.id)).sla_status).toBe('Pending');
		// No breach timer was queued for the child at all.
		const timers = await rt.pool.query(
			`select data->>'ticketId' as id from pgboss.job where name = 'sla.check-breach' and data->>'ticketId' = any($1::text[])`,
			[[a.id, child.id]]
		);
		expect(timers.rows.map((r) => r.id)).toEqual([a.id]);
	});

	it('a more urgent child raises the incident to its priority (and moves its deadline)', async () => {
		const ir = unique('shir');
		const a = await fail('pl_a', irOffline(ir));
		await rt.pool.query(`update tickets set priority = 'P3', sla_seconds = 86400 where id = $1`, [
			a.id
		]);
		const child = await fail('pl_b', irOffline(ir));
		expect(child.priority).toBe('P1');
		const incident = await eventually(
			() => getTicket(rt, a.id),
			(t) => t.priority === 'P1'
		);
		expect(incident.sla_seconds).toBe(child.sla_seconds);
		expect(await auditActions(rt, a.id)).toContain('Priority Changed');
	});
});

describe('acting on the incident', () => {
	it('acknowledging it acknowledges its children, each audited', async () => {
		const ir = unique('shir');
		const a = await fail('pl_a', irOffline(ir));
		const c1 = await fail('pl_b', irOffline(ir));
		const c2 = await fail('pl_c', irOffline(ir));
		const r = await acknowledge(rt.pool, a.id, priya);
		expect(r.ticket.status).toBe('in_progress');
		for (const c of [c1, c2]) {
			expect(await getTicket(rt, c.id)).toMatchObject({
				status: 'in_progress',
				acknowledged_by: 'Priya Raman',
				sla_status: r.ticket.sla_status
			});
			const audit = await rt.pool.query(
				`select actor_name, details from audit_log where ticket_id = $1 and action = 'Acknowledged'`,
				[c.id]
			);
			expect(audit.rows).toEqual([
				{
					actor_name: 'Priya Raman',
					details: { sla_status: r.ticket.sla_status, via: 'incident', incident_id: a.id }
				}
			]);
		}
	});

	it('resolving it resolves its children (acknowledging the open ones), each audited', async () => {
		const ir = unique('shir');
		const a = await fail('pl_a', irOffline(ir));
		const c1 = await fail('pl_b', irOffline(ir));
		const c2 = await fail('pl_c', irOffline(ir));
		await acknowledge(rt.pool, c1.id, priya);
		await resolve(rt.pool, a.id, priya);
		for (const c of [c1, c2])
			expect(await getTicket(rt, c.id)).toMatchObject({
				status: 'closed',
				resolved_by: 'Priya Raman'
			});
		expect(await auditActions(rt, c1.id)).toEqual(['Ticket Created', 'Acknowledged', 'Resolved']);
		expect(await auditActions(rt, c2.id)).toEqual(['Ticket Created', 'Acknowledged', 'Resolved']);
	});
});

describe('split', () => {
	it('takes a child out: standalone, its own clock, its own Slack alert and Jira issue; both audited', async () => {
		const ir = unique('shir');
		const a = await fail('pl_a', irOffline(ir));
		const c1 = await fail('pl_b', irOffline(ir));
		const c2 = await fail('pl_c', irOffline(ir));
		await eventually(
			() => getTicket(rt, c1.id),
			(t) => t.triage_status !== 'pending'
		);
		const r = await splitFromIncident(rt, c1.id, priya);
		expect(r.changed).toBe(true);
		expect(r.ticket).toMatchObject({ incident_id: null, grouped_reason: null });
		expect((await getTicket(rt, a.id)).incident_children).toBe(1);
		expect((await getTicket(rt, c2.id)).incident_id).toBe(a.id);
		expect(await auditActions(rt, c1.id)).toContain('Split from Incident');
		expect(await auditActions(rt, a.id)).toContain('Split from Incident');
		const timers = await rt.pool.query(
			`select 1 from pgboss.job where name = 'sla.check-breach' and data->>'ticketId' = $1`,
			[c1.id]
		);
		expect(timers.rowCount).toBe(1);
		const split = await eventually(
			() => getTicket(rt, c1.id),
			(t) => t.slack_status === 'posted' && t.jira_status === 'linked',
			20_000
		);
		expect(alertsAbout([split.id])).toHaveLength(1);
		expect(jira.issues().filter((i) => i.labels.includes(ticketTag(split.id)))).toHaveLength(1);
		// Splitting again changes nothing.
		expect((await splitFromIncident(rt, c1.id, priya)).changed).toBe(false);
	});
});

describe('Slack and Jira', () => {
	it('one Slack message for the incident, updated with the count; one Jira issue; none for the children', async () => {
		const ir = unique('shir');
		const a = await fail('pl_a', irOffline(ir));
		const children: TicketDto[] = [];
		for (const p of ['pl_b', 'pl_c', 'pl_d', 'pl_e']) children.push(await fail(p, irOffline(ir)));
		const posted = await eventually(
			() => getTicket(rt, a.id),
			(t) => t.slack_status === 'posted' && t.jira_status === 'linked',
			20_000
		);
		const update = await eventually(
			async () =>
				[...slack.callsTo('chat.postMessage'), ...slack.callsTo('chat.update')]
					.filter((c) => c.args.ts === posted.slack_ts || texts(c).includes(a.id))
					.at(-1),
			(c) => !!c && texts(c).includes('Incident · 5 failures'),
			20_000
		);
		expect(texts(update!)).toContain(
			`grouped: resource ${ir}, category connectivity, within 10 min`
		);
		const ids = [a.id, ...children.map((c) => c.id)];
		expect(alertsAbout(ids)).toHaveLength(1);
		// The children settle (triaged) without a Slack status or a Jira issue of their own.
		for (const c of children) {
			const t = await eventually(
				() => getTicket(rt, c.id),
				(x) => x.triage_status !== 'pending'
			);
			expect(t).toMatchObject({ slack_status: null, slack_ts: null, jira_status: null });
		}
		const issues = jira.issues().filter((i) => ids.some((id) => i.labels.includes(ticketTag(id))));
		expect(issues.map((i) => i.labels.find((l) => l.startsWith('vigil-')))).toEqual([
			ticketTag(a.id)
		]);
	});
});

describe('a storm', () => {
	it('200 concurrent webhooks of one cause on two instances sharing the database give exactly one incident', async () => {
		// A second Vigil on the same database: grouping must not rely on one process's memory.
		const other = await startRuntime(testConfig(), {
			databaseUrl: rt.databaseUrl,
			poolSize: 20,
			spies: true,
			workers: false
		});
		try {
			const ir = unique('shir-storm');
			const bodies = Array.from({ length: 200 }, (_, i) => ({
				source: 'airflow',
				pipeline: `pl_storm_${i % 23}`,
				run_id: unique('storm'),
				error_message: irOffline(ir, `Copy_${i}`)
			}));
			const answers = await Promise.all(bodies.map((b, i) => send(b, i % 2 ? other : rt)));
			// A 503 stores nothing and says "retry" (Retry-After); senders deliver again, as here.
			// On a loaded shared database some do; grouping must hold across the retries too.
			for (let round = 0; round < 25 && answers.some((a) => a.status === 503); round++) {
				await new Promise((r) => setTimeout(r, 1500));
				await Promise.all(
					answers.map(async (a, i) => {
						if (a.status === 503) answers[i] = await send(bodies[i]!, i % 2 ? other : rt);
					})
				);
			}
			expect(answers.filter((a) => a.status !== 201)).toEqual([]);
			const ids = answers.map((a) => a.body.ticket_id);
			const rows = await rt.pool.query(
				`select id, incident_id, incident_children from tickets where id = any($1::text[])`,
				[ids]
			);
			const incidents = rows.rows.filter((r) => r.incident_id === null);
			expect(incidents).toHaveLength(1);
			await eventually(
				() => getTicket(rt, incidents[0].id),
				(t) => t.incident_children === 199,
				20_000
			);
			expect(rows.rows.filter((r) => r.incident_id === incidents[0].id)).toHaveLength(199);
		} finally {
			await other.stop();
		}
	}, 150_000);
});
