import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsDto, AnalyticsRange } from '../../src/lib/contracts/analytics.ts';
import { mergeAnalyticsChanges } from '../../src/lib/server/analytics/changes.ts';
import { analytics, rangeWindow } from '../../src/lib/server/analytics/queries.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startTestRuntime } from '../support/db.ts';
import { rng } from '../support/random.ts';
import { createTicket } from '../support/tickets.ts';

let rt: Runtime;
let other: pg.Client;
const NOW = new Date('2030-03-10T10:30:00Z');
const RANGES: AnalyticsRange[] = ['24h', '7d', '30d', '90d'];

const AGGREGATES = `count(*)::int as incidents,
	count(*) filter (where sla_status = 'Met')::int as met,
	count(*) filter (where sla_status = 'Breached')::int as breached,
	count(*) filter (where sla_status = 'Pending')::int as pending,
	round(percentile_cont(0.5) within group (order by ack_seconds))::int as mtta_p50,
	round(percentile_cont(0.9) within group (order by ack_seconds))::int as mtta_p90,
	round(percentile_cont(0.5) within group (order by mttr_seconds))::int as mttr_p50,
	round(percentile_cont(0.9) within group (order by mttr_seconds))::int as mttr_p90`;

type Row = Record<string, number | null>;
const sla = (r: Row) => ({
	met: r.met ?? 0,
	breached: r.breached ?? 0,
	pending: r.pending ?? 0,
	compliance: (r.met ?? 0) + (r.breached ?? 0) > 0 ? r.met! / (r.met! + r.breached!) : null
});
const spread = (r: Row, m: 'mtta' | 'mttr') => ({
	p50: r[`${m}_p50`] ?? null,
	p90: r[`${m}_p90`] ?? null
});

/** The figures recomputed from every ticket of the window, one aggregate query per list. */
async function recomputed(
	range: AnalyticsRange
): Promise<Omit<AnalyticsDto, 'jira'> & { jira: unknown }> {
	const w = rangeWindow(range, NOW);
	const win = [w.from, w.to];
	const where = 'created_at >= $1 and created_at < $2';
	const q = (sql: string, values: unknown[] = win) =>
		rt.pool.query(sql, values).then((r) => r.rows);
	const [[summary], buckets, pipelines, teams, jiraTeams] = await Promise.all([
		q(`select ${AGGREGATES}, count(*) filter (where priority = 'P1')::int as p1,
			count(*) filter (where status <> 'closed')::int as unresolved from tickets where ${where}`),
		q(
			`select extract(epoch from date_trunc($3, created_at, 'UTC'))::bigint * 1000 as start, ${AGGREGATES},
				count(*) filter (where priority = 'P1')::int as p1, count(*) filter (where priority = 'P2')::int as p2,
				count(*) filter (where priority = 'P3')::int as p3, count(*) filter (where priority = 'P4')::int as p4
			from tickets where ${where} group by 1`,
			[...win, w.unit]
		),
		q(`select pipeline, count(*)::int as incidents, sum(occurrences)::int as failures,
			count(*) filter (where sla_status = 'Breached')::int as breached, max(created_at) as last_at
			from tickets where ${where} group by pipeline order by incidents desc, failures desc, pipeline limit 10`),
		q(`select team, ${AGGREGATES} from tickets where ${where}
			group by team order by incidents desc, team nulls last limit 20`),
		q(`select team, count(*)::int as resolved, round(avg(jira_time_to_resolve_seconds))::int as avg_seconds,
			round(percentile_cont(0.5) within group (order by jira_time_to_resolve_seconds))::int as p50_seconds
			from tickets where ${where} and jira_time_to_resolve_seconds is not null
			group by team order by resolved desc, team nulls last limit 20`)
	]);
	const byStart = new Map(buckets.map((b) => [Number(b.start), b as Row]));
	return {
		range,
		unit: w.unit,
		from: w.from.toISOString(),
		to: w.to.toISOString(),
		summary: {
			incidents: summary.incidents,
			unresolved: summary.unresolved,
			p1: summary.p1,
			...sla(summary),
			mtta: spread(summary, 'mtta'),
			mttr: spread(summary, 'mttr')
		},
		buckets: w.starts.map((start) => {
			const b = byStart.get(start) ?? {};
			return {
				start: new Date(start).toISOString(),
				incidents: b.incidents ?? 0,
				by_priority: { P1: b.p1 ?? 0, P2: b.p2 ?? 0, P3: b.p3 ?? 0, P4: b.p4 ?? 0 },
				...sla(b),
				mtta: spread(b, 'mtta'),
				mttr: spread(b, 'mttr')
			};
		}),
		pipelines: pipelines.map((p) => ({ ...p, last_at: (p.last_at as Date).toISOString() })),
		teams: teams.map((t) => ({
			team: t.team,
			incidents: t.incidents,
			...sla(t),
			mtta_p50: t.mtta_p50
		})),
		jira: { statuses: [], teams: jiraTeams }
	};
}

async function expectExact(step: string) {
	for (const range of RANGES) {
		const kept = await analytics(rt.pool, range, NOW);
		expect({ step, ...kept }).toEqual({ step, ...(await recomputed(range)) });
	}
}

/**
 * Tickets over the 100 days before NOW (and a few after it), with few distinct durations, teams
 * and pipelines, so percentiles fall between equal and odd neighbours and ranks tie.
 */
const INSERT = `insert into tickets (id, source, dedup_key, format, pipeline, status, severity, priority,
		category, error_type, error_message, root_cause, confidence, sla_seconds, sla_deadline,
		sla_status, created_at, ack_seconds, mttr_seconds, team, occurrences, jira_time_to_resolve_seconds)
	select $1::text || g, 'generic', $1::text || g, 'generic', 'pl_' || ((g * 7 + $2) % 13), s, 'Low', p,
		'Configuration', 'MissingConfig', 'x', 'y', 'Low', 60, now(),
		(array['Met', 'Breached', 'Pending'])[(g + $2) % 3 + 1],
		$3::timestamptz - make_interval(secs => ((g * 7919 + $2 * 104729) % (101 * 86400)) - 86400),
		case when s <> 'open' then ((g * 31 + $2) % 9) * 45 + 1 end,
		case when s = 'closed' then ((g * 17 + $2) % 11) * 300 + 7 end,
		(array['sales', 'finance', 'ops', null])[(g + $2) % 4 + 1],
		1 + (g + $2) % 3,
		case when s = 'closed' and g % 3 = 0 then ((g + $2) % 5) * 1000 + 1 end
	from generate_series(1, $4::int) as g,
		lateral (select (array['open', 'in_progress', 'closed', 'closed'])[(g + $2) % 4 + 1] as s,
			(array['P1', 'P2', 'P3', 'P4'])[(g * 3 + $2) % 4 + 1] as p) as x`;

beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false, poolSize: 4 });
	other = new pg.Client(rt.databaseUrl);
	await other.connect();
	await rt.pool.query(INSERT, ['SEED-', 0, NOW, 3000]);
});

afterAll(async () => {
	await other?.end();
	await rt?.stop();
});

describe('analytics kept per hour and day', () => {
	it('equal a full recompute after every kind of ticket change, from any connection', async () => {
		const r = rng(20300310);
		await expectExact('seeded');
		const ids = async (n: number) =>
			(await rt.pool.query(`select id from tickets order by random() limit $1`, [n])).rows.map(
				(row) => row.id as string
			);
		const changes: [string, () => Promise<unknown>][] = [
			[
				'sla outcome',
				async () =>
					rt.pool.query(`update tickets set sla_status = $2 where id = any($1)`, [
						await ids(3),
						r.pick(['Met', 'Breached', 'Pending'])
					])
			],
			[
				'acknowledged and resolved, from another connection',
				async () =>
					other.query(
						`update tickets set status = 'closed', ack_seconds = $2, mttr_seconds = $3 where id = any($1)`,
						[await ids(2), r.int(400), r.int(4000)]
					)
			],
			[
				'moved to another day',
				async () =>
					other.query(
						`update tickets set created_at = created_at - make_interval(days => $2) where id = any($1)`,
						[await ids(4), r.int(40) - 10]
					)
			],
			[
				'moved by minutes across an hour',
				async () =>
					rt.pool.query(
						`update tickets set created_at = created_at + interval '37 minutes' where id = any($1)`,
						[await ids(5)]
					)
			],
			[
				'team, priority and pipeline',
				async () =>
					other.query(
						`update tickets set team = $2, priority = $3, pipeline = $4, occurrences = occurrences + 1
				where id = any($1)`,
						[
							await ids(3),
							r.pick(['sales', 'ops', null, 'new-team']),
							r.pick(['P1', 'P4']),
							`pl_${r.int(15)}`
						]
					)
			],
			[
				'Jira resolution time',
				async () =>
					rt.pool.query(`update tickets set jira_time_to_resolve_seconds = $2 where id = any($1)`, [
						await ids(3),
						r.pick([null, 1, 2500, 99_999])
					])
			],
			[
				'inserted in bulk by a script',
				async () => other.query(INSERT, [`S${r.int(1e9)}-`, r.int(50), NOW, 40])
			],
			[
				'deleted',
				async () => other.query(`delete from tickets where id = any($1)`, [await ids(3)])
			],
			[
				'committed late by a transaction begun before a read',
				async () => {
					await other.query('begin');
					await other.query(
						`update tickets set sla_status = 'Breached', ack_seconds = 7 where id = any($1)`,
						[await ids(2)]
					);
					await analytics(rt.pool, '90d', NOW);
					await other.query('commit');
				}
			],
			['folded into slot 0', () => mergeAnalyticsChanges(rt.pool)]
		];
		for (let round = 0; round < 30; round++) {
			const [name, change] = r.pick(changes);
			await change();
			await expectExact(`round ${round}: ${name}`);
		}
		// And through Vigil's own ingest: a new incident now.
		await createTicket(rt, { pipeline: 'pl_live' });
		const now = new Date();
		const live = await analytics(rt.pool, '24h', now);
		expect(live.pipelines.map((p) => p.pipeline)).toContain('pl_live');
	});

	it('leave the kept figures alone for a write to a column they do not read', async () => {
		await analytics(rt.pool, '90d', NOW);
		const counts = async () =>
			(
				await rt.pool.query(
					`select hour, sum(changes)::text as n from analytics_changes group by hour order by hour`
				)
			).rows;
		const before = await counts();
		await other.query(`update tickets set slack_status = 'pending', updated_at = now()`);
		expect(await counts()).toEqual(before);
	});

	it('empty out when the tickets are truncated', async () => {
		await analytics(rt.pool, '90d', NOW);
		await other.query(`truncate tickets cascade`);
		await expectExact('truncated');
		expect((await analytics(rt.pool, '90d', NOW)).summary.incidents).toBe(0);
	});
});
