import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analytics, parseRange, rangeWindow } from '../../src/lib/server/analytics/queries.ts';
import { ApiError } from '../../src/lib/server/errors.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startTestRuntime } from '../support/db.ts';
import { createTicket } from '../support/tickets.ts';

let rt: Runtime;
const NOW = new Date('2030-06-15T10:30:00Z');

interface History {
	pipeline: string;
	created: string;
	priority: 'P1' | 'P2' | 'P3' | 'P4';
	team?: string;
	sla: 'Pending' | 'Met' | 'Breached';
	ack?: number;
	mttr?: number;
	occurrences?: number;
}

/** A ticket made through the webhook, then moved back in time as if it had happened then. */
async function incident(h: History): Promise<string> {
	const t = await createTicket(rt, { pipeline: h.pipeline });
	const created = new Date(h.created);
	const at = (s: number | undefined) => (s === undefined ? null : new Date(+created + s * 1000));
	await rt.pool.query(
		`update tickets set created_at = $2, priority = $3, team = $4, sla_status = $5,
			acknowledged_at = $6, ack_seconds = $7, resolved_at = $8, mttr_seconds = $9,
			status = $10, occurrences = $11
		where id = $1`,
		[
			t.id,
			created,
			h.priority,
			h.team ?? null,
			h.sla,
			at(h.ack),
			h.ack ?? null,
			at(h.mttr),
			h.mttr ?? null,
			h.mttr !== undefined ? 'closed' : h.ack !== undefined ? 'in_progress' : 'open',
			h.occurrences ?? 1
		]
	);
	return t.id;
}

beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false });
	const sales = { pipeline: 'pl_sales_daily', team: 'sales' };
	// Today (UTC) 2030-06-15, inside the last 24 hours.
	await incident({
		...sales,
		created: '2030-06-15T09:10:00Z',
		priority: 'P1',
		sla: 'Met',
		ack: 60,
		mttr: 600,
		occurrences: 3
	});
	await incident({
		...sales,
		created: '2030-06-15T02:00:00Z',
		priority: 'P2',
		sla: 'Breached',
		ack: 2000,
		mttr: 4000
	});
	await incident({
		pipeline: 'dag_orders.load',
		created: '2030-06-15T00:30:00Z',
		priority: 'P3',
		sla: 'Pending'
	});
	// One second too old for the last 24 hours, still in the last 7 days.
	await incident({
		pipeline: 'pl_edge',
		created: '2030-06-14T10:59:59Z',
		priority: 'P4',
		sla: 'Pending'
	});
	// Two days ago.
	await incident({
		pipeline: 'pl_sales_daily',
		team: 'finance',
		created: '2030-06-13T12:00:00Z',
		priority: 'P1',
		sla: 'Met',
		ack: 120,
		mttr: 1200
	});
	await incident({
		pipeline: 'nb_churn_features',
		created: '2030-06-13T23:59:59Z',
		priority: 'P4',
		sla: 'Met',
		ack: 300
	});
	// Outside 7 days, inside 30; outside 30, inside 90; and after the window.
	await incident({
		pipeline: 'pl_old',
		created: '2030-06-07T08:00:00Z',
		priority: 'P2',
		sla: 'Breached'
	});
	await incident({
		pipeline: 'pl_older',
		created: '2030-05-05T08:00:00Z',
		priority: 'P3',
		sla: 'Met',
		ack: 10
	});
	await incident({
		pipeline: 'pl_future',
		created: '2030-06-16T00:00:00Z',
		priority: 'P1',
		sla: 'Pending'
	});
});
afterAll(async () => rt?.stop());

describe('time range', () => {
	it('defaults to 7 days and refuses an unknown range, naming the parameter', () => {
		expect(parseRange(null)).toBe('7d');
		expect(parseRange('')).toBe('7d');
		expect(parseRange('90d')).toBe('90d');
		const err = (() => {
			try {
				return parseRange('1y');
			} catch (e) {
				return e;
			}
		})() as ApiError;
		expect(err).toBeInstanceOf(ApiError);
		expect(err.status).toBe(400);
		expect(err.message).toBe('range must be one of 24h, 7d, 30d, 90d');
		expect(err.details).toEqual([{ field: 'range', message: err.message }]);
	});

	it('covers whole UTC hours or days ending with the current one', () => {
		const day = rangeWindow('7d', NOW);
		expect(day.unit).toBe('day');
		expect(day.from.toISOString()).toBe('2030-06-09T00:00:00.000Z');
		expect(day.to.toISOString()).toBe('2030-06-16T00:00:00.000Z');
		expect(day.starts).toHaveLength(7);
		const hour = rangeWindow('24h', NOW);
		expect(hour.unit).toBe('hour');
		expect(hour.from.toISOString()).toBe('2030-06-14T11:00:00.000Z');
		expect(hour.to.toISOString()).toBe('2030-06-15T11:00:00.000Z');
		expect(rangeWindow('90d', NOW).starts).toHaveLength(90);
	});
});

describe('analytics over the last 7 days', () => {
	it('sums incidents, SLA outcomes and response-time percentiles', async () => {
		const a = await analytics(rt.pool, '7d', NOW);
		expect(a.summary).toEqual({
			incidents: 6,
			unresolved: 3,
			p1: 2,
			met: 3,
			breached: 1,
			pending: 2,
			// Pending incidents have no outcome yet: 3 met of 4 decided.
			compliance: 0.75,
			// ack 60, 120, 300, 2000 → median 210, p90 300 + 0.7 × 1700.
			mtta: { p50: 210, p90: 1490 },
			// mttr 600, 1200, 4000 → median 1200, p90 1200 + 0.8 × 2800.
			mttr: { p50: 1200, p90: 3440 }
		});
	});

	it('gives one bucket per day, empty days included, stacked by priority', async () => {
		const a = await analytics(rt.pool, '7d', NOW);
		expect(a.buckets.map((b) => b.start.slice(0, 10))).toEqual([
			'2030-06-09',
			'2030-06-10',
			'2030-06-11',
			'2030-06-12',
			'2030-06-13',
			'2030-06-14',
			'2030-06-15'
		]);
		expect(a.buckets.map((b) => b.incidents)).toEqual([0, 0, 0, 0, 2, 1, 3]);
		const today = a.buckets[6]!;
		expect(today.by_priority).toEqual({ P1: 1, P2: 1, P3: 1, P4: 0 });
		expect(today).toMatchObject({ met: 1, breached: 1, pending: 1, compliance: 0.5 });
		expect(today.mtta).toEqual({ p50: 1030, p90: 1806 });
		expect(today.mttr).toEqual({ p50: 2300, p90: 3660 });
		const twoDaysAgo = a.buckets[4]!;
		expect(twoDaysAgo.by_priority).toEqual({ P1: 1, P2: 0, P3: 0, P4: 1 });
		expect(twoDaysAgo.compliance).toBe(1);
		expect(twoDaysAgo.mttr).toEqual({ p50: 1200, p90: 1200 });
		expect(a.buckets[5]).toMatchObject({ compliance: null, pending: 1, mtta: { p50: null } });
		expect(a.buckets[0]).toMatchObject({ incidents: 0, compliance: null, mttr: { p90: null } });
	});

	it('ranks failing pipelines and teams', async () => {
		const a = await analytics(rt.pool, '7d', NOW);
		expect(a.pipelines.map((p) => [p.pipeline, p.incidents, p.failures, p.breached])).toEqual([
			['pl_sales_daily', 3, 5, 1],
			['dag_orders.load', 1, 1, 0],
			['nb_churn_features', 1, 1, 0],
			['pl_edge', 1, 1, 0]
		]);
		expect(a.pipelines[0]!.last_at).toBe('2030-06-15T09:10:00.000Z');
		expect(
			a.teams.map((t) => [t.team, t.incidents, t.met, t.breached, t.compliance, t.mtta_p50])
		).toEqual([
			[null, 3, 1, 0, 1, 300],
			['sales', 2, 1, 1, 0.5, 1030],
			['finance', 1, 1, 0, 1, 120]
		]);
	});
});

describe('other ranges', () => {
	it('counts the last 24 hours by the hour', async () => {
		const a = await analytics(rt.pool, '24h', NOW);
		expect(a.unit).toBe('hour');
		expect(a.buckets).toHaveLength(24);
		expect(a.summary.incidents).toBe(3);
		const busy = a.buckets.filter((b) => b.incidents > 0).map((b) => b.start);
		expect(busy).toEqual([
			'2030-06-15T00:00:00.000Z',
			'2030-06-15T02:00:00.000Z',
			'2030-06-15T09:00:00.000Z'
		]);
	});

	it('widens to 30 and 90 days, never counting what comes after the window', async () => {
		expect((await analytics(rt.pool, '30d', NOW)).summary.incidents).toBe(7);
		const quarter = await analytics(rt.pool, '90d', NOW);
		expect(quarter.summary.incidents).toBe(8);
		expect(quarter.pipelines.map((p) => p.pipeline)).not.toContain('pl_future');
	});

	it('answers an empty range with zeros and no percentages', async () => {
		const a = await analytics(rt.pool, '24h', new Date('2031-01-01T00:00:00Z'));
		expect(a.summary).toMatchObject({ incidents: 0, compliance: null, mtta: { p50: null } });
		expect(a.buckets.every((b) => b.incidents === 0)).toBe(true);
		expect(a.pipelines).toEqual([]);
		expect(a.teams).toEqual([]);
	});
});

describe('figures kept between calls', () => {
	it('change as soon as a ticket in the window changes, whoever changed it', async () => {
		const before = await analytics(rt.pool, '7d', NOW);
		expect(await analytics(rt.pool, '7d', NOW)).toEqual(before);
		const other = new pg.Client(rt.databaseUrl);
		await other.connect();
		try {
			// Bookkeeping the analytics do not read leaves the figures as they were.
			await other.query(`update tickets set slack_status = 'pending'`);
			expect(await analytics(rt.pool, '7d', NOW)).toEqual(before);
			// An SLA outcome changed by another connection (another instance, a script) shows at once.
			await other.query(
				`update tickets set sla_status = 'Breached' where sla_status = 'Met'
					and created_at >= '2030-06-09T00:00:00Z'`
			);
		} finally {
			await other.end();
		}
		const after = await analytics(rt.pool, '7d', NOW);
		expect(after.summary).toMatchObject({ met: 0, breached: 4, compliance: 0 });
	});
});
