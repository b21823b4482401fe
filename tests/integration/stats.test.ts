import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleWebhook } from '../../src/lib/server/http/webhooks.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { acknowledge, markBreached, resolve } from '../../src/lib/server/tickets/lifecycle.ts';
import { mergeCounters, ticketStats } from '../../src/lib/server/tickets/queries.ts';
import { startTestRuntime } from '../support/db.ts';
import { webhookRequest } from '../support/http.ts';

let rt: Runtime;
const DANA = { name: 'Dana', source: 'dashboard' as const };

/** What the counters must always equal: the aggregate over every ticket and audit entry. */
async function counted(pool: pg.Pool) {
	const r = await pool.query(`select
		count(*) filter (where status = 'open' and incident_id is null)::int as open,
		count(*) filter (where status = 'in_progress' and incident_id is null)::int as in_progress,
		count(*) filter (where status = 'closed' and incident_id is null)::int as closed,
		count(*) filter (where sla_status = 'Breached')::int as sla_breached,
		count(*) filter (
			where status = 'open' and incident_id is null
				and (sla_status = 'Breached' or sla_deadline <= now())
		)::int as open_breached,
		round(avg(ack_seconds))::int as mtta_seconds,
		round(avg(mttr_seconds))::int as mttr_seconds,
		(select count(*) from audit_log)::int as total_audits
	from tickets`);
	return r.rows[0];
}

async function post(run: string) {
	const body = {
		source: 'airflow',
		pipeline: `pl_stats_${run}`,
		run_id: run,
		error_message: 'boom'
	};
	const res = await handleWebhook(rt, 'generic', webhookRequest('generic', body), null);
	expect(res.status).toBe(201);
	return ((await res.json()) as { ticket_id: string }).ticket_id;
}

beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false, poolSize: 4 });
});

afterAll(async () => {
	await rt?.stop();
});

describe('board counts kept by the database', () => {
	it('equal the aggregate over every ticket through ingest, actions, raw SQL and merges', async () => {
		expect(await ticketStats(rt.pool)).toEqual(await counted(rt.pool));

		const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => post(`run-${i}`)));
		expect(await ticketStats(rt.pool)).toEqual(await counted(rt.pool));

		await acknowledge(rt.pool, ids[0]!, DANA);
		await acknowledge(rt.pool, ids[1]!, DANA);
		await resolve(rt.pool, ids[1]!, DANA);
		await resolve(rt.pool, ids[2]!, DANA);
		await markBreached(rt.pool, ids[3]!);
		expect(await ticketStats(rt.pool)).toMatchObject({ in_progress: 1, closed: 2 });
		expect(await ticketStats(rt.pool)).toEqual(await counted(rt.pool));

		// Changes made outside Vigil count too: grouping under an incident, a deadline passing,
		// a bulk insert, a delete, each from a connection of its own (its own counter row).
		const other = new pg.Client(rt.databaseUrl);
		await other.connect();
		try {
			await other.query(`update tickets set incident_id = $1 where id = any($2)`, [
				ids[4],
				[ids[5], ids[6]]
			]);
			await other.query(
				`update tickets set sla_deadline = now() - interval '1 minute' where id = $1`,
				[ids[7]]
			);
			await other.query(`insert into tickets (id, source, dedup_key, format, pipeline, status, severity,
					priority, category, error_type, error_message, root_cause, confidence, sla_seconds,
					sla_deadline, sla_status, ack_seconds, mttr_seconds)
				select 'GEN-SQL-' || g, 'generic', 'sql:' || g, 'generic', 'pl_sql', 'closed', 'Low', 'P4',
					'Configuration', 'MissingConfig', 'x', 'y', 'Low', 60, now(), 'Met', g * 10, g * 100
				from generate_series(1, 5) as g`);
			await other.query(`delete from tickets where id = $1`, [ids[8]]);
			await other.query(`begin`);
			await other.query(`update tickets set status = 'closed' where id = $1`, [ids[9]]);
			// Uncommitted: counted by no one until it commits, then by everyone.
			expect(await ticketStats(rt.pool)).toEqual(await counted(rt.pool));
			await other.query(`commit`);
		} finally {
			await other.end();
		}
		expect(await ticketStats(rt.pool)).toMatchObject({ closed: 8 });
		expect(await ticketStats(rt.pool)).toEqual(await counted(rt.pool));

		const slots = async () =>
			Number((await rt.pool.query(`select count(*) as n from ticket_counters`)).rows[0].n);
		expect(await slots()).toBeGreaterThan(1);
		const before = await ticketStats(rt.pool);
		await mergeCounters(rt.pool);
		expect(await slots()).toBe(1);
		expect(await ticketStats(rt.pool)).toEqual(before);
	});

	it('leave out a statement that changes nothing they count', async () => {
		const rows = async () =>
			(await rt.pool.query(`select slot, open, audits from ticket_counters order by slot`)).rows;
		await mergeCounters(rt.pool);
		const before = await rows();
		await rt.pool.query(`update tickets set slack_status = 'pending' where status = 'open'`);
		expect(await rows()).toEqual(before);
	});
});
