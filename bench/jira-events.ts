/**
 * npm run bench:jira-events — what the Jira event log costs, each figure beside a same-run
 * baseline on the same pool:
 *
 * - logging a call: recordOutcome (the connection's health update with the call's log row in
 *   one statement), against the health update alone, as every call wrote it before the log;
 *   alternating rounds, one statement at a time (a worker's calls are sequential);
 * - reading the log at volume (BENCH_EVENTS rows, default 200,000, over 30 days): the admin
 *   page's first page, a filtered page, the 24-hour stats and the /metrics snapshot, against a
 *   primary-key lookup of one row.
 *
 *   npm run bench:jira-events
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/throwaway npm run bench:jira-events
 *
 * Without BENCH_DATABASE_URL a fresh embedded cluster; with it, give it a throwaway database.
 */
import pg from 'pg';
import { createOrm } from '#lib/server/db/orm.ts';
import { ENTITIES } from '#lib/server/entities.ts';
import { DEFAULT_TUNING, recordOutcome } from '#lib/server/jira/connection.ts';
import { JiraError } from '#lib/server/jira/client.ts';
import { eventMetrics, eventStats, listEvents } from '#lib/server/jira/events.ts';
import { benchPool, startDatabase } from './lib/database.ts';
import { median, percentiles } from './lib/stats.ts';

const CALLS = Number(process.env.BENCH_CALLS ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
const log = (msg: string) => process.stderr.write(`[bench:jira-events] ${msg}\n`);

/** The health update each call made before the event log (connection.ts before it). */
const HEALTH_ONLY = `update connections set breaker_state = 'closed', breaker_failures = 0,
	breaker_open_until = null, status = 'healthy', last_checked_at = now(), last_ok_at = now()
	where kind = 'jira'`;

async function timeEach(n: number, run: (i: number) => Promise<unknown>): Promise<number[]> {
	const out: number[] = [];
	for (let i = 0; i < n; i++) {
		const t = performance.now();
		await run(i);
		out.push(performance.now() - t);
	}
	return out;
}

async function loggingCost(pool: pg.Pool) {
	const job = { queue: 'jira.sync-action', data: { ticketId: 'GEN-1' }, attempt: 1 };
	const logged = (i: number) =>
		recordOutcome(pool, DEFAULT_TUNING, null, {
			what: 'get issue',
			about: { issueKey: `OPS-${i}`, ticketId: 'GEN-1' },
			job,
			startedAt: new Date(),
			durationMs: 12,
			error: i % 10 === 0 ? new JiraError('not_found', 'Not found in Jira (404)') : null
		});
	const base: number[] = [];
	const withLog: number[] = [];
	await timeEach(50, () => pool.query(HEALTH_ONLY));
	await timeEach(50, logged);
	for (let r = 0; r < ROUNDS; r++) {
		base.push(median(await timeEach(CALLS, () => pool.query(HEALTH_ONLY))));
		withLog.push(median(await timeEach(CALLS, logged)));
		log(
			`round ${r + 1}: health only ${base.at(-1)!.toFixed(3)} ms, with log ${withLog.at(-1)!.toFixed(3)} ms`
		);
	}
	return { baseMs: median(base), loggedMs: median(withLog), ratio: median(withLog) / median(base) };
}

async function seed(pool: pg.Pool) {
	await pool.query(`delete from jira_deliveries`);
	// A month of traffic: a third inbound, a tenth polled, the rest calls; 2 % failed.
	await pool.query(
		`insert into jira_deliveries (direction, event, issue_key, ticket_id, body, status, outcome,
			attempts, duration_ms, received_at, processed_at)
		select d, case when d = 'outbound' then 'get issue' else 'jira:issue_updated' end,
			'OPS-' || (n % 5000), 'GEN-' || (n % 5000), case when d = 'outbound' then null else '{}'::jsonb end,
			case when n % 50 = 0 then 'failed' when n % 7 = 0 then 'ignored' else 'processed' end,
			case when n % 50 = 0 then 'Jira error 503' end, 1, (n % 400),
			now() - make_interval(secs => (n::float8 / $1) * 30 * 86400),
			now() - make_interval(secs => (n::float8 / $1) * 30 * 86400) + make_interval(secs => (n % 9))
		from generate_series(1, $1) n,
			lateral (select case when n % 3 = 0 then 'inbound' when n % 10 = 1 then 'poll' else 'outbound' end as d) x`,
		[EVENTS]
	);
	await pool.query(`analyze jira_deliveries`);
}

async function readsAtVolume(pool: pg.Pool) {
	const ids = (
		await pool.query(`select id from jira_deliveries order by random() limit 200`)
	).rows.map((r) => Number(r.id));
	const reads: [string, (i: number) => Promise<unknown>][] = [
		[
			'baseline: one row by id',
			(i) => pool.query(`select * from jira_deliveries where id = $1`, [ids[i % ids.length]])
		],
		['first page (50)', () => listEvents(pool, new URLSearchParams())],
		[
			'failed, one issue',
			() => listEvents(pool, new URLSearchParams({ state: 'failed', issue_key: 'OPS-1250' }))
		],
		['stats, last 24 h', () => eventStats(pool)],
		[
			'stats, 30 days',
			() => eventStats(pool, { from: new Date(Date.now() - 30 * 86_400_000).toISOString() })
		],
		['/metrics snapshot', () => eventMetrics(pool)]
	];
	const out: Record<string, { p50: number; p95: number }> = {};
	for (const [name, run] of reads) {
		await timeEach(5, run);
		const p = percentiles(await timeEach(SAMPLES, run));
		out[name] = { p50: p.p50, p95: p.p95 };
		log(`${name}: p50 ${p.p50.toFixed(2)} ms, p95 ${p.p95.toFixed(2)} ms`);
	}
	return out;
}

async function main() {
	const db = await startDatabase(process.env.BENCH_DATABASE_URL);
	try {
		const orm = await createOrm(db.url, ENTITIES, { poolMax: 1, timeouts: false });
		try {
			await orm.migrator.up();
		} finally {
			await orm.close(true);
		}
		const pool = benchPool(db.url, 4);
		try {
			await pool.query(
				`insert into connections (kind, status) values ('jira', 'healthy') on conflict (kind) do nothing`
			);
			log(`logging: ${ROUNDS} rounds × ${CALLS} statements each way`);
			const logging = await loggingCost(pool);
			log(`seeding ${EVENTS} events`);
			await seed(pool);
			const reads = await readsAtVolume(pool);
			const base = reads['baseline: one row by id']!.p50;
			console.log('\nJira event log');
			console.log(
				`  logging a call: ${logging.loggedMs.toFixed(3)} ms vs ${logging.baseMs.toFixed(3)} ms for the health update alone (×${logging.ratio.toFixed(2)})`
			);
			console.log(`  reads at ${EVENTS} rows (p50 / p95, ratio of p50 to a lookup by id):`);
			for (const [name, p] of Object.entries(reads))
				console.log(
					`    ${name.padEnd(26)} ${p.p50.toFixed(2).padStart(8)} / ${p.p95.toFixed(2).padStart(8)} ms  ×${(p.p50 / base).toFixed(1)}`
				);
			console.log(JSON.stringify({ events: EVENTS, logging, reads }));
		} finally {
			await pool.end();
		}
	} finally {
		await db.stop();
	}
}

await main();
