import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBoss, work } from '../../src/lib/server/jobs/boss.ts';
import { createTestDatabase } from '../support/db.ts';
import { eventually } from '../support/tickets.ts';

// A queue of the real map (its options, its NOTIFY); nothing else works on it in this file.
const QUEUE = 'triage.analyze';

let boss: PgBoss;
let pool: pg.Pool;
beforeAll(async () => {
	const url = await createTestDatabase();
	boss = await startBoss(url);
	pool = new pg.Pool({ connectionString: url, max: 2 });
});
afterAll(async () => {
	await boss?.stop({ graceful: false, close: true });
	await pool?.end();
});

interface JobRow {
	ticketId: string;
	state: string;
	startedMs: number | null;
}

async function jobsOf(prefix: string): Promise<JobRow[]> {
	const r = await pool.query<JobRow>(
		`select data->>'ticketId' as "ticketId", state::text as state,
			extract(epoch from started_on) * 1000 as "startedMs"
		 from pgboss.job where name = $1 and data->>'ticketId' like $2 order by started_on`,
		[QUEUE, `${prefix}%`]
	);
	return r.rows.map((j) => ({
		...j,
		startedMs: j.startedMs === null ? null : Number(j.startedMs)
	}));
}

describe('work(): batches worked back to back', () => {
	it('works a backlog without waiting for a poll between fetches, and settles each job of a batch on its own', async () => {
		const handled: string[] = [];
		await work(
			boss,
			QUEUE,
			async (data) => {
				handled.push(data.ticketId);
				if (data.ticketId === 'backlog-007') throw new Error('this one fails');
			},
			{ localConcurrency: 2, batchSize: 4 }
		);
		// 120 jobs in one insert: one NOTIFY, then nothing else wakes the workers.
		await boss.insert(
			QUEUE,
			Array.from({ length: 120 }, (_, i) => ({
				data: { ticketId: `backlog-${String(i).padStart(3, '0')}` },
				retryDelay: 60
			}))
		);
		const jobs = await eventually(
			() => jobsOf('backlog-'),
			(rows) =>
				rows.length === 120 && rows.every((j) => j.state !== 'created' && j.state !== 'active'),
			30_000
		);

		expect(new Set(handled).size).toBe(120);
		// The failing job is retried alone; its batch's other jobs completed.
		const failed = jobs.filter((j) => j.state !== 'completed');
		expect(failed.map((j) => [j.ticketId, j.state])).toEqual([['backlog-007', 'retry']]);
		// Waiting for a poll shows as a gap of ≥ 2 s (pollingIntervalSeconds) between starts.
		const starts = jobs.map((j) => j.startedMs!).sort((a, b) => a - b);
		const gaps = starts.slice(1).map((s, i) => s - starts[i]!);
		expect(Math.max(...gaps)).toBeLessThan(1500);
	});
});
