import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	listTickets,
	parseTicketFilters,
	ticketListSql
} from '../../src/lib/server/tickets/queries.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startTestRuntime } from '../support/db.ts';

let rt: Runtime;
const N = 100_000;

/**
 * A year of tickets as a real board has them: priority follows severity, open tickets are
 * still Pending, resolved ones Met or Breached. Three P4 tickets were raised to Critical by hand.
 */
beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false, poolSize: 4 });
	// Its own connection: the app pool cuts statements off after seconds (db/pool.ts).
	const dba = new pg.Client(rt.databaseUrl);
	await dba.connect();
	await dba.query(
		`insert into tickets (id, source, dedup_key, format, pipeline, status, severity, priority,
			category, error_type, error_message, root_cause, confidence, sla_seconds, sla_deadline,
			sla_status, created_at)
		select 'GEN-FLT-' || lpad(g::text, 6, '0'), (array['adf', 'databricks', 'generic'])[g % 3 + 1],
			'flt:' || g, 'generic', 'pl_' || (g % 97), st, sev,
			case when g in (500, 50000, 99000) then 'P4'
				else (array['P1', 'P2', 'P3', 'P4'])[array_position(array['Critical', 'High', 'Medium', 'Low'], sev)] end,
			'Configuration', 'MissingConfig', 'x', 'y', 'Low', 3600, now(),
			case when st = 'closed' then (array['Met', 'Breached'])[g % 7 / 6 + 1] else 'Pending' end,
			now() - make_interval(secs => (${N} - g) * 300)
		from generate_series(1, ${N}) as g,
			lateral (select case when g % 25 = 0 then 'open' when g % 50 = 1 then 'in_progress' else 'closed' end as st,
				case when g in (500, 50000, 99000) then 'Critical'
					else (array['Critical', 'High', 'Medium', 'Medium', 'Low'])[g % 5 + 1] end as sev) as x`
	);
	await dba.query('analyze tickets');
	await dba.end();
});
afterAll(async () => rt?.stop());

/** Pages of the table and its indexes the list query reads (EXPLAIN's shared buffers). */
async function pagesRead(params: Record<string, string>): Promise<number> {
	const { text, values } = ticketListSql(parseTicketFilters(new URLSearchParams(params)));
	const r = await rt.pool.query(`explain (analyze, buffers, format json) ${text}`, values);
	const plan = r.rows[0]['QUERY PLAN'][0].Plan as Record<string, number>;
	return (plan['Shared Hit Blocks'] ?? 0) + (plan['Shared Read Blocks'] ?? 0);
}

describe('filters that match nothing, or almost nothing, at 100,000 tickets', () => {
	it('answers an empty combination without reading what each filter matches', async () => {
		const none: Record<string, string>[] = [
			{ priority: 'P4', severity: 'High' }, // 20,000 P4 and 20,000 High tickets, none both
			{ status: 'open', sla_status: 'Met' }, // 4,000 open tickets, 84,000 Met
			{ status: 'in_progress', sla_status: 'Breached', source: 'adf' },
			{ priority: 'P1', severity: 'Low', sort: 'urgency' }
		];
		for (const filters of none) {
			const page = await listTickets(rt.pool, new URLSearchParams(filters));
			expect(page.items, JSON.stringify(filters)).toEqual([]);
			// Reading the smaller filter's matches alone takes hundreds of pages.
			expect(await pagesRead(filters), JSON.stringify(filters)).toBeLessThan(200);
		}
	});

	it('finds the few tickets of a rare combination, newest first, the same way', async () => {
		const filters = { priority: 'P4', severity: 'Critical' };
		const page = await listTickets(rt.pool, new URLSearchParams(filters));
		expect(page.items.map((t) => t.id)).toEqual([
			'GEN-FLT-099000',
			'GEN-FLT-050000',
			'GEN-FLT-000500'
		]);
		expect(page.next_cursor).toBeNull();
		expect(await pagesRead(filters)).toBeLessThan(200);
	});
});
