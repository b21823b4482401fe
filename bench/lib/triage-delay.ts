/**
 * How long a triage job waits between being enqueued (inside the ingest
 * transaction; pg-boss sets created_on) and a worker starting it (started_on),
 * read from pg-boss's own job table so both ends use the database clock.
 */
import type pg from 'pg';

const JOBS = 'pgboss.job';
const QUEUE = 'triage.analyze';

export interface TriageJob {
	ticketId: string;
	createdMs: number;
	startedMs: number | null;
	state: string;
}

const SELECT = `select data->>'ticketId' as "ticketId", extract(epoch from created_on) * 1000 as "createdMs",
	extract(epoch from started_on) * 1000 as "startedMs", state::text as state from ${JOBS} where name = '${QUEUE}'`;

function toJobs(rows: Record<string, unknown>[]): TriageJob[] {
	return rows.map((r) => ({
		ticketId: String(r.ticketId),
		createdMs: Number(r.createdMs),
		startedMs: r.startedMs === null ? null : Number(r.startedMs),
		state: String(r.state)
	}));
}

/** Waits until no triage job is queued, retrying or running; returns how long that took (ms), or null on timeout. */
export async function waitForTriageIdle(pool: pg.Pool, timeoutMs: number): Promise<number | null> {
	const start = performance.now();
	while (performance.now() - start < timeoutMs) {
		const r = await pool.query<{ n: string }>(
			`select count(*) as n from ${JOBS} where name = $1 and state in ('created', 'retry', 'active')`,
			[QUEUE]
		);
		if (r.rows[0]?.n === '0') return performance.now() - start;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	return null;
}

/** Triage jobs enqueued within [fromMs, toMs) (epoch ms). */
export async function triageJobsBetween(
	pool: pg.Pool,
	fromMs: number,
	toMs: number
): Promise<TriageJob[]> {
	const r = await pool.query(
		`${SELECT} and created_on >= to_timestamp($1::float8 / 1000) and created_on < to_timestamp($2::float8 / 1000)`,
		[fromMs, toMs]
	);
	return toJobs(r.rows);
}

export async function triageJobsFor(pool: pg.Pool, ticketIds: string[]): Promise<TriageJob[]> {
	const r = await pool.query(`${SELECT} and data->>'ticketId' = any($1::text[])`, [ticketIds]);
	return toJobs(r.rows);
}

/** started_on − created_on of every started job, in ms. */
export function queueDelays(jobs: TriageJob[]): number[] {
	return jobs.filter((j) => j.startedMs !== null).map((j) => j.startedMs! - j.createdMs);
}

/**
 * Waits for the triage backlog a sample left to clear before the next one; returns the time
 * taken (ms), or null past `timeoutMs`. Nothing wakes the workers here: with no webhooks
 * arriving no NOTIFY comes, and a backlog must drain through the workers' own burst fetching
 * (jobs/boss.ts work()), not at one job per worker per backstop poll.
 */
export async function drainTriage(pool: pg.Pool, timeoutMs: number): Promise<number | null> {
	return waitForTriageIdle(pool, timeoutMs);
}
