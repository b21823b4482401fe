/**
 * `npm run bench:analytics`: what the Jira metrics add to the analytics page's
 * queries. The same analytics() call over the same seeded year of tickets, first
 * without any Jira status history (the baseline: the status query finds nothing)
 * and then with every ticket's issue history stored, alternating per
 * round; the ratio says what time in Jira status and Jira resolution time per
 * team cost, and the absolute figures are held against the 5 s query deadline.
 * A ticket is changed before each timed call, as happens between two calls on a busy
 * day: analytics reads again the figures of the day that ticket was created on (it keeps
 * the others) and, kept or not, the Jira status times.
 *
 * ANALYTICS_BENCH_TICKETS (100000) over 365 days, ANALYTICS_BENCH_STAYS (5) status
 * stays per ticket, ANALYTICS_BENCH_ROUNDS (5), range 90d (the widest);
 * BENCH_DATABASE_URL (a throwaway database) else an embedded cluster; BENCH_JSON=1.
 */
import type { AnalyticsRange } from '#lib/contracts/analytics.ts';
import { analytics } from '#lib/server/analytics/queries.ts';
import { ENTITIES } from '#lib/server/entities.ts';
import { createOrm, migrate } from '#lib/server/db/orm.ts';
import { installCleanupHandlers, removeTempDirs } from './lib/cleanup.ts';
import { benchPool, databaseFacts, startDatabase } from './lib/database.ts';
import { seedTickets } from './lib/seed.ts';
import { median } from './lib/stats.ts';

const env = process.env;
const TICKETS = Number(env.ANALYTICS_BENCH_TICKETS ?? 100_000);
const STAYS = Number(env.ANALYTICS_BENCH_STAYS ?? 5);
const ROUNDS = Number(env.ANALYTICS_BENCH_ROUNDS ?? 5);
const RANGE: AnalyticsRange = '90d';
const BUDGET_MS = 5000;
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

installCleanupHandlers();
const db = await startDatabase(env.BENCH_DATABASE_URL);
try {
	const orm = await createOrm(db.url, ENTITIES, 2);
	await migrate(orm);
	await orm.close(true);
	const pool = benchPool(db.url, 4);
	log(`seeding ${TICKETS} tickets over a year`);
	await seedTickets(pool, { count: TICKETS, tag: `a${Date.now() % 100000}`, shape: 'year' });

	// A history like a real workflow's: To Do, In Progress, back to To Do now and then,
	// In Progress, Done (the last stay open), from the ticket's own creation.
	const storeHistories = () =>
		pool.query(
			`insert into jira_status_intervals (ticket_id, seq, status, category, entered_at, left_at)
			select t.id, s, (array['To Do', 'In Progress', 'In Review', 'To Do', 'Done'])[s % 5 + 1],
				(array['new', 'indeterminate', 'indeterminate', 'new', 'done'])[s % 5 + 1],
				t.created_at + make_interval(secs => s * 600),
				case when s < $1 - 1 then t.created_at + make_interval(secs => (s + 1) * 600) end
			from tickets t, generate_series(0, $1 - 1) as s`,
			[STAYS]
		);
	// Set once: rewriting every ticket each round would bloat the table under the baseline.
	await pool.query(
		`update tickets set jira_time_to_resolve_seconds = mttr_seconds where status = 'closed'`
	);
	await pool.query('vacuum analyze tickets');
	const clear = () => pool.query(`truncate jira_status_intervals`);

	// analytics() keeps each day's figures until a ticket of that day changes: one changed value
	// makes each timed call read that day again.
	const firstId = (await pool.query(`select min(id) as id from tickets`)).rows[0].id as string;
	const touch = () =>
		pool.query(
			`update tickets set jira_time_to_resolve_seconds = coalesce(jira_time_to_resolve_seconds, 0) + 1
			where id = $1`,
			[firstId]
		);
	const time = async () => {
		await touch();
		const t = performance.now();
		await analytics(pool, RANGE);
		return performance.now() - t;
	};
	const baseline: number[] = [];
	const withJira: number[] = [];
	for (let round = 0; round < ROUNDS; round++) {
		await clear();
		await time(); // warm
		baseline.push(await time());
		await storeHistories();
		await pool.query('vacuum analyze jira_status_intervals');
		await time();
		withJira.push(await time());
		log(
			`round ${round + 1}: baseline ${baseline.at(-1)!.toFixed(0)} ms, with Jira ${withJira.at(-1)!.toFixed(0)} ms`
		);
	}
	const facts = await databaseFacts(pool);
	const b = median(baseline);
	const j = median(withJira);
	const result = {
		tickets: TICKETS,
		stays_per_ticket: STAYS,
		range: RANGE,
		rounds: ROUNDS,
		baseline_ms_median: Math.round(b),
		with_jira_ms_median: Math.round(j),
		ratio: Number((j / b).toFixed(2)),
		budget_ms: BUDGET_MS,
		share_of_budget: Number((j / BUDGET_MS).toFixed(3)),
		database: { kind: db.kind, ...facts }
	};
	if (env.BENCH_JSON === '1') process.stdout.write(`${JSON.stringify(result)}\n`);
	else
		process.stdout.write(
			`analytics ${RANGE} over ${TICKETS} tickets (${STAYS} Jira stays each), median of ${ROUNDS}:\n` +
				`  without Jira history ${result.baseline_ms_median} ms · with ${result.with_jira_ms_median} ms · ratio ${result.ratio}\n` +
				`  ${(result.share_of_budget * 100).toFixed(1)} % of the ${BUDGET_MS} ms query deadline\n`
		);
	await pool.end();
} finally {
	await db.stop();
	removeTempDirs();
}
