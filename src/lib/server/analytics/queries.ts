import { z } from 'zod';
import {
	ANALYTICS_RANGES,
	type AnalyticsDto,
	type AnalyticsRange,
	type JiraStatusTime
} from '#lib/contracts/analytics.ts';
import type { Pool } from '../db/pool.ts';
import { ApiError } from '../errors.ts';
import { log } from '../log.ts';
import { mergeAnalyticsChanges, unitGenerations } from './changes.ts';
import { fetchUnits, UNIT_MS, type Unit, type UnitKind } from './units.ts';
import { combineUnits, type Ranked } from './window.ts';

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

/** Units read per statement when many changed (or none is kept yet). */
const FETCH_UNITS = 8;

/** Backend rows of analytics_changes in a window above which a read folds them into slot 0. */
const MERGE_ABOVE = 64;

interface KeptUnit {
	generation: string;
	unit: Unit;
}

interface KeptWindow {
	/** The window's start and every unit's change count, joined. */
	key: string;
	value: AnalyticsDto;
}

/**
 * Per pool (one per database): each hour's and day's figures with the change count they were
 * computed at, and each range's last answer with the counts of its units.
 */
const kept = new WeakMap<
	Pool,
	{ units: Record<UnitKind, Map<number, KeptUnit>>; windows: Map<AnalyticsRange, KeptWindow> }
>();

function keptFor(pool: Pool) {
	let k = kept.get(pool);
	if (!k) kept.set(pool, (k = { units: { hour: new Map(), day: new Map() }, windows: new Map() }));
	return k;
}

/**
 * Everything the analytics page charts for one time range. A 90-day range at a year's volume
 * is a quarter of a million tickets (percentiles included), so the figures of each hour or day
 * are kept and only the units a ticket change fell in since are read again (analytics_changes
 * says which, whoever changed them); the window's figures are combined from the units exactly,
 * as one query over its tickets would give them. The Jira status times are read every time.
 */
export async function analytics(
	pool: Pool,
	range: AnalyticsRange,
	now = new Date()
): Promise<AnalyticsDto> {
	const w = rangeWindow(range, now);
	// Read on every call (it moves with the clock), while the units are read.
	const statuses = jiraStatusTimes(pool, range, now);
	statuses.catch(() => {});
	const generations = await unitGenerations(pool, w.unit, w.from, w.to);
	if (generations.unmerged > MERGE_ABOVE)
		mergeAnalyticsChanges(pool).catch((err: unknown) =>
			log.warn({ err }, 'merging analytics change counts failed')
		);
	const k = keptFor(pool);
	const gens = w.starts.map((s) => generations.byStart.get(s) ?? '0');
	const key = `${w.from.getTime()}:${gens.join(',')}`;
	let value = k.windows.get(range)?.key === key ? k.windows.get(range)!.value : undefined;
	if (!value) {
		value = await compute(pool, range, w, await currentUnits(pool, w, gens));
		k.windows.set(range, { key, value });
	}
	const answer = structuredClone(value);
	answer.jira.statuses = await statuses;
	return answer;
}

/**
 * The window's units, each read again only when its change count moved since it was kept.
 * Read after the counts: a unit is at least as new as its count, never older.
 */
async function currentUnits(
	pool: Pool,
	w: ReturnType<typeof rangeWindow>,
	gens: string[]
): Promise<Unit[]> {
	const units = keptFor(pool).units[w.unit];
	const stale = w.starts.flatMap((s, i) =>
		units.get(s)?.generation === gens[i] ? [] : [{ start: s, generation: gens[i]! }]
	);
	// A few units per statement, each kept as soon as it is read: the first call after a start
	// reads the whole window (a quarter of a million tickets for 90 days at a year's volume),
	// which in one statement could outlast the statement timeout, and then every retry would too.
	for (let i = 0; i < stale.length; i += FETCH_UNITS) {
		const chunk = stale.slice(i, i + FETCH_UNITS);
		const fresh = await fetchUnits(
			pool,
			w.unit,
			chunk.map((c) => c.start)
		);
		for (const c of chunk)
			units.set(c.start, { generation: c.generation, unit: fresh.get(c.start)! });
	}
	const window = w.starts.map((s) => units.get(s)!.unit);
	// Kept: the longest range's units back from this window's end, none after it.
	const oldest = w.to.getTime() - (w.unit === 'day' ? 90 : 24) * UNIT_MS[w.unit];
	for (const s of units.keys()) if (s < oldest || s >= w.to.getTime()) units.delete(s);
	return window;
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

/** The window's figures from its units, each ranked list put in order by the database. */
async function compute(
	pool: Pool,
	range: AnalyticsRange,
	w: ReturnType<typeof rangeWindow>,
	units: Unit[]
): Promise<AnalyticsDto> {
	const f = combineUnits(units);
	const [pipelines, teams, jiraTeams] = await ranked(pool, [f.pipelines, f.teams, f.jiraTeams]);
	return {
		range,
		unit: w.unit,
		from: w.from.toISOString(),
		to: w.to.toISOString(),
		summary: f.summary,
		buckets: f.buckets,
		pipelines: pipelines!.map((i) => f.pipelines.rows[i]!),
		teams: teams!.map((i) => f.teams.rows[i]!),
		jira: {
			// Filled in by analytics() on every call: an open interval grows with the clock.
			statuses: [],
			teams: jiraTeams!.map((i) => f.jiraTeams.rows[i]!)
		}
	};
}

/**
 * Each list's first `limit` rows (as indexes) by its keys, descending, then its name in the
 * database's collation, null last: the order the full queries' `order by …, name` gave. Names
 * decide only between equal keys, so without a tie no query is needed.
 */
async function ranked(pool: Pool, lists: Omit<Ranked<unknown>, 'rows'>[]): Promise<number[][]> {
	const byKeys = lists.map((l) =>
		l.keys
			.map((_, i) => i)
			.sort((x, y) => l.keys[y]![0] - l.keys[x]![0] || l.keys[y]![1] - l.keys[x]![1])
	);
	const tied = (l: Omit<Ranked<unknown>, 'rows'>, order: number[]) =>
		order.some((i, n) => {
			const next = order[n + 1];
			return (
				next !== undefined &&
				l.keys[i]![0] === l.keys[next]![0] &&
				l.keys[i]![1] === l.keys[next]![1]
			);
		});
	if (!lists.some((l, i) => tied(l, byKeys[i]!)))
		return byKeys.map((order, i) => order.slice(0, lists[i]!.limit));
	const flat = lists.flatMap((l, list) => l.keys.map((k, i) => ({ list, i, k })));
	const r = await pool.query<{ list: number; i: number }>(
		`select list, i from (
			select list, i, row_number() over (partition by list order by a desc, b desc, name) as n
			from unnest($1::int[], $2::int[], $3::text[], $4::bigint[], $5::bigint[]) as x(list, i, name, a, b)
		) as y where n <= ($6::int[])[list + 1] order by list, n`,
		[
			flat.map((f) => f.list),
			flat.map((f) => f.i),
			flat.map((f) => f.k[2]),
			flat.map((f) => f.k[0]),
			flat.map((f) => f.k[1]),
			lists.map((l) => l.limit)
		]
	);
	const out: number[][] = lists.map(() => []);
	for (const { list, i } of r.rows) out[list]!.push(i);
	return out;
}
