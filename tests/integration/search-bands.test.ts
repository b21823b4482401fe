import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTickets } from '../../src/lib/server/tickets/queries.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startTestRuntime } from '../support/db.ts';

let rt: Runtime;

// Ages in hours, newest first: ahead of the clock, today, either side of the 7- and 63-day
// bands a search reads in turn, and a year back; several tickets share an instant.
const AGES = [-5, 0, 0, 1, 167.9, 168, 168.1, 170, 1000, 1511.9, 1512, 1512.1, 3000, 8760, 8760];

beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false, poolSize: 4 });
	await rt.pool.query(
		`insert into tickets (id, source, dedup_key, format, pipeline, status, severity, priority,
			category, error_type, error_message, root_cause, confidence, sla_seconds, sla_deadline, created_at)
		select 'GEN-BAND-' || lpad(g::text, 3, '0'), 'generic', 'band:' || g, 'generic',
			case when g % 3 = 0 then 'pl_other.load' else 'pipeline_' || (g % 2) || '.load_orders' end,
			'closed', 'Low', 'P4', 'Configuration', 'MissingConfig', 'x', 'y', 'Low', 60, now(),
			date_trunc('second', now()) - make_interval(secs => ($1::float8[])[g] * 3600)
		from generate_series(1, $2::int) as g`,
		[AGES, AGES.length]
	);
});
afterAll(async () => rt?.stop());

async function walk(q: string, limit: number): Promise<string[]> {
	const ids: string[] = [];
	let cursor: string | null = null;
	do {
		const params = new URLSearchParams({ q, limit: String(limit), ...(cursor ? { cursor } : {}) });
		const page = await listTickets(rt.pool, params);
		ids.push(...page.items.map((t) => t.id));
		cursor = page.next_cursor;
	} while (cursor);
	return ids;
}

describe('a search, newest first', () => {
	it('lists every match once in order on every page size, across months', async () => {
		for (const q of ['pipeline_1', 'pipeline', 'load', 'pl_other']) {
			const expected = (
				await rt.pool.query(
					`select id from tickets where pipeline like $1 order by created_at desc, id desc`,
					[q === 'load' ? '%load%' : `${q.replace(/_/g, '\\_')}%`]
				)
			).rows.map((r) => r.id as string);
			expect(expected.length, q).toBeGreaterThan(3);
			for (const limit of [1, 2, 4, 50])
				expect(await walk(q, limit), `${q} by ${limit}`).toEqual(expected);
		}
	});
});
