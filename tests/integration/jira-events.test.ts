import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/lib/server/errors.ts';
import { handleJiraWebhook } from '../../src/lib/server/http/jira-webhook.ts';
import {
	actOnEvent,
	eventId,
	eventStats,
	listEvents,
	parseEventFilters,
	parseStatsWindow,
	pruneEvents,
	storePolledIssue,
	type JiraEventDto
} from '../../src/lib/server/jira/events.ts';
import { registry } from '../../src/lib/server/metrics.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startTestRuntime } from '../support/db.ts';
import {
	deliverWebhook,
	STANDIN_PEOPLE,
	startJiraStandin,
	type JiraStandin,
	jiraEnv,
	FAST_JIRA_TUNING
} from '../support/jira-standin.ts';
import { serveRoute, type RouteServer } from '../support/route-server.ts';
import { auditActions, createTicket, eventually, getTicket } from '../support/tickets.ts';

const SECRET = 'jira-webhook-secret-0123456789';
const admin = { name: 'Ada Admin', source: 'dashboard' as const };

let jira: JiraStandin;
let rt: Runtime;
let hook: RouteServer;

beforeAll(async () => {
	jira = await startJiraStandin({ mode: 'cloud' });
	rt = await startTestRuntime(
		{
			...jiraEnv(jira),
			JIRA_WEBHOOK_SECRET: SECRET
		},
		{
			poolSize: 10,
			jira: {
				tuning: FAST_JIRA_TUNING,
				searchSettleMs: 300
			},
			rcaOptions: { maxAttempts: 1 }
		}
	);
	hook = await serveRoute('/api/webhooks/jira', (request) => handleJiraWebhook(rt, request));
});
afterAll(async () => {
	await hook?.close();
	await rt?.stop();
	await jira?.close();
});
afterEach(() => {
	expect(jira.violations).toEqual([]);
	jira.clearFaults();
});

const linked = (id: string) =>
	eventually(
		() => getTicket(rt, id),
		(t) => t.jira_status === 'linked' || t.jira_status === 'failed',
		20_000
	);

const events = (query: Record<string, string>) =>
	listEvents(rt.pool, new URLSearchParams(query)).then((p) => p.items);

/** The stored delivery of `identifier`, once processing has settled it. */
const settled = (identifier: string) =>
	eventually(
		async () => {
			const r = await rt.pool.query(`select id from jira_deliveries where identifier = $1`, [
				identifier
			]);
			if (!r.rows[0]) return undefined;
			const id = Number(r.rows[0].id);
			return (await events({ direction: 'inbound' })).find((e) => e.id === id);
		},
		(e): e is JiraEventDto => e !== undefined && e.state !== 'received',
		20_000
	) as Promise<JiraEventDto>;

const refusal = (err: unknown) =>
	err instanceof ApiError ? { status: err.status, code: err.code } : err;

describe('the Jira event log', () => {
	it('lists every delivery and every call with state, attempts, error and duration, filtered and paged', async () => {
		const t = await linked((await createTicket(rt, { pipeline: 'pl_log' })).id);
		const key = t.jira_key!;
		const [create] = await events({
			direction: 'outbound',
			event: 'create issue',
			ticket_id: t.id
		});
		expect(create).toMatchObject({
			state: 'processed',
			issue_key: key,
			attempts: 1,
			job_queue: 'jira.create-issue',
			outcome: null,
			can_retry: false,
			can_replay: true
		});
		expect(create!.duration_ms).toBeGreaterThanOrEqual(0);

		const progress = jira.transitionAs(STANDIN_PEOPLE.marco, key, 'In Progress');
		await deliverWebhook(hook.url, progress, { secret: SECRET });
		expect(await settled(progress.identifier)).toMatchObject({
			direction: 'inbound',
			event: 'jira:issue_updated',
			issue_key: key,
			state: 'processed',
			attempts: 1,
			outcome: `${key} is In Progress (indeterminate): acknowledged`
		});
		await deliverWebhook(
			hook.url,
			{ ...progress.body, issue: { id: '999999', key: 'OPS-99999' } },
			{ secret: SECRET, identifier: 'log-unknown-issue' }
		);
		expect(await settled('log-unknown-issue')).toMatchObject({
			state: 'ignored',
			outcome: 'No Vigil ticket is linked to this issue'
		});
		expect((await deliverWebhook(hook.url, progress, { secret: 'wrong' })).status).toBe(401);
		const [rejected] = await events({ state: 'rejected' });
		expect(rejected).toMatchObject({ direction: 'inbound', can_retry: false, can_replay: false });
		expect(rejected!.outcome).toMatch(/wrong secret/);

		// The issue key filter takes what a person types; the key names inbound and outbound rows.
		const forIssue = await events({ issue_key: key.toLowerCase() });
		expect(new Set(forIssue.map((e) => e.direction))).toEqual(new Set(['inbound', 'outbound']));
		expect(forIssue.every((e) => e.issue_key === key)).toBe(true);
		expect(forIssue.map((e) => e.event)).toEqual(
			expect.arrayContaining(['create issue', 'get issue', 'jira:issue_updated'])
		);
		expect(await events({ issue_key: key, direction: 'inbound', state: 'ignored' })).toEqual([]);
		expect(await events({ from: '2099-01-01T00:00:00Z' })).toEqual([]);

		const first = await listEvents(rt.pool, new URLSearchParams({ limit: '2' }));
		expect(first.items).toHaveLength(2);
		const second = await listEvents(
			rt.pool,
			new URLSearchParams({ limit: '2', cursor: first.next_cursor! })
		);
		expect(second.items[0]!.id).toBeLessThan(first.items[1]!.id);
	});

	it('names each bad filter, a bad window and a bad id with a 400', () => {
		const bad = (fn: () => unknown) => {
			try {
				fn();
			} catch (err) {
				return err instanceof ApiError ? { status: err.status, details: err.details } : err;
			}
			return null;
		};
		expect(
			bad(() => parseEventFilters(new URLSearchParams({ state: 'done', from: 'yesterday' })))
		).toEqual({
			status: 400,
			details: [
				{
					field: 'state',
					message: expect.stringContaining('received, processed, ignored, failed, rejected')
				},
				{ field: 'from', message: expect.stringContaining('ISO 8601') }
			]
		});
		expect(
			bad(() =>
				parseStatsWindow(
					new URLSearchParams({ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' })
				)
			)
		).toMatchObject({ status: 400, details: [{ field: 'to' }] });
		expect(bad(() => eventId('12abc'))).toMatchObject({ status: 400, details: [{ field: 'id' }] });
	});

	it('a failed delivery is retried once Jira answers again, and the retry is audited', async () => {
		const t = await linked((await createTicket(rt, { pipeline: 'pl_retry' })).id);
		const key = t.jira_key!;
		// Jira refuses to show the issue (a permission taken away): the delivery fails at once.
		jira.failNext({ kind: 'status', status: 403 }, { operation: 'getIssue', times: Infinity });
		const done = jira.transitionAs(STANDIN_PEOPLE.marco, key, 'Done');
		await deliverWebhook(hook.url, done, { secret: SECRET });
		const failed = await settled(done.identifier);
		expect(failed).toMatchObject({ state: 'failed', attempts: 1, can_retry: true });
		expect(failed.outcome).toMatch(/403/);
		const [call] = await events({
			direction: 'outbound',
			issue_key: key,
			state: 'failed',
			event: 'get issue'
		});
		expect(call).toMatchObject({ event: 'get issue', http_status: 403 });
		expect((await getTicket(rt, t.id)).status).toBe('open');

		jira.clearFaults();
		const { event } = await actOnEvent(rt, failed.id, 'retry', admin);
		expect(event.state).toBe('received');
		const retried = await eventually(
			() =>
				events({ direction: 'inbound', issue_key: key }).then((l) =>
					l.find((e) => e.id === failed.id)!
				),
			(e) => e.state !== 'received'
		);
		expect(retried).toMatchObject({ state: 'processed', attempts: 2 });
		expect((await getTicket(rt, t.id)).status).toBe('closed');
		const audit = await rt.pool.query(
			`select ticket_id, actor_name, actor_source, details from audit_log where action = 'Jira Event Retried'`
		);
		expect(audit.rows).toEqual([
			{
				ticket_id: t.id,
				actor_name: 'Ada Admin',
				actor_source: 'dashboard',
				details: expect.objectContaining({ event_id: failed.id, previous_state: 'failed' })
			}
		]);
		// Only a failed event is retried; a processed one is replayed.
		await expect(actOnEvent(rt, failed.id, 'retry', admin).catch(refusal)).resolves.toEqual({
			status: 409,
			code: 'not_failed'
		});
		await expect(actOnEvent(rt, 999_999_999, 'retry', admin).catch(refusal)).resolves.toEqual({
			status: 404,
			code: 'not_found'
		});
	});

	it('a create Jira refused is retried from its logged call and makes one issue', async () => {
		jira.failNext(
			{
				kind: 'status',
				status: 400,
				body: { errorMessages: [], errors: { customfield_10050: 'Team is required.' } }
			},
			{ operation: 'createIssue' }
		);
		const t = await linked((await createTicket(rt, { pipeline: 'pl_refused_once' })).id);
		expect(t.jira_status).toBe('failed');
		const [call] = await events({ direction: 'outbound', ticket_id: t.id, state: 'failed' });
		expect(call).toMatchObject({
			event: 'create issue',
			http_status: 400,
			job_queue: 'jira.create-issue',
			can_retry: true
		});
		expect(call!.outcome).toMatch(/customfield_10050: Team is required/);

		const { queued } = await actOnEvent(rt, call!.id, 'retry', admin);
		expect(queued).not.toBeNull();
		const after = await eventually(
			() => getTicket(rt, t.id),
			(x) => x.jira_status === 'linked',
			20_000
		);
		expect(
			jira.issues().filter((i) => i.labels.includes(`vigil-${t.id.toLowerCase()}`))
		).toHaveLength(1);
		const made = await events({ direction: 'outbound', ticket_id: t.id, event: 'create issue' });
		expect(made.map((e) => e.state)).toEqual(['processed', 'failed']);
		expect(made[0]!.issue_key).toBe(after.jira_key);
		expect(await auditActions(rt, t.id)).toContain('Jira Event Retried');
	});

	it('replays a processed delivery without doing anything twice', async () => {
		const t = await linked((await createTicket(rt, { pipeline: 'pl_replay' })).id);
		const key = t.jira_key!;
		const { webhook } = jira.commentAs(STANDIN_PEOPLE.marco, key, 'Gateway VM restarted');
		await deliverWebhook(hook.url, webhook, { secret: SECRET });
		const comment = await settled(webhook.identifier);
		expect(comment).toMatchObject({ state: 'processed', outcome: 'comment mirrored' });
		const done = jira.transitionAs(STANDIN_PEOPLE.marco, key, 'Done');
		await deliverWebhook(hook.url, done, { secret: SECRET });
		const resolved = await settled(done.identifier);
		expect(resolved.state).toBe('processed');
		const before = await auditActions(rt, t.id);
		expect(before.filter((a) => a === 'Jira Comment')).toHaveLength(1);
		expect(before.filter((a) => a === 'Resolved')).toHaveLength(1);

		for (const e of [comment, resolved]) await actOnEvent(rt, e.id, 'replay', admin);
		const replayed = await eventually(
			() =>
				events({ direction: 'inbound', issue_key: key }).then((l) =>
					l.filter((e) => e.id === comment.id || e.id === resolved.id)
				),
			(l) => l.length === 2 && l.every((e) => e.state !== 'received' && e.attempts === 2)
		);
		expect(replayed.find((e) => e.id === comment.id)).toMatchObject({
			state: 'ignored',
			outcome: 'Comment already mirrored as it is'
		});
		expect(replayed.find((e) => e.id === resolved.id)).toMatchObject({
			state: 'processed',
			outcome: `${key} is Done (done): already closed`
		});
		const after = await auditActions(rt, t.id);
		expect(after.filter((a) => a === 'Jira Comment')).toHaveLength(1);
		expect(after.filter((a) => a === 'Resolved')).toHaveLength(1);
		expect(after.filter((a) => a === 'Jira Event Replayed')).toHaveLength(2);

		// A delivery refused at the door (the first test's wrong secret) has nothing to replay.
		const [rejected] = await events({ state: 'rejected' });
		await expect(actOnEvent(rt, rejected!.id, 'replay', admin).catch(refusal)).resolves.toEqual({
			status: 409,
			code: 'not_replayable'
		});
	});

	it('a polled issue goes through the same logic and the same log, once per change', async () => {
		const t = await linked((await createTicket(rt, { pipeline: 'pl_polled' })).id);
		const key = t.jira_key!;
		jira.transitionAs(STANDIN_PEOPLE.priya, key, 'In Progress');
		const issue = jira.issue(key)!;
		const polled = { id: issue.id, key, updated: new Date(issue.updated).toISOString() };
		const id = await storePolledIssue(rt, polled);
		expect(id).not.toBeNull();
		expect(await storePolledIssue(rt, polled)).toBeNull();
		const e = await eventually(
			() => events({ direction: 'poll' }).then((l) => l.find((x) => x.id === id)),
			(x) => x !== undefined && x.state !== 'received'
		);
		expect(e).toMatchObject({ state: 'processed', issue_key: key, can_replay: true });
		expect((await getTicket(rt, t.id)).status).toBe('in_progress');
	});

	it('stats count each state and take lag p50 / p95 from arrival to processed', async () => {
		// A day of its own, far from the other tests' rows: lags of 1…20 s, and the other states.
		const day = '2020-03-01';
		await rt.pool.query(
			`insert into jira_deliveries (direction, event, issue_key, body, status, received_at, processed_at)
			select 'inbound', 'jira:issue_updated', 'OPS-1', '{}', 'processed',
				$1::timestamptz + make_interval(mins => n), $1::timestamptz + make_interval(mins => n, secs => n)
			from generate_series(1, 20) n`,
			[`${day}T00:00:00Z`]
		);
		await rt.pool.query(
			`insert into jira_deliveries (direction, event, status, received_at, processed_at, duration_ms)
			values ('inbound', 'comment_created', 'ignored', $1, $1, null), ('inbound', null, 'ignored', $1, $1, null),
				('poll', 'jira:issue_updated', 'ignored', $1, $1, null),
				('inbound', 'jira:issue_updated', 'failed', $1, $1, null), ('inbound', null, 'rejected', $1, null, null),
				('inbound', 'jira:issue_updated', 'received', $1, null, null),
				('outbound', 'create issue', 'processed', $1, $1, 100), ('outbound', 'get issue', 'processed', $1, $1, 200),
				('outbound', 'comment', 'failed', $1, $1, 300)`,
			[`${day}T06:00:00Z`]
		);
		expect(await eventStats(rt.pool, { from: `${day}T00:00:00Z`, to: `${day}T23:59:59Z` })).toEqual(
			{
				from: `${day}T00:00:00.000Z`,
				to: `${day}T23:59:59.000Z`,
				received: 26,
				pending: 1,
				processed: 20,
				ignored: 3,
				failed: 1,
				rejected: 1,
				lag_p50_seconds: 10.5,
				lag_p95_seconds: 19.05,
				outbound: { calls: 3, failed: 1, p95_duration_ms: 290 }
			}
		);
		const empty = await eventStats(rt.pool, {
			from: '2019-01-01T00:00:00Z',
			to: '2019-01-02T00:00:00Z'
		});
		expect(empty).toMatchObject({ received: 0, lag_p50_seconds: null, lag_p95_seconds: null });
	});

	it('/metrics has the log by direction and state and the lag quantiles', async () => {
		const text = await registry.metrics();
		const processed = text.match(
			/^vigil_jira_events\{direction="inbound",state="processed"\} (\d+)$/m
		);
		expect(Number(processed?.[1])).toBeGreaterThan(0);
		expect(text).toMatch(/^vigil_jira_events\{direction="outbound",state="failed"\} [1-9]\d*$/m);
		expect(text).toMatch(/^vigil_jira_events\{direction="poll",state="processed"\} [1-9]\d*$/m);
		expect(text).toMatch(/^vigil_jira_event_lag_seconds\{quantile="0.5"\} \d/m);
		expect(text).toMatch(/^vigil_jira_event_lag_seconds\{quantile="0.95"\} \d/m);
	});

	it('retention deletes settled rows past the limit only, on an hourly schedule', async () => {
		const old = new Date(Date.now() - 31 * 86_400_000);
		const recent = new Date(Date.now() - 29 * 86_400_000);
		const ids = await rt.pool.query(
			`insert into jira_deliveries (direction, event, status, received_at, identifier)
			values ('inbound', 'old processed', 'processed', $1, 'ret-1'), ('outbound', 'old call', 'failed', $1, 'ret-2'),
				('inbound', 'old waiting', 'received', $1, 'ret-3'), ('inbound', 'recent', 'processed', $2, 'ret-4'),
				('outbound', 'recent call', 'processed', $2, 'ret-5')
			returning identifier`,
			[old, recent]
		);
		expect(ids.rowCount).toBe(5);
		const before = Number(
			(await rt.pool.query(`select count(*) from jira_deliveries`)).rows[0].count
		);
		// The stats test's settled rows of 2020 go too; its waiting one stays.
		const deleted = await pruneEvents(rt.pool, 30);
		const left = await rt.pool.query(
			`select identifier from jira_deliveries where identifier like 'ret-%' order by identifier`
		);
		expect(left.rows.map((r) => r.identifier)).toEqual(['ret-3', 'ret-4', 'ret-5']);
		const after = Number(
			(await rt.pool.query(`select count(*) from jira_deliveries`)).rows[0].count
		);
		expect(before - after).toBe(deleted);
		expect(deleted).toBe(2 + 28);
		const [schedule] = await rt.boss.getSchedules('jira.prune-events');
		expect(schedule).toMatchObject({ name: 'jira.prune-events', cron: '17 * * * *' });
	});
});
