import type { Pool } from '../db/pool.ts';

/** Analytics counts incidents by the UTC hour (the 24-hour range) or day (the others) they were created in. */
export type UnitKind = 'hour' | 'day';

export const UNIT_MS: Record<UnitKind, number> = { hour: 3_600_000, day: 86_400_000 };

/** One team's incidents of one unit (team null: no routing rule gave them one). */
export interface TeamPart {
	team: string | null;
	incidents: number;
	met: number;
	breached: number;
	pending: number;
	unresolved: number;
	byPriority: { P1: number; P2: number; P3: number; P4: number };
	/** Sorted ascending, nulls left out: time to acknowledge, to resolve, and Jira's time to resolve. */
	ack: Int32Array;
	mttr: Int32Array;
	jira: Int32Array;
	jiraSum: number;
}

/**
 * Pipeline names as small numbers, for this process: combining a window adds up a row per
 * pipeline and unit (36,000 for 90 days of 400 pipelines), cheaper in typed arrays by number
 * than in objects by name.
 */
export const pipelineNames: string[] = [];
const pipelineIds = new Map<string, number>();

function pipelineId(name: string): number {
	let id = pipelineIds.get(name);
	if (id === undefined) {
		id = pipelineNames.push(name) - 1;
		pipelineIds.set(name, id);
	}
	return id;
}

/** Per pipeline of a unit (same index across the arrays). */
export interface PipelineParts {
	ids: Int32Array;
	incidents: Int32Array;
	failures: Int32Array;
	breached: Int32Array;
	/** Newest created_at, epoch ms. */
	lastAt: Float64Array;
}

/**
 * What the analytics need of the incidents created in one hour or day: counts and every
 * duration (sorted) per team, and counts per pipeline. Any window of whole units is combined
 * from these exactly: sums add up, and percentiles are picked from the sorted runs.
 */
export interface Unit {
	start: number;
	teams: TeamPart[];
	pipelines: PipelineParts;
	/** Every team's durations merged, for the unit's own bar. */
	ack: Int32Array;
	mttr: Int32Array;
}

function merged(parts: readonly Int32Array[]): Int32Array {
	const all = new Int32Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		all.set(p, at);
		at += p.length;
	}
	return all.sort();
}

const pipelineParts = (n: number): PipelineParts => ({
	ids: new Int32Array(n),
	incidents: new Int32Array(n),
	failures: new Int32Array(n),
	breached: new Int32Array(n),
	lastAt: new Float64Array(n)
});

const emptyUnit = (start: number): Unit => ({
	start,
	teams: [],
	pipelines: pipelineParts(0),
	ack: new Int32Array(),
	mttr: new Int32Array()
});

// `start` is the unit as epoch ms, the bucket the full query's date_trunc gave every incident.
const START = `extract(epoch from date_trunc($3, created_at, 'UTC'))::bigint * 1000`;
const IN_RANGE = 'created_at >= $1 and created_at < $2';
const values = (column: string) =>
	`coalesce(array_agg(${column} order by ${column}) filter (where ${column} is not null), '{}')`;

/**
 * The units beginning at `starts` (any order), read from the tickets: one pair of index-bounded
 * queries per run of consecutive units. A unit without incidents comes back empty.
 */
export async function fetchUnits(
	pool: Pool,
	kind: UnitKind,
	starts: readonly number[]
): Promise<Map<number, Unit>> {
	const step = UNIT_MS[kind];
	const units = new Map(starts.map((s) => [s, emptyUnit(s)]));
	const runs: [number, number][] = [];
	for (const s of [...starts].sort((a, b) => a - b)) {
		const last = runs.at(-1);
		if (last && last[1] === s) last[1] = s + step;
		else runs.push([s, s + step]);
	}
	await Promise.all(runs.map(([from, to]) => fetchRun(pool, kind, from, to, units)));
	for (const u of units.values()) {
		u.ack = merged(u.teams.map((t) => t.ack));
		u.mttr = merged(u.teams.map((t) => t.mttr));
	}
	return units;
}

async function fetchRun(
	pool: Pool,
	kind: UnitKind,
	from: number,
	to: number,
	units: Map<number, Unit>
): Promise<void> {
	const params = [new Date(from), new Date(to), kind];
	const [teams, pipelines] = await Promise.all([
		pool.query(
			`select ${START} as start, team, count(*)::int as incidents,
				count(*) filter (where sla_status = 'Met')::int as met,
				count(*) filter (where sla_status = 'Breached')::int as breached,
				count(*) filter (where sla_status = 'Pending')::int as pending,
				count(*) filter (where status <> 'closed')::int as unresolved,
				count(*) filter (where priority = 'P1')::int as p1,
				count(*) filter (where priority = 'P2')::int as p2,
				count(*) filter (where priority = 'P3')::int as p3,
				count(*) filter (where priority = 'P4')::int as p4,
				${values('ack_seconds')} as ack, ${values('mttr_seconds')} as mttr,
				${values('jira_time_to_resolve_seconds')} as jira,
				coalesce(sum(jira_time_to_resolve_seconds), 0)::text as jira_sum
			from tickets where ${IN_RANGE} group by 1, 2`,
			params
		),
		pool.query(
			`select ${START} as start, pipeline, count(*)::int as incidents,
				sum(occurrences)::int as failures,
				count(*) filter (where sla_status = 'Breached')::int as breached,
				max(created_at) as last_at
			from tickets where ${IN_RANGE} group by 1, 2`,
			params
		)
	]);
	for (const r of teams.rows) {
		units.get(Number(r.start))?.teams.push({
			team: r.team,
			incidents: r.incidents,
			met: r.met,
			breached: r.breached,
			pending: r.pending,
			unresolved: r.unresolved,
			byPriority: { P1: r.p1, P2: r.p2, P3: r.p3, P4: r.p4 },
			// In order already (array_agg's order by), kept compact.
			ack: Int32Array.from(r.ack as number[]),
			mttr: Int32Array.from(r.mttr as number[]),
			jira: Int32Array.from(r.jira as number[]),
			jiraSum: Number(r.jira_sum)
		});
	}
	const byUnit = new Map<number, Record<string, unknown>[]>();
	for (const r of pipelines.rows) {
		const start = Number(r.start);
		const list = byUnit.get(start);
		if (list) list.push(r);
		else byUnit.set(start, [r]);
	}
	for (const [start, rows] of byUnit) {
		const unit = units.get(start);
		if (!unit) continue;
		const p = (unit.pipelines = pipelineParts(rows.length));
		rows.forEach((r, i) => {
			p.ids[i] = pipelineId(r.pipeline as string);
			p.incidents[i] = r.incidents as number;
			p.failures[i] = r.failures as number;
			p.breached[i] = r.breached as number;
			p.lastAt[i] = (r.last_at as Date).getTime();
		});
	}
}
