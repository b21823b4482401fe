import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { analytics } from '../../src/lib/server/analytics/queries.ts';
import { exportTickets } from '../../src/lib/server/export/exports.ts';
import { handleJiraWebhook } from '../../src/lib/server/http/jira-webhook.ts';
import { storePolledIssue } from '../../src/lib/server/jira/events.ts';
import { reconcile } from '../../src/lib/server/jira/reconcile.ts';
import { jiraMetricsOf } from '../../src/lib/server/jira/history.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { acknowledge, reopen, resolve } from '../../src/lib/server/tickets/lifecycle.ts';
import { parseCsv } from '../support/csv.ts';
import { startTestRuntime } from '../support/db.ts';
import {
	deliverWebhook,
	STANDIN_PEOPLE,
	startJiraStandin,
	type JiraStandin,
	jiraEnv
} from '../support/jira-standin.ts';
import { serveRoute, type RouteServer } from '../support/route-server.ts';
import { createTicket, eventually, getTicket } from '../support/tickets.ts';

const SECRET = 'jira-webhook-secret-0123456789';
const MINUTE = 60_000;
const responder = { name: 'Priya Raman', source: 'dashboard' as const };
/** Jira's clock, moved by the test: every change in the changelog is stamped with it. */
let jiraNow = Date.parse('2026-11-20T09:00:00Z');
const later = (minutes: number) => {
	jiraNow += minutes * MINUTE;
};

async function start(jira: JiraStandin): Promise<Runtime> {
	return startTestRuntime(
		{
			...jiraEnv(jira),
			JIRA_WEBHOOK_SECRET: SECRET
		},
		{
			jira: { tuning: { timeoutMs: 1000, ratePerSecond: 100 }, searchSettleMs: 300 },
			rcaOptions: { maxAttempts: 1 },
			poolSize: 5
		}
	);
}

async function linkedTicket(rt: Runtime, pipeline: string) {
	const created = await createTicket(rt, { pipeline });
	return eventually(
		() => getTicket(rt, created.id),
		(t) => t.jira_key !== null,
		20_000
	);
}

// A test waits for an issue, its deliveries and jobs: on a loaded machine that outlasts 30 s.
describe('Jira metrics on Jira Cloud (paged changelog)', { timeout: 60_000 }, () => {
	let jira: JiraStandin;
	let rt: Runtime;
	let hook: RouteServer;

	beforeAll(async () => {
		// Two changes a page, so four changes take two pages.
		jira = await startJiraStandin({ mode: 'cloud', now: () => jiraNow, changelogPageSize: 2 });
		rt = await start(jira);
		hook = await serveRoute('/api/webhooks/jira', (request) => handleJiraWebhook(rt, request));
	});
	afterAll(async () => {
		await hook?.close();
		await rt?.stop();
		await jira?.close();
	});
	afterEach(() => {
		expect(jira.violations).toEqual([]);
		expect(jira.responseViolations).toEqual([]);
		jira.clearFaults();
	});

	it('metrics from a changelog with back-and-forth transitions, read across two pages', async () => {
		const t = await linkedTicket(rt, 'pl_back_and_forth');
		const key = t.jira_key!;
		const move = async (minutes: number, status: string) => {
			later(minutes);
			const event = jira.transitionAs(STANDIN_PEOPLE.marco, key, status);
			expect((await deliverWebhook(hook.url, event, { secret: SECRET })).status).toBe(200);
		};
		await move(10, 'In Progress');
		await move(15, 'To Do');
		await move(15, 'In Progress');
		await move(30, 'Done');

		const done = await eventually(
			() => getTicket(rt, t.id),
			(x) => x.jira_time_to_resolve_seconds !== null,
			20_000
		);
		expect(done.status).toBe('closed');
		expect(done.jira_time_to_start_seconds).toBe(10 * 60);
		expect(done.jira_time_to_resolve_seconds).toBe(70 * 60);

		// The last read walked both pages of the changelog.
		const pages = jira
			.requestsTo('getChangeLogs')
			.filter((r) => r.path.includes(`/issue/${key}/changelog`))
			.map((r) => r.query.startAt);
		expect(pages).toContain('0');
		expect(pages).toContain('2');

		const m = (await jiraMetricsOf(rt.pool, t.id, new Date(jiraNow + 20 * MINUTE)))!;
		expect(m.error).toBeNull();
		expect(m.history.map((s) => [s.status, s.seconds / 60])).toEqual([
			['To Do', 10],
			['In Progress', 15],
			['To Do', 15],
			['In Progress', 30],
			['Done', 20]
		]);
		expect(m.history.at(-1)!.to).toBeNull();
		// Resting in Done is not time spent on the issue.
		expect(m.totals).toEqual([
			{ status: 'To Do', category: 'new', seconds: 25 * 60, visits: 2 },
			{ status: 'In Progress', category: 'indeterminate', seconds: 45 * 60, visits: 2 }
		]);
	});

	it('Vigil’s own acknowledge, resolve and reopen move the issue, and the metrics follow', async () => {
		const t = await linkedTicket(rt, 'pl_from_vigil');
		later(5);
		await acknowledge(rt.pool, t.id, responder);
		await eventually(
			() => getTicket(rt, t.id),
			(x) => x.jira_time_to_start_seconds !== null
		);
		later(20);
		await resolve(rt.pool, t.id, responder);
		const resolved = await eventually(
			() => getTicket(rt, t.id),
			(x) => x.jira_time_to_resolve_seconds !== null
		);
		expect(resolved.jira_time_to_start_seconds).toBe(5 * 60);
		expect(resolved.jira_time_to_resolve_seconds).toBe(25 * 60);

		later(10);
		await reopen(rt.pool, t.id, responder);
		const reopened = await eventually(
			() => getTicket(rt, t.id),
			(x) => x.jira_time_to_resolve_seconds === null
		);
		expect(reopened.jira_time_to_start_seconds).toBe(5 * 60);
		const m = (await jiraMetricsOf(rt.pool, t.id))!;
		expect(m.reopened).toBe(1);
		expect(m.history.map((s) => s.status)).toEqual(['To Do', 'In Progress', 'Done', 'To Do']);
	});

	it('a failed read is shown on the ticket and repaired by the next status change', async () => {
		const t = await linkedTicket(rt, 'pl_changelog_404');
		const key = t.jira_key!;
		jira.failNext(
			{
				kind: 'status',
				status: 404,
				body: { errorMessages: ['Issue does not exist'], errors: {} }
			},
			{ operation: 'getChangeLogs' }
		);
		later(3);
		const first = jira.transitionAs(STANDIN_PEOPLE.marco, key, 'In Progress');
		await deliverWebhook(hook.url, first, { secret: SECRET });
		const failed = await eventually(
			() => jiraMetricsOf(rt.pool, t.id),
			(m) => m?.error !== null
		);
		expect(failed!.error).toBe(`${key} no longer exists in Jira`);

		later(4);
		const second = jira.transitionAs(STANDIN_PEOPLE.marco, key, 'Done');
		await deliverWebhook(hook.url, second, { secret: SECRET });
		const repaired = await eventually(
			() => jiraMetricsOf(rt.pool, t.id),
			(m) => m?.time_to_resolve_seconds !== null
		);
		expect(repaired).toMatchObject({ error: null, time_to_start_seconds: 180 });
		expect(repaired!.time_to_resolve_seconds).toBe(7 * 60);
	});

	it('an update found by polling (no changelog in it) reads the metrics too', async () => {
		const t = await linkedTicket(rt, 'pl_polled');
		const key = t.jira_key!;
		later(6);
		jira.transitionAs(STANDIN_PEOPLE.marco, key, 'In Progress');
		const issue = jira.issue(key)!;
		await storePolledIssue(rt, {
			id: issue.id,
			key,
			updated: new Date(issue.updated).toISOString()
		});
		const started = await eventually(
			() => getTicket(rt, t.id),
			(x) => x.jira_time_to_start_seconds !== null
		);
		expect(started.jira_time_to_start_seconds).toBe(6 * 60);
	});

	it('reconciliation that moves the issue reads the metrics again', async () => {
		const t = await linkedTicket(rt, 'pl_reconciled');
		// Acknowledged with the sync to Jira lost (as if it had come from Jira).
		await acknowledge(rt.pool, t.id, { name: 'Lost Sync', source: 'jira' });
		later(8);
		// By default Vigil wins for acknowledgement: the run moves the issue to In Progress.
		await reconcile({ pool: rt.pool, jira: rt.jira });
		expect(jira.issue(t.jira_key!)!.status).toBe('In Progress');
		const started = await eventually(
			() => getTicket(rt, t.id),
			(x) => x.jira_time_to_start_seconds !== null
		);
		expect(started.jira_time_to_start_seconds).toBe(8 * 60);
	});

	it('the ticket CSV carries the Jira time to start and time to resolve', async () => {
		const r = await rt.pool.query(
			`select id, jira_time_to_start_seconds as start, jira_time_to_resolve_seconds as resolve
			from tickets where jira_time_to_resolve_seconds is not null`
		);
		expect(r.rows.length).toBeGreaterThan(0);
		const [header, ...rows] = parseCsv(await exportTickets(rt.pool, new URLSearchParams()).text());
		const col = (name: string) => header!.indexOf(name);
		expect(col('jira_time_to_start_seconds')).toBeGreaterThan(col('jira_key'));
		expect(col('jira_time_to_resolve_seconds')).toBeGreaterThan(col('jira_key'));
		for (const want of r.rows) {
			const row = rows.find((x) => x[col('id')] === want.id)!;
			expect(row[col('jira_time_to_start_seconds')]).toBe(String(want.start));
			expect(row[col('jira_time_to_resolve_seconds')]).toBe(String(want.resolve));
		}
		const never = rows.find((x) => x[col('jira_time_to_resolve_seconds')] === '');
		expect(never, 'a ticket without Jira metrics has empty cells').toBeDefined();
	});

	it('analytics: time in each Jira status and Jira resolution time per team', async () => {
		// Tickets of their own window (2031), so the other tests' tickets stay out of the numbers.
		const day = Date.parse('2031-01-10T00:00:00Z');
		const seed = async (team: string, stays: [string, string, number][], resolveMin?: number) => {
			const t = await createTicket(rt, { pipeline: `pl_stats_${team}` });
			await rt.pool.query(
				`update tickets set created_at = $2, team = $3, jira_time_to_resolve_seconds = $4 where id = $1`,
				[t.id, new Date(day), team, resolveMin === undefined ? null : resolveMin * 60]
			);
			let at = day;
			for (const [i, [status, category, minutes]] of stays.entries()) {
				const open = i === stays.length - 1;
				await rt.pool.query(
					`insert into jira_status_intervals (ticket_id, seq, status, category, entered_at, left_at)
					values ($1, $2, $3, $4, $5, $6)`,
					[t.id, i, status, category, new Date(at), open ? null : new Date(at + minutes * MINUTE)]
				);
				at += minutes * MINUTE;
			}
		};
		// Back and forth: To Do 10 + 20 = 30 minutes for that issue, counted once.
		await seed(
			'sales',
			[
				['To Do', 'new', 10],
				['In Progress', 'indeterminate', 5],
				['To Do', 'new', 20],
				['In Progress', 'indeterminate', 15],
				['Done', 'done', 0]
			],
			50
		);
		await seed(
			'sales',
			[
				['To Do', 'new', 60],
				['Done', 'done', 0]
			],
			60
		);
		// Still in To Do: counted until now (2 hours).
		await seed('finance', [['To Do', 'new', 120]]);

		const a = await analytics(rt.pool, '24h', new Date(day + 120 * MINUTE));
		expect(a.jira.statuses).toEqual([
			{ status: 'To Do', category: 'new', issues: 3, avg_seconds: 70 * 60, p50_seconds: 60 * 60 },
			{
				status: 'In Progress',
				category: 'indeterminate',
				issues: 1,
				avg_seconds: 20 * 60,
				p50_seconds: 20 * 60
			}
		]);
		expect(a.jira.teams).toEqual([
			{ team: 'sales', resolved: 2, avg_seconds: 55 * 60, p50_seconds: 55 * 60 }
		]);
	});
});

describe('Jira metrics on Data Center (expand=changelog)', { timeout: 60_000 }, () => {
	let jira: JiraStandin;
	let rt: Runtime;
	let hook: RouteServer;

	beforeAll(async () => {
		jira = await startJiraStandin({ mode: 'datacenter', now: () => jiraNow });
		rt = await start(jira);
		hook = await serveRoute('/api/webhooks/jira', (request) => handleJiraWebhook(rt, request));
	});
	afterAll(async () => {
		await hook?.close();
		await rt?.stop();
		await jira?.close();
	});

	it('reads the changelog with the issue over REST v2', async () => {
		const t = await linkedTicket(rt, 'pl_dc_metrics');
		const key = t.jira_key!;
		for (const [minutes, status] of [
			[2, 'In Progress'],
			[8, 'Done'],
			[1, 'To Do'],
			[4, 'Done']
		] as const) {
			later(minutes);
			const event = jira.transitionAs(STANDIN_PEOPLE.priya, key, status);
			expect((await deliverWebhook(hook.url, event, { secret: SECRET })).status).toBe(200);
		}
		const m = await eventually(
			() => jiraMetricsOf(rt.pool, t.id),
			(x) => x?.time_to_resolve_seconds === 15 * 60
		);
		// Reopened once; resolved by the last close, started by the first in-progress.
		expect(m).toMatchObject({ time_to_start_seconds: 120, reopened: 1 });
		const reads = jira.requestsTo('getIssue').filter((r) => r.query.expand === 'changelog');
		expect(reads.length).toBeGreaterThan(0);
		expect(reads.every((r) => r.api === '2')).toBe(true);
		expect(jira.requestsTo('getChangeLogs')).toEqual([]);
		expect(jira.violations).toEqual([]);
	});
});
