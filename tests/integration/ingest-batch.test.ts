import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketDto } from '../../src/lib/contracts/tickets.ts';
import {
	createIngestKey,
	revokeIngestKey,
	verifyIngestKey
} from '../../src/lib/server/auth/ingest-keys.ts';
import { subscribe } from '../../src/lib/server/events.ts';
import { handleWebhook, type WebhookDeps } from '../../src/lib/server/http/webhooks.ts';
import { createPool, DB_TIMEOUTS, type Pool } from '../../src/lib/server/db/pool.ts';
import { createIngestBatcher, type NewFailure } from '../../src/lib/server/ingest/batch.ts';
import { Sanitizer } from '../../src/lib/server/ingest/storable.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { invalidateIngestSettings } from '../../src/lib/server/routing/cache.ts';
import { startTestRuntime } from '../support/db.ts';
import { jiraEnv, startJiraStandin, type JiraStandin } from '../support/jira-standin.ts';
import { slackEnv, startSlackStandin, type SlackStandin } from '../support/slack-standin.ts';
import { eventually } from '../support/tickets.ts';
import { fixture } from '../support/fixtures.ts';
import { webhookRequest } from '../support/http.ts';
import { countWrites } from '../support/pg-writes.ts';

let rt: Runtime;
/** A pool like the runtime's for its batches (pipelined), whose socket writes are counted. */
let pipelined: Pool;
let writes = 0;
beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false, poolSize: 10 });
	pipelined = createPool(rt.databaseUrl, 2, DB_TIMEOUTS, { pipeline: true });
	countWrites(pipelined, () => writes++);
	// Both connections open before anything is counted: their startup is not a batch's.
	const [a, b] = [await pipelined.connect(), await pipelined.connect()];
	a.release();
	b.release();
});
afterAll(async () => {
	await pipelined?.end();
	await rt?.stop();
});

const generic = (runId: string, extra: Record<string, unknown> = {}) => ({
	...fixture<Record<string, unknown>>('generic/airflow-task-failed.json'),
	run_id: runId,
	...extra
});

/** A generic webhook to `deps` (the shared runtime unless given), answered with status and body. */
async function post(body: unknown, deps: WebhookDeps = rt) {
	const res = await handleWebhook(deps, 'generic', webhookRequest('generic', body), 'req-batch');
	return { status: res.status, body: await res.json() };
}

/** `n` webhooks of runs `${prefix}-0` … at once, as a storm sends them. */
const storm = (deps: WebhookDeps, prefix: string, n: number) =>
	Promise.all(Array.from({ length: n }, (_, i) => post(generic(`${prefix}-${i}`), deps)));

describe('concurrent webhooks committed together (group commit)', () => {
	it('gives each of 200 concurrent failures its ticket, audit entry, jobs and raw event, in far fewer transactions', async () => {
		const answers = await storm(rt, 'batch-distinct', 200);
		expect(answers.map((a) => a.status)).toEqual(Array(200).fill(201));
		const ids = answers.map((a) => a.body.ticket_id as string);
		expect(new Set(ids).size).toBe(200);

		const tickets = await rt.pool.query(
			`select id, run_id, xmin::text as tx from tickets where id = any($1)`,
			[ids]
		);
		expect(tickets.rows).toHaveLength(200);
		// Each answer names the ticket of its own run.
		const runOf = new Map(tickets.rows.map((t) => [t.id, t.run_id]));
		answers.forEach((a, i) => expect(runOf.get(a.body.ticket_id)).toBe(`batch-distinct-${i}`));
		// The point of it: many tickets per transaction (xmin is the inserting transaction).
		const transactions = new Set(tickets.rows.map((t) => t.tx)).size;
		expect(transactions).toBeLessThan(100);

		const audit = await rt.pool.query(
			`select ticket_id, action from audit_log where ticket_id = any($1)`,
			[ids]
		);
		expect(audit.rows).toHaveLength(200);
		expect(new Set(audit.rows.map((r) => r.action))).toEqual(new Set(['Ticket Created']));
		const events = await rt.pool.query(
			`select ticket_id, outcome, body from webhook_events where ticket_id = any($1)`,
			[ids]
		);
		expect(events.rows).toHaveLength(200);
		for (const e of events.rows) {
			expect(e.outcome).toBe('created');
			expect(JSON.parse(e.body).run_id).toBe(runOf.get(e.ticket_id));
		}
		// Born triaged (no AI, no enrichment): no job names a ticket, no triage job at all.
		const jobs = await rt.pool.query(
			`select name from pgboss.job where data->>'ticketId' = any($1)`,
			[ids]
		);
		expect(jobs.rows).toEqual([]);
		const triage = await rt.pool.query(
			`select triage_status, count(*)::int as n from tickets where id = any($1) group by 1`,
			[ids]
		);
		expect(triage.rows).toEqual([{ triage_status: 'offline_only', n: 200 }]);
		// Every ticket's deadline has a breach timer at that instant: one per deadline of a
		// batch, far fewer than one per ticket.
		const timers = await rt.pool.query(
			`select count(*) filter (where exists (
					select 1 from pgboss.job j where j.name = 'sla.check-breach'
						and j.data->>'ticketId' is null and j.start_after = t.sla_deadline))::int as covered,
				count(distinct t.sla_deadline)::int as deadlines
			from tickets t where t.id = any($1)`,
			[ids]
		);
		expect(timers.rows[0].covered).toBe(200);
		const armed = await rt.pool.query(
			`select count(*)::int as n from pgboss.job
			where name = 'sla.check-breach' and data->>'ticketId' is null
				and start_after in (select sla_deadline from tickets where id = any($1))`,
			[ids]
		);
		expect(armed.rows[0].n).toBeLessThan(200);
		expect(armed.rows[0].n).toBeGreaterThanOrEqual(timers.rows[0].deadlines);
	});

	it('keeps deduplication exact when one run races among others in the same batches', async () => {
		const answers = await Promise.all(
			Array.from({ length: 60 }, (_, i) =>
				post(i % 2 ? generic('batch-race-shared') : generic(`batch-race-own-${i}`))
			)
		);
		const shared = answers.filter((_, i) => i % 2);
		const own = answers.filter((_, i) => i % 2 === 0);
		expect(own.map((a) => a.status)).toEqual(Array(30).fill(201));
		expect(shared.filter((a) => a.status === 201)).toHaveLength(1);
		const id = shared.find((a) => a.status === 201)!.body.ticket_id;
		expect(shared.filter((a) => a.status === 200).map((a) => a.body)).toEqual(
			Array(29).fill({ status: 'duplicate_ignored', ticket_id: id })
		);
		const t = await rt.pool.query(
			`select id, occurrences from tickets where run_id = 'batch-race-shared'`
		);
		expect(t.rows).toEqual([{ id, occurrences: 30 }]);
		const events = await rt.pool.query(
			`select outcome, count(*)::int as n from webhook_events where ticket_id = $1
			group by outcome order by outcome`,
			[id]
		);
		expect(events.rows).toEqual([
			{ outcome: 'created', n: 1 },
			{ outcome: 'duplicate', n: 29 }
		]);
	});

	it('counts a second attempt of a run that arrives with its first as an attempt', async () => {
		const answers = await Promise.all([
			post(generic('batch-attempts')),
			post(generic('batch-attempts', { attempt: 2 }))
		]);
		expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
		const created = answers.find((a) => a.status === 201)!;
		const other = answers.find((a) => a.status === 200)!;
		expect(other.body).toMatchObject({
			status: 'attempt_recorded',
			ticket_id: created.body.ticket_id,
			attempt: expect.any(Number)
		});
		const t = await rt.pool.query(`select attempts from tickets where run_id = 'batch-attempts'`);
		expect(t.rows).toEqual([{ attempts: 2 }]);
	});

	it.each([
		['pipelined, as the runtime makes it', () => pipelined],
		['one statement at a time', () => rt.pool]
	])(
		'writes nothing of a batch PostgreSQL refuses, and hands each failure back to be written alone (%s)',
		async (_name, pool) => {
			const batcher = createIngestBatcher({ pool: pool(), boss: rt.boss });
			const failure = (n: number, slaSeconds: unknown): NewFailure => {
				const now = new Date();
				return {
					req: {
						endpoint: 'generic',
						rawBody: JSON.stringify({ n }),
						headers: {},
						keyId: null,
						requestId: null
					},
					columns: {
						id: `GEN-20261126T000000-poison${n}`,
						source: 'generic',
						dedup_key: `batch-poison-${n}`,
						run_key: `batch-poison-${n}`,
						format: 'generic',
						pipeline: 'p',
						run_id: `batch-poison-${n}`,
						severity: 'Low',
						priority: 'P4',
						category: 'unknown',
						error_type: 'Unknown',
						error_message: 'e',
						root_cause: 'r',
						confidence: 'Low',
						sla_seconds: slaSeconds,
						sla_deadline: now,
						created_at: now,
						updated_at: now
					},
					details: {},
					firstJob: 'triage.analyze',
					deadline: now,
					s: new Sanitizer()
				};
			};
			const outcomes = await Promise.all([
				batcher.submit(failure(1, 3600)),
				batcher.submit(failure(2, 'not a number')),
				batcher.submit(failure(3, 3600))
			]);
			expect(outcomes).toEqual([{ kind: 'alone' }, { kind: 'alone' }, { kind: 'alone' }]);
			const left = await rt.pool.query(
				`select count(*)::int as n from tickets where dedup_key like 'batch-poison-%'`
			);
			expect(left.rows[0].n).toBe(0);
			// The same failure with a good value is written: the refused value was the cause.
			const good = await batcher.submit(failure(2, 3600));
			expect(good).toMatchObject({
				kind: 'created',
				ticket: { id: 'GEN-20261126T000000-poison2' }
			});
			await rt.pool.query(`delete from tickets where dedup_key like 'batch-poison-%'`);
		}
	);

	it('writes a batch in two round trips to PostgreSQL, whatever its size', async () => {
		writes = 0;
		const deps = { ...rt, ingestBatcher: createIngestBatcher({ pool: pipelined, boss: rt.boss }) };
		const answers = await storm(deps, 'batch-round-trips', 80);
		expect(answers.map((a) => a.status)).toEqual(Array(80).fill(201));
		const tx = await rt.pool.query(
			`select count(distinct xmin::text)::int as n from tickets where run_id like 'batch-round-trips-%'`
		);
		const transactions = tx.rows[0].n as number;
		expect(transactions).toBeLessThan(40);
		expect(writes).toBe(2 * transactions);
	});
});

describe('key lookups of concurrent webhooks', () => {
	it('answers each of a burst by its own key: good keys pass, a revoked or unknown one does not', async () => {
		const good = await createIngestKey(rt.em(), 'burst-good', null);
		const gone = await createIngestKey(rt.em(), 'burst-revoked', null);
		await revokeIngestKey(rt.em(), gone.id);
		const presented = Array.from({ length: 60 }, (_, i) =>
			i % 3 === 0 ? good.key : i % 3 === 1 ? gone.key : `vik_unknown_${i}_0123456789abcdef`
		);
		const found = await Promise.all(presented.map((k) => verifyIngestKey(rt.pool, k)));
		presented.forEach((k, i) =>
			expect(found[i]?.id ?? null, `lookup ${i}`).toBe(k === good.key ? good.id : null)
		);
	});

	it('refuses a key from the first lookup after it was revoked', async () => {
		const key = await createIngestKey(rt.em(), 'burst-then-revoked', null);
		const before = Promise.all(Array.from({ length: 20 }, () => verifyIngestKey(rt.pool, key.key)));
		await before;
		await revokeIngestKey(rt.em(), key.id);
		const after = await Promise.all(
			Array.from({ length: 20 }, () => verifyIngestKey(rt.pool, key.key))
		);
		expect(after).toEqual(Array(20).fill(null));
		expect((await before).every((k) => k?.id === key.id)).toBe(true);
	});
});

describe('the breach timers of a batch', () => {
	let live: Runtime;
	beforeAll(async () => {
		live = await startTestRuntime({}, { poolSize: 10 });
	});
	afterAll(async () => live?.stop());

	it('breach every ticket of a storm at its deadline, once, with one timer per deadline', async () => {
		// Straight in SQL: the API allows one minute at the least.
		await live.pool.query(`update sla_policies set seconds = 2`);
		invalidateIngestSettings();
		const answers = await storm(live, 'batch-breach', 40);
		const ids = answers.map((a) => a.body.ticket_id as string);
		const armed = await live.pool.query(
			`select count(*)::int as n from pgboss.job where name = 'sla.check-breach'`
		);
		expect(armed.rows[0].n).toBeLessThan(40);
		const breached = await eventually(
			async () =>
				(
					await live.pool.query(
						`select id, sla_status, sla_deadline from tickets where id = any($1)`,
						[ids]
					)
				).rows,
			(rows) => rows.every((r) => r.sla_status === 'Breached'),
			20_000
		);
		expect(breached).toHaveLength(40);
		const audits = await live.pool.query(
			`select ticket_id, count(*)::int as n, min(at) as at from audit_log
			where action = 'SLA Breached' and ticket_id = any($1) group by ticket_id`,
			[ids]
		);
		expect(audits.rows).toHaveLength(40);
		const deadlineOf = new Map(breached.map((r) => [r.id, r.sla_deadline.getTime()]));
		for (const a of audits.rows) {
			expect(a.n).toBe(1);
			// Not before its deadline.
			expect(a.at.getTime()).toBeGreaterThanOrEqual(deadlineOf.get(a.ticket_id)!);
		}
	});
});

describe('a batch born triaged, with Slack and Jira connected', () => {
	let slack: SlackStandin;
	let jira: JiraStandin;
	let wired: Runtime;
	beforeAll(async () => {
		slack = await startSlackStandin();
		jira = await startJiraStandin({ mode: 'cloud' });
		// No workers: the jobs stay queued, to be counted.
		wired = await startTestRuntime(
			{ ...slackEnv(slack, 'batch-signing-secret'), ...jiraEnv(jira) },
			{ workers: false, poolSize: 10 }
		);
	});
	afterAll(async () => {
		await wired?.stop();
		await slack?.close();
		await jira?.close();
	});

	it('queues each ticket its Slack alert and its Jira issue, once, in the transaction of its batch', async () => {
		const announced = new Map<string, TicketDto>();
		const off = subscribe('ticket:created', (t) => void announced.set(t.id, t));
		const answers = await storm(wired, 'batch-outlets', 60).finally(off);
		expect(answers.map((a) => a.status)).toEqual(Array(60).fill(201));
		const ids = answers.map((a) => a.body.ticket_id as string);
		// The board is told of each ticket as it committed: both outlets pending.
		for (const id of ids)
			expect(announced.get(id), id).toMatchObject({
				slack_status: 'pending',
				jira_status: 'pending'
			});
		const tickets = await wired.pool.query(
			`select id, slack_status, jira_status, xmin::text as tx from tickets where id = any($1)`,
			[ids]
		);
		for (const t of tickets.rows)
			expect(t).toMatchObject({ slack_status: 'pending', jira_status: 'pending' });
		// Still committed together: many tickets per transaction.
		expect(new Set(tickets.rows.map((t) => t.tx)).size).toBeLessThan(30);
		const jobs = await wired.pool.query(
			`select name, data->>'ticketId' as id, singleton_key, xmin::text as tx from pgboss.job
			where name in ('slack.post-alert', 'jira.create-issue') and data->>'ticketId' = any($1)`,
			[ids]
		);
		const txOf = new Map(tickets.rows.map((t) => [t.id, t.tx]));
		for (const queue of ['slack.post-alert', 'jira.create-issue']) {
			const mine = jobs.rows.filter((j) => j.name === queue);
			expect(mine.map((j) => j.id).sort(), queue).toEqual([...ids].sort());
			for (const j of mine) {
				expect(j.singleton_key).toBe(j.id);
				// Committed with its ticket: no ticket without its alert, no alert without its ticket.
				expect(j.tx).toBe(txOf.get(j.id));
			}
		}
	});
});

describe('a ticket id drawn twice', () => {
	it('draws again: the second failure gets a ticket of its own and its raw event, not a 500', async () => {
		const taken = 'GEN-20991231T235959-aaaaaa';
		const fresh = 'GEN-20991231T235959-bbbbbb';
		const draws = [taken, taken, fresh];
		const deps = { ...rt, newTicketId: () => draws.shift() ?? 'GEN-20991231T235959-cccccc' };
		const send = (runId: string) => post(generic(runId), deps);
		const first = await send('id-drawn-twice-1');
		expect(first).toMatchObject({ status: 201, body: { ticket_id: taken } });
		// Through the batch (whose insert skips the taken id) and then on its own.
		const second = await send('id-drawn-twice-2');
		expect(second).toMatchObject({ status: 201, body: { ticket_id: fresh } });
		const rows = await rt.pool.query(
			`select t.id, t.run_id, e.outcome from tickets t join webhook_events e on e.ticket_id = t.id
			where t.id = any($1) order by t.id`,
			[[taken, fresh]]
		);
		expect(rows.rows).toEqual([
			{ id: taken, run_id: 'id-drawn-twice-1', outcome: 'created' },
			{ id: fresh, run_id: 'id-drawn-twice-2', outcome: 'created' }
		]);
		// The batch wrote its audit entry and raw event for the tickets it inserted only: none
		// went to the ticket that already had the id.
		const audit = await rt.pool.query(
			`select ticket_id, run_id from audit_log where ticket_id = any($1) order by ticket_id`,
			[[taken, fresh]]
		);
		expect(audit.rows).toEqual([
			{ ticket_id: taken, run_id: 'id-drawn-twice-1' },
			{ ticket_id: fresh, run_id: 'id-drawn-twice-2' }
		]);
	});
});
