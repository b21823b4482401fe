/**
 * A backlog of offline triage: `count` pending tickets and their
 * `triage.analyze` jobs, enqueued in one statement (as a restart after an
 * outage finds them), then timed until the last job completed.
 */
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { seedTickets } from './seed.ts';
import { waitForTriageIdle } from './triage-delay.ts';

export interface BacklogOutcome {
	jobs: number;
	/** First job created → last job completed (database clock), ms; null if it did not finish. */
	drainMs: number | null;
	jobsPerSecond: number | null;
	/** Tickets whose triage is still pending afterwards: each is a lost job. */
	stillPending: number;
}

export async function runBacklog(
	pool: pg.Pool,
	boss: PgBoss,
	count: number,
	timeoutMs: number
): Promise<BacklogOutcome> {
	const tag = `b${Date.now().toString(36)}`;
	const ids = await seedTickets(pool, { count, tag, shape: 'pending', chunk: count });
	// One insert, one NOTIFY: the workers see the whole backlog at once.
	await boss.insert(
		'triage.analyze',
		ids.map((ticketId) => ({ data: { ticketId } }))
	);
	const waited = await waitForTriageIdle(pool, timeoutMs);
	const r = await pool.query<{ ms: number | null; n: string }>(
		`select extract(epoch from max(completed_on) - min(created_on)) * 1000 as ms, count(*) as n
		 from pgboss.job where name = 'triage.analyze' and data->>'ticketId' = any($1::text[])
		 and state = 'completed'`,
		[ids]
	);
	const pending = await pool.query<{ n: string }>(
		`select count(*) as n from tickets where id = any($1::text[]) and triage_status = 'pending'`,
		[ids]
	);
	const done = Number(r.rows[0]?.n ?? 0);
	const ms = waited === null || done < ids.length ? null : Number(r.rows[0]?.ms);
	return {
		jobs: ids.length,
		drainMs: ms,
		jobsPerSecond: ms === null ? null : ids.length / (ms / 1000),
		stillPending: Number(pending.rows[0]?.n ?? 0)
	};
}
