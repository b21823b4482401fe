import { z } from 'zod';
import {
	ANALYTICS_RANGES,
	type AnalyticsBucket,
	type AnalyticsDto,
	type AnalyticsRange,
	type AnalyticsSummary,
	type JiraStatusTime,
	type JiraTeamResolution,
	type PipelineCount,
	type SlaCounts,
	type TeamCount
} from '#lib/contracts/analytics.ts';
import type { Pool } from '../db/pool.ts';
import { ApiError } from '../errors.ts';

export const DEFAULT_RANGE: AnalyticsRange = '7d';

export const RangeParam = z
	.enum(ANALYTICS_RANGES, { error: `range must be one of ${ANALYTICS_RANGES.join(', ')}` })
	.default(DEFAULT_RANGE);

/** The `range` query parameter; absent means the default, anything unknown is a 400 naming it. */
export function parseRange(value: string | null | undefined): AnalyticsRange {
	const r = RangeParam.safeParse(value || undefined);
	if (r.success) return r.data;
	const message = r.error.issues[0]?.message ?? 'range is invalid';
	throw new ApiError(400, 'invalid_query', message, [{ field: 'range', message }]);
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SPAN: Record<AnalyticsRange, { unit: 'hour' | 'day'; count: number }> = {
	'24h': { unit: 'hour', count: 24 },
	'7d': { unit: 'day', count: 7 },
	'30d': { unit: 'day', count: 30 },
	'90d': { unit: 'day', count: 90 }
};

/**
 * Whole UTC hours or days ending with the current one, so every bar is one full
 * bucket (the last one still filling) and the first is never a sliver.
 */
export function rangeWindow(range: AnalyticsRange, now: Date) {
	const { unit, count } = SPAN[range];
	const step = unit === 'hour' ? HOUR : DAY;
	const current = Math.floor(now.getTime() / step) * step;
	const starts = Array.from({ length: count }, (_, i) => current - (count - 1 - i) * step);
	return { unit, from: new Date(starts[0]!), to: new Date(current + step), starts };
}

// Percentiles ignore nulls: MTTA counts acknowledged incidents, MTTR resolved ones.
const AGGREGATES = `count(*)::int as incidents,
	count(*) filter (where sla_status = 'Met')::int as met,
	count(*) filter (where sla_status = 'Breached')::int as breached,
	count(*) filter (where sla_status = 'Pending')::int as pending,
	round(percentile_cont(0.5) within group (order by ack_seconds))::int as mtta_p50,
	round(percentile_cont(0.9) within group (order by ack_seconds))::int as mtta_p90,
	round(percentile_cont(0.5) within group (order by mttr_seconds))::int as mttr_p50,
	round(percentile_cont(0.9) within group (order by mttr_seconds))::int as mttr_p90`;

const BY_PRIORITY = `count(*) filter (where priority = 'P1')::int as p1,
	count(*) filter (where priority = 'P2')::int as p2,
	count(*) filter (where priority = 'P3')::int as p3,
	count(*) filter (where priority = 'P4')::int as p4`;

// tickets_created_idx answers the window; every query reads only the incidents in it.
const IN_WINDOW = 'created_at >= $1 and created_at < $2';

type Row = Record<string, number | null>;

function sla(r: Row): SlaCounts {
	const met = Number(r.met ?? 0);
	const breached = Number(r.breached ?? 0);
	return {
		met,
		breached,
		pending: Number(r.pending ?? 0),
		compliance: met + breached > 0 ? met / (met + breached) : null
	};
}

const pct = (p50: unknown, p90: unknown) => ({
	p50: (p50 as number | null) ?? null,
	p90: (p90 as number | null) ?? null
});

interface Cached {
	from: number;
	generation: string;
	value: AnalyticsDto;
}

/** Per pool (one per database), per range: the last figures and what they were computed from. */
const computed = new WeakMap<Pool, Map<AnalyticsRange, Cached>>();

/**
 * How many ticket rows have been written in a column the analytics read, ever (the counters'
 * `changes`, kept by triggers on tickets in the same transactions as the writes). Unchanged
 * means every figure computed since is still exact, whichever instance or script wrote last.
 */
async function generation(pool: Pool): Promise<string> {
	const r = await pool.query(`select coalesce(sum(changes), 0)::text as g from ticket_counters`);
	return r.rows[0].g as string;
}

/**
 * Everything the analytics page charts for one time range. A 90-day range at a year's volume
 * aggregates a quarter of a million tickets (percentiles included), so the figures over the
 * window's tickets are kept and served again while the window is the same and no ticket
 * changed in between; the Jira status times are read every time.
 */
export async function analytics(
	pool: Pool,
	range: AnalyticsRange,
	now = new Date()
): Promise<AnalyticsDto> {
	const from = rangeWindow(range, now).from.getTime();
	const [g, statuses] = await Promise.all([generation(pool), jiraStatusTimes(pool, range, now)]);
	let byRange = computed.get(pool);
	const hit = byRange?.get(range);
	let value: AnalyticsDto;
	if (hit && hit.from === from && hit.generation === g) value = hit.value;
	else {
		// Computed after the generation was read: at least as new as it, never older.
		value = await compute(pool, range, now);
		if (!byRange) computed.set(pool, (byRange = new Map()));
		byRange.set(range, { from, generation: g, value });
	}
	const answer = structuredClone(value);
	answer.jira.statuses = statuses;
	return answer;
}

/**
 * Time in each Jira status of the window's issues, up to `now` for the status an issue is in:
 * it moves with the clock, so it is read on every call and never kept.
 */
async function jiraStatusTimes(
	pool: Pool,
	range: AnalyticsRange,
	now: Date
): Promise<JiraStatusTime[]> {
	const w = rangeWindow(range, now);
	const window = [w.from, w.to];
	// Per issue and status first (back and forth counts as one issue's time), then per status;
	// an issue's stays begin after its ticket was created (a day of slack for Jira's clock),
	// so the entered_at index reads only the window's stays, not every one ever stored. The
	// closed status an issue rests in is left out, as on the ticket page (metrics.ts).
	const r = await pool.query(
		`with per_issue as (
				select i.status, max(i.category) as category,
					sum(extract(epoch from coalesce(i.left_at, $3) - i.entered_at)) as seconds
				from tickets t join jira_status_intervals i on i.ticket_id = t.id
				where t.created_at >= $1 and t.created_at < $2
					and i.entered_at >= $1::timestamptz - interval '1 day'
					and not (i.left_at is null and i.category = 'done')
				group by t.id, i.status
			)
			select status, max(category) as category, count(*)::int as issues,
				round(avg(seconds))::int as avg_seconds,
				round(percentile_cont(0.5) within group (order by seconds))::int as p50_seconds
			from per_issue group by status
			order by case max(category) when 'new' then 0 when 'indeterminate' then 1 when 'done' then 2 else 3 end,
				issues desc, status
			limit 20`,
		[...window, now]
	);
	return r.rows as JiraStatusTime[];
}

/** The index-bounded queries over the window's tickets behind the analytics of one range. */
async function compute(pool: Pool, range: AnalyticsRange, now: Date): Promise<AnalyticsDto> {
	const w = rangeWindow(range, now);
	const window = [w.from, w.to];
	const [summary, buckets, pipelines, teams, jiraTeams] = await Promise.all([
		pool.query(
			`select ${AGGREGATES}, count(*) filter (where priority = 'P1')::int as p1,
				count(*) filter (where status <> 'closed')::int as unresolved
			from tickets where ${IN_WINDOW}`,
			window
		),
		pool.query(
			`select extract(epoch from date_trunc($3, created_at, 'UTC'))::bigint * 1000 as start,
				${AGGREGATES}, ${BY_PRIORITY}
			from tickets where ${IN_WINDOW} group by 1`,
			[...window, w.unit]
		),
		pool.query(
			`select pipeline, count(*)::int as incidents, sum(occurrences)::int as failures,
				count(*) filter (where sla_status = 'Breached')::int as breached, max(created_at) as last_at
			from tickets where ${IN_WINDOW}
			group by pipeline order by incidents desc, failures desc, pipeline limit 10`,
			window
		),
		pool.query(
			`select team, ${AGGREGATES}
			from tickets where ${IN_WINDOW}
			group by team order by incidents desc, team nulls last limit 20`,
			window
		),
		pool.query(
			`select team, count(*)::int as resolved,
				round(avg(jira_time_to_resolve_seconds))::int as avg_seconds,
				round(percentile_cont(0.5) within group (order by jira_time_to_resolve_seconds))::int as p50_seconds
			from tickets where ${IN_WINDOW} and jira_time_to_resolve_seconds is not null
			group by team order by resolved desc, team nulls last limit 20`,
			window
		)
	]);
	const byStart = new Map(buckets.rows.map((r) => [Number(r.start), r as Row]));
	return {
		range,
		unit: w.unit,
		from: w.from.toISOString(),
		to: w.to.toISOString(),
		summary: toSummary(summary.rows[0] as Row),
		buckets: w.starts.map((start) => toBucket(start, byStart.get(start) ?? {})),
		pipelines: pipelines.rows.map((r): PipelineCount => ({
			pipeline: r.pipeline,
			incidents: r.incidents,
			failures: r.failures,
			breached: r.breached,
			last_at: (r.last_at as Date).toISOString()
		})),
		teams: teams.rows.map((r): TeamCount => ({
			team: r.team,
			incidents: r.incidents,
			...sla(r),
			mtta_p50: r.mtta_p50
		})),
		jira: {
			// Filled in by analytics() on every call: an open interval grows with the clock.
			statuses: [],
			teams: jiraTeams.rows as JiraTeamResolution[]
		}
	};
}

function toSummary(r: Row): AnalyticsSummary {
	return {
		incidents: Number(r.incidents ?? 0),
		unresolved: Number(r.unresolved ?? 0),
		p1: Number(r.p1 ?? 0),
		...sla(r),
		mtta: pct(r.mtta_p50, r.mtta_p90),
		mttr: pct(r.mttr_p50, r.mttr_p90)
	};
}

function toBucket(start: number, r: Row): AnalyticsBucket {
	return {
		start: new Date(start).toISOString(),
		incidents: Number(r.incidents ?? 0),
		by_priority: {
			P1: Number(r.p1 ?? 0),
			P2: Number(r.p2 ?? 0),
			P3: Number(r.p3 ?? 0),
			P4: Number(r.p4 ?? 0)
		},
		...sla(r),
		mtta: pct(r.mtta_p50, r.mtta_p90),
		mttr: pct(r.mttr_p50, r.mttr_p90)
	};
}
