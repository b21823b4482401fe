import type {
	AnalyticsBucket,
	AnalyticsSummary,
	JiraTeamResolution,
	PipelineCount,
	SlaCounts,
	TeamCount
} from '#lib/contracts/analytics.ts';
import { percentileCont, roundedMean } from './percentiles.ts';
import { pipelineNames, type TeamPart, type Unit } from './units.ts';

/** A list the database puts in order (its collation sorts the names, as the full queries did). */
export interface Ranked<T> {
	rows: T[];
	/** Per row: two sort keys, descending, then the name ascending with null last. */
	keys: RankKey[];
	limit: number;
}

export type RankKey = [number, number, string | null];

const rank = <T>(rows: T[], key: (row: T) => RankKey, limit: number): Ranked<T> => ({
	rows,
	keys: rows.map(key),
	limit
});

export interface WindowFigures {
	summary: AnalyticsSummary;
	buckets: AnalyticsBucket[];
	pipelines: Ranked<PipelineCount>;
	teams: Ranked<TeamCount>;
	jiraTeams: Ranked<JiraTeamResolution>;
}

interface Counts {
	incidents: number;
	met: number;
	breached: number;
	pending: number;
	unresolved: number;
	P1: number;
	P2: number;
	P3: number;
	P4: number;
}

function count(parts: readonly TeamPart[]): Counts {
	const c: Counts = {
		incidents: 0,
		met: 0,
		breached: 0,
		pending: 0,
		unresolved: 0,
		P1: 0,
		P2: 0,
		P3: 0,
		P4: 0
	};
	for (const t of parts) {
		c.incidents += t.incidents;
		c.met += t.met;
		c.breached += t.breached;
		c.pending += t.pending;
		c.unresolved += t.unresolved;
		c.P1 += t.byPriority.P1;
		c.P2 += t.byPriority.P2;
		c.P3 += t.byPriority.P3;
		c.P4 += t.byPriority.P4;
	}
	return c;
}

const sla = (c: Counts): SlaCounts => ({
	met: c.met,
	breached: c.breached,
	pending: c.pending,
	compliance: c.met + c.breached > 0 ? c.met / (c.met + c.breached) : null
});

const spread = (runs: readonly Int32Array[]) => ({
	p50: percentileCont(runs, 0.5),
	p90: percentileCont(runs, 0.9)
});

/** The pipelines that can be among the first `limit`: every one tied with the last of them too. */
function contenders<T extends { incidents: number; failures: number }>(
	all: T[],
	limit: number
): T[] {
	all.sort((a, b) => b.incidents - a.incidents || b.failures - a.failures);
	const last = all[limit - 1];
	if (!last) return all;
	return all.filter(
		(p) =>
			p.incidents > last.incidents ||
			(p.incidents === last.incidents && p.failures >= last.failures)
	);
}

/**
 * The figures of a window from its units (in window order, one per bar), equal to what one
 * query over the window's incidents gives; only the names' tie order is left to the database.
 */
export function combineUnits(units: readonly Unit[]): WindowFigures {
	const allParts = units.flatMap((u) => u.teams);
	const total = count(allParts);
	const summary: AnalyticsSummary = {
		incidents: total.incidents,
		unresolved: total.unresolved,
		p1: total.P1,
		...sla(total),
		mtta: spread(units.map((u) => u.ack)),
		mttr: spread(units.map((u) => u.mttr))
	};
	const buckets = units.map((u): AnalyticsBucket => {
		const c = count(u.teams);
		return {
			start: new Date(u.start).toISOString(),
			incidents: c.incidents,
			by_priority: { P1: c.P1, P2: c.P2, P3: c.P3, P4: c.P4 },
			...sla(c),
			mtta: spread([u.ack]),
			mttr: spread([u.mttr])
		};
	});

	const byTeam = new Map<string | null, TeamPart[]>();
	for (const t of allParts) {
		const list = byTeam.get(t.team);
		if (list) list.push(t);
		else byTeam.set(t.team, [t]);
	}
	const teams: TeamCount[] = [];
	const jiraTeams: JiraTeamResolution[] = [];
	for (const [team, parts] of byTeam) {
		const c = count(parts);
		teams.push({
			team,
			incidents: c.incidents,
			...sla(c),
			mtta_p50: percentileCont(
				parts.map((p) => p.ack),
				0.5
			)
		});
		const resolved = parts.reduce((n, p) => n + p.jira.length, 0);
		if (resolved > 0)
			jiraTeams.push({
				team,
				resolved,
				avg_seconds: roundedMean(
					parts.reduce((n, p) => n + p.jiraSum, 0),
					resolved
				),
				p50_seconds: percentileCont(
					parts.map((p) => p.jira),
					0.5
				)!
			});
	}

	const n = pipelineNames.length;
	const incidents = new Float64Array(n);
	const failures = new Float64Array(n);
	const breached = new Float64Array(n);
	const lastAt = new Float64Array(n).fill(-Infinity);
	const seen: number[] = [];
	for (const u of units) {
		const p = u.pipelines;
		for (let i = 0; i < p.ids.length; i++) {
			const id = p.ids[i]!;
			if (lastAt[id] === -Infinity) seen.push(id);
			incidents[id]! += p.incidents[i]!;
			failures[id]! += p.failures[i]!;
			breached[id]! += p.breached[i]!;
			lastAt[id] = Math.max(lastAt[id]!, p.lastAt[i]!);
		}
	}
	const pipelines = contenders(
		seen.map((id) => ({ id, incidents: incidents[id]!, failures: failures[id]! })),
		10
	).map(({ id }): PipelineCount => ({
		pipeline: pipelineNames[id]!,
		incidents: incidents[id]!,
		failures: failures[id]!,
		breached: breached[id]!,
		last_at: new Date(lastAt[id]!).toISOString()
	}));

	return {
		summary,
		buckets,
		pipelines: rank(pipelines, (p) => [p.incidents, p.failures, p.pipeline], 10),
		teams: rank(teams, (t) => [t.incidents, 0, t.team], 20),
		jiraTeams: rank(jiraTeams, (t) => [t.resolved, 0, t.team], 20)
	};
}
