import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handleJiraWebhook } from '../../src/lib/server/http/jira-webhook.ts';
import { JiraError } from '../../src/lib/server/jira/client.ts';
import { pollJira, pollJob, pollState } from '../../src/lib/server/jira/poll.ts';
import {
	saveConnectionSettings,
	type ConnectionBody
} from '../../src/lib/server/connections/settings.ts';
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
import type { TicketDto } from '../../src/lib/contracts/schemas.ts';

const SECRET = 'jira-webhook-secret-0123456789';
const { priya } = STANDIN_PEOPLE;

/**
 * The stand-in's clock: real time, or frozen at one instant so that several issues are
 * updated in the same second (and millisecond).
 */
let frozen: number | null = null;
const jiraNow = () => frozen ?? Date.now();

async function start(
	jira: JiraStandin,
	opts: { schedulePolls?: boolean; pageSize?: number } = {}
): Promise<Runtime> {
	return startTestRuntime(
		{
			...jiraEnv(jira),
			JIRA_WEBHOOK_SECRET: SECRET,
			ORIGIN: 'https://vigil.contoso.example'
		},
		{
			poolSize: 10,
			jira: {
				tuning: FAST_JIRA_TUNING,
				searchSettleMs: 300,
				schedulePolls: opts.schedulePolls ?? false,
				// Reconciliation would repair the same drift on its own schedule: only polling here.
				reconcileSchedule: false,
				poll: { pageSize: opts.pageSize ?? 100 }
			},
			rcaOptions: { maxAttempts: 1 }
		}
	);
}

/** What the admin saves on the connection page, straight into the stored settings. */
async function setSync(rt: Runtime, settings: Record<string, string>): Promise<void> {
	await rt.pool.query(
		`update connections set config = config || $1::jsonb, updated_at = clock_timestamp() where kind = 'jira'`,
		[JSON.stringify(settings)]
	);
}

const deps = (rt: Runtime) => ({ pool: rt.pool, boss: rt.boss, jira: rt.jira });

async function linkedTicket(rt: Runtime, pipeline: string): Promise<TicketDto> {
	const created = await createTicket(rt, { pipeline });
	const t = await eventually(
		() => getTicket(rt, created.id),
		(x) => x.jira_status === 'linked',
		20_000
	);
	return t;
}

const count = (list: string[], action: string) => list.filter((a) => a === action).length;

async function deliveries(
	rt: Runtime
): Promise<{ identifier: string; direction: string; status: string }[]> {
	const r = await rt.pool.query(
		`select identifier, direction, status from jira_deliveries where direction <> 'outbound' order by id`
	);
	return r.rows;
}

/** Every stored delivery applied (the process-deliveries jobs have run). */
const settled = (rt: Runtime) =>
	eventually(
		() => deliveries(rt),
		(all) => all.every((d) => d.status !== 'received'),
		20_000
	);

describe('polling Jira Cloud for updated issues', () => {
	let jira: JiraStandin;
	let rt: Runtime;
	let hook: RouteServer;

	beforeAll(async () => {
		jira = await startJiraStandin({ mode: 'cloud', now: jiraNow, timeZone: 'Europe/Rome' });
		rt = await start(jira);
		hook = await serveRoute('/api/webhooks/jira', (request) => handleJiraWebhook(rt, request));
	});
	afterAll(async () => {
		await hook?.close();
		await rt?.stop();
		await jira?.close();
	});
	afterEach(() => {
		frozen = null;
		expect(jira.violations).toEqual([]);
		jira.clearFaults();
	});

	it('does not poll while the connection takes webhooks only', async () => {
		expect(await pollJira(deps(rt))).toEqual({
			status: 'skipped',
			reason: 'The connection takes webhooks only'
		});
		expect(jira.requestsTo('searchAndReconsileIssuesUsingJql')).toHaveLength(0);
	});

	it('applies two issues updated in the same second on either side of a page boundary, advances the watermark, and a re-read over the overlap applies nothing twice', async () => {
		const a = await linkedTicket(rt, 'pl_poll_a');
		const b = await linkedTicket(rt, 'pl_poll_b');
		await setSync(rt, { syncMode: 'polling' });

		// Both closed in Jira in the same second (the same millisecond, even): no webhook is sent.
		frozen = Math.floor(Date.now() / 1000) * 1000 + 400;
		jira.transitionAs(priya, a.jira_key!, 'Done');
		jira.transitionAs(priya, b.jira_key!, 'Done');
		const sameSecond = new Date(frozen);
		frozen = null;

		const first = await pollJira(deps(rt), { pageSize: 1 });
		expect(first).toMatchObject({ status: 'polled', pages: 2, issues: 2, queued: 2 });
		if (first.status !== 'polled') return;
		expect(first.watermark?.toISOString()).toBe(sameSecond.toISOString());

		// The JQL: Vigil's issues updated since then, in the API user's zone (Rome), to the minute,
		// oldest first; the second page by the token the first one gave.
		const searches = jira.requestsTo('searchAndReconsileIssuesUsingJql');
		expect(searches).toHaveLength(2);
		const jql = searches[0]!.query.jql!;
		expect(jql).toMatch(
			/^labels = "vigil" AND updated >= "\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}" ORDER BY updated ASC, key ASC$/
		);
		expect(searches[0]!.query.nextPageToken).toBeUndefined();
		expect(searches[1]!.query.jql).toBe(jql);
		expect(searches[1]!.query.nextPageToken).toEqual(expect.any(String));
		expect(searches[0]!.query.maxResults).toBe('1');

		for (const t of [a, b]) {
			const closed = await eventually(
				() => getTicket(rt, t.id),
				(x) => x.status === 'closed',
				20_000
			);
			expect(closed.mttr_seconds).not.toBeNull();
			expect(count(await auditActions(rt, t.id), 'Resolved')).toBe(1);
		}
		await settled(rt);
		const before = await deliveries(rt);
		const audits = [await auditActions(rt, a.id), await auditActions(rt, b.id)];

		// The next poll starts two minutes (the overlap) before the watermark, floored to the minute
		// in Rome: it reads both issues again and stores nothing new.
		const second = await pollJira(deps(rt), { pageSize: 1 });
		expect(second).toMatchObject({ status: 'polled', issues: 2, queued: 0 });
		const rome = new Date(sameSecond.getTime() - 120_000 + 3_600_000);
		const floor = rome.toISOString().slice(0, 16).replace('T', ' ').replaceAll('-', '/');
		expect(jira.requestsTo('searchAndReconsileIssuesUsingJql').at(-1)!.query.jql).toBe(
			`labels = "vigil" AND updated >= "${floor}" ORDER BY updated ASC, key ASC`
		);
		expect(await deliveries(rt)).toEqual(before);
		expect([await auditActions(rt, a.id), await auditActions(rt, b.id)]).toEqual(audits);

		const state = await pollState(rt.pool);
		expect(state).toMatchObject({
			lastError: null,
			failures: 0,
			lastPages: 2,
			lastIssues: 2,
			lastQueued: 0,
			polling: false
		});
		expect(state?.watermark?.toISOString()).toBe(sameSecond.toISOString());
	});

	it('webhooks and polling at once: a change and a comment are applied once', async () => {
		const t = await linkedTicket(rt, 'pl_poll_both');
		await setSync(rt, { syncMode: 'both' });
		const moved = jira.transitionAs(priya, t.jira_key!, 'In Progress');
		const { webhook: commented } = jira.commentAs(priya, t.jira_key!, 'Looking at the cluster');

		// Polled first, then the webhooks arrive; and polled again once they are applied.
		expect(await pollJira(deps(rt))).toMatchObject({ status: 'polled', queued: 2 });
		for (const event of [moved, commented])
			expect((await deliverWebhook(`${hook.url}?secret=${SECRET}`, event)).status).toBe(200);
		await settled(rt);
		expect(await pollJira(deps(rt))).toMatchObject({ status: 'polled', queued: 0 });
		await settled(rt);

		const ticket = await getTicket(rt, t.id);
		expect(ticket.status).toBe('in_progress');
		const actions = await auditActions(rt, t.id);
		expect(count(actions, 'Acknowledged')).toBe(1);
		expect(count(actions, 'Jira Comment')).toBe(1);
		const mine = (await deliveries(rt)).filter((d) => d.identifier.includes(t.jira_key!));
		// In the event log as polled, beside the two webhook deliveries.
		expect(mine.map((d) => d.direction)).toEqual(['poll', 'poll']);
		expect(mine.map((d) => d.identifier)).toEqual([
			expect.stringMatching(new RegExp(`^poll:${t.jira_key}:\\d{4}-`)),
			expect.stringMatching(new RegExp(`^poll:${t.jira_key}:comment:`))
		]);
	});

	it('an outage is shown on the connection and the watermark waits; the next poll catches up', async () => {
		const t = await linkedTicket(rt, 'pl_poll_outage');
		await setSync(rt, { syncMode: 'polling' });
		await pollJira(deps(rt));
		// Applied before Jira changes: a delivery reads the issue as it is when it is processed.
		await settled(rt);
		const watermark = (await pollState(rt.pool))?.watermark;

		jira.transitionAs(priya, t.jira_key!, 'Done');
		jira.failNext(
			{ kind: 'status', status: 503 },
			{ operation: 'searchAndReconsileIssuesUsingJql' }
		);
		await expect(pollJira(deps(rt))).rejects.toBeInstanceOf(JiraError);
		const failed = await pollState(rt.pool);
		expect(failed).toMatchObject({ failures: 1, polling: false });
		expect(failed?.lastError).toMatch(/503/);
		expect(failed?.watermark).toEqual(watermark);
		const connection = await rt.pool.query(
			`select status, last_error from connections where kind = 'jira'`
		);
		// The connection's own health says it too (another call may since have succeeded).
		expect(connection.rows[0].last_error).toMatch(/503/);
		expect((await getTicket(rt, t.id)).status).not.toBe('closed');

		// The job reschedules after a failure no sooner than the interval, and never as a retry.
		jira.failNext(
			{ kind: 'status', status: 503 },
			{ operation: 'searchAndReconsileIssuesUsingJql' }
		);
		const before = Date.now();
		await pollJob(deps(rt));
		const backedOff = await pollState(rt.pool);
		expect(backedOff?.failures).toBe(2);
		// Second failure in a row: twice the 60 s interval.
		expect(backedOff!.nextPollAt!.getTime()).toBeGreaterThanOrEqual(before + 120_000);

		expect(await pollJira(deps(rt))).toMatchObject({ status: 'polled', queued: 1 });
		const recovered = await pollState(rt.pool);
		expect(recovered).toMatchObject({ lastError: null, failures: 0 });
		expect(recovered!.watermark!.getTime()).toBeGreaterThan(watermark!.getTime());
		await eventually(
			() => getTicket(rt, t.id),
			(x) => x.status === 'closed',
			20_000
		);
	});

	it('one instance polls at a time: a second poll while one holds the lease is skipped', async () => {
		await setSync(rt, { syncMode: 'polling' });
		jira.failNext({ kind: 'delay', ms: 600 }, { operation: 'searchAndReconsileIssuesUsingJql' });
		const [one, two] = await Promise.all([
			pollJira(deps(rt)),
			new Promise((r) => setTimeout(r, 150)).then(() => pollJira(deps(rt)))
		]);
		expect(one).toMatchObject({ status: 'polled' });
		expect(two).toEqual({ status: 'skipped', reason: 'Another instance is polling' });
	});
});

describe('polling Jira Data Center (REST v2, startAt pages)', () => {
	let jira: JiraStandin;
	let rt: Runtime;

	beforeAll(async () => {
		jira = await startJiraStandin({ mode: 'datacenter', now: jiraNow });
		rt = await start(jira, { schedulePolls: true, pageSize: 1 });
	});
	afterAll(async () => {
		await rt?.stop();
		await jira?.close();
	});
	afterEach(() => {
		frozen = null;
		expect(jira.violations).toEqual([]);
	});

	it('the scheduled poll pages with startAt and applies both issues of the same second', async () => {
		const a = await linkedTicket(rt, 'pl_dc_poll_a');
		const b = await linkedTicket(rt, 'pl_dc_poll_b');
		frozen = Math.floor(Date.now() / 1000) * 1000 + 700;
		jira.transitionAs(priya, a.jira_key!, 'In Progress');
		jira.transitionAs(priya, b.jira_key!, 'Done');
		frozen = null;

		await setSync(rt, { syncMode: 'polling', pollIntervalSeconds: '10' });
		await rt.boss.send('jira.poll', {}, { singletonKey: 'jira' });
		await eventually(
			async () => [(await getTicket(rt, a.id)).status, (await getTicket(rt, b.id)).status],
			(s) => s[0] === 'in_progress' && s[1] === 'closed',
			20_000
		);
		const searches = jira.requestsTo('searchForIssuesUsingJqlPost');
		expect(searches[0]!.api).toBe('2');
		expect(searches[0]!.body).toMatchObject({
			jql: expect.stringMatching(
				/^labels = "vigil" AND updated >= ".+" ORDER BY updated ASC, key ASC$/
			),
			startAt: 0,
			maxResults: 1
		});
		const firstBody = searches[0]!.body as { jql: string };
		expect(searches[1]!.body).toMatchObject({ jql: firstBody.jql, startAt: 1 });
		const state = await eventually(
			() => pollState(rt.pool),
			(s) => s?.nextPollAt !== null && s?.nextPollAt !== undefined,
			10_000
		);
		// The next poll is queued one interval on.
		expect(state!.nextPollAt!.getTime() - state!.finishedAt!.getTime()).toBeGreaterThan(8_000);
		expect(state!.lastError).toBeNull();
	});
});

describe('an issue updated while a poll pages through the results', () => {
	let jira: JiraStandin;
	let rt: Runtime;

	beforeAll(async () => {
		jira = await startJiraStandin({ mode: 'cloud', now: jiraNow });
		rt = await start(jira);
	});
	afterAll(async () => {
		await rt?.stop();
		await jira?.close();
	});
	afterEach(() => {
		frozen = null;
		expect(jira.violations).toEqual([]);
	});

	it('moves the one after it onto a page already read; the watermark goes back so the next poll reads it', async () => {
		const [a, b, c] = [
			await linkedTicket(rt, 'pl_shift_a'),
			await linkedTicket(rt, 'pl_shift_b'),
			await linkedTicket(rt, 'pl_shift_c')
		];
		await setSync(rt, { syncMode: 'polling' });
		const t0 = Date.now() + 1000;
		for (const [i, t] of [a, b, c].entries()) {
			frozen = t0 + i * 1000;
			jira.transitionAs(priya, t!.jira_key!, 'Done');
		}
		frozen = null;

		// One issue a page; while the second page is asked for, A is edited ten minutes later
		// (by Jira's clock): the results are now B, C, A and the second page is C.
		jira.failNext(
			{ kind: 'delay', ms: 500 },
			{ operation: 'searchAndReconsileIssuesUsingJql', times: 2 }
		);
		const polling = pollJira(deps(rt), { pageSize: 1 });
		await eventually(
			async () => jira.requestsTo('searchAndReconsileIssuesUsingJql').length,
			(n) => n === 2,
			5_000
		);
		frozen = t0 + 600_000;
		jira.updateIssueAs(priya, a.jira_key!, { summary: 'Orders pipeline failing (edited)' });
		frozen = null;
		const first = await polling;
		expect(first).toMatchObject({ status: 'polled', pages: 3 });
		const stored = (await deliveries(rt)).map((d) => d.identifier);
		expect(stored.some((id) => id.startsWith(`poll:${b.jira_key}:`))).toBe(false);
		// Back to the end of the page A was first read on, not on to A's edit.
		expect((await pollState(rt.pool))?.watermark?.getTime()).toBe(t0);

		expect(await pollJira(deps(rt), { pageSize: 1 })).toMatchObject({ status: 'polled' });
		await eventually(
			() => getTicket(rt, b.id),
			(x) => x.status === 'closed',
			20_000
		);
		expect((await pollState(rt.pool))?.watermark?.getTime()).toBe(t0 + 600_000);
	});
});

describe('switching polling on in the connection settings', () => {
	let jira: JiraStandin;
	let rt: Runtime;

	beforeAll(async () => {
		jira = await startJiraStandin({ mode: 'cloud', now: jiraNow });
		rt = await start(jira, { schedulePolls: true });
	});
	afterAll(async () => {
		await rt?.stop();
		await jira?.close();
	});

	it('polls within seconds of the save, not at the next minute tick', async () => {
		// Saved early in a minute, so the minute tick cannot be what polls within the wait below.
		const second = new Date().getUTCSeconds();
		if (second > 45) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
		const stored = await rt.pool.query(`select config from connections where kind = 'jira'`);
		const config = stored.rows[0].config as Record<string, string>;
		const savedAt = Date.now();
		await saveConnectionSettings(rt, 'jira', {
			...config,
			syncMode: 'polling',
			pollIntervalSeconds: '30'
		} as ConnectionBody<'jira'>);
		const state = await eventually(
			() => pollState(rt.pool),
			(s) => s?.finishedAt != null,
			10_000
		);
		expect(state!.lastError).toBeNull();
		expect(state!.finishedAt!.getTime() - savedAt).toBeLessThan(10_000);
		expect(jira.requestsTo('searchAndReconsileIssuesUsingJql')).toHaveLength(1);
		expect(jira.violations).toEqual([]);
	});
});
