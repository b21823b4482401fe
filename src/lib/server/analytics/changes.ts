import type { Pool } from '../db/pool.ts';
import type { UnitKind } from './units.ts';

export interface Generations {
	/** Per unit start (epoch ms): how many analysed ticket writes it has seen, ever; absent = none. */
	byStart: Map<number, string>;
	/** Rows of the window still in a backend's own slot, not yet folded into slot 0. */
	unmerged: number;
}

/**
 * The change counts of the units in [from, to), from the per-hour rows the tickets' triggers
 * keep (migration 20261130020000). A unit whose count equals the one its figures were computed
 * at has not changed since, in any snapshot that sees the count.
 */
export async function unitGenerations(
	pool: Pool,
	kind: UnitKind,
	from: Date,
	to: Date
): Promise<Generations> {
	const r = await pool.query<{ start: string; g: string; unmerged: number }>(
		`select extract(epoch from date_trunc($3, hour, 'UTC'))::bigint * 1000 as start,
			sum(changes)::text as g, count(*) filter (where slot <> 0)::int as unmerged
		from analytics_changes where hour >= $1 and hour < $2 group by 1`,
		[from, to, kind]
	);
	return {
		byStart: new Map(r.rows.map((row) => [Number(row.start), row.g])),
		unmerged: r.rows.reduce((n, row) => n + row.unmerged, 0)
	};
}

/**
 * Folds the backends' own rows into slot 0, hour by hour (the sums stay the same, so no figure
 * is recomputed for it). Rows a writer holds right now are skipped, never waited on; slot 0 is
 * written in hour order so two folds at once cannot deadlock.
 */
export async function mergeAnalyticsChanges(pool: Pool): Promise<void> {
	await pool.query(`with gone as (
		delete from analytics_changes where (hour, slot) in (
			select hour, slot from analytics_changes where slot <> 0 for update skip locked
		) returning hour, changes
	)
	insert into analytics_changes as c (hour, slot, changes)
	select hour, 0, sum(changes) from gone group by hour order by hour
	on conflict (hour, slot) do update set changes = c.changes + excluded.changes`);
}
