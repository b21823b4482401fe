/**
 * Tickets written straight into the database with one `INSERT … SELECT … FROM
 * generate_series` (never through the API): a year's volume in a minute, and a
 * backlog of pending triage in a second. The rows look like ingested ones
 * (every NOT NULL column set, ids in Vigil's format, SLA deadlines from the
 * priority) and vary the way a real year does.
 */
import type pg from 'pg';

export const TEAMS = [
	'data-platform',
	'marketing-analytics',
	'finance-bi',
	'ml-ops',
	'ingestion',
	'reporting',
	'customer-360',
	'supply-chain'
] as const;

export interface SeedOptions {
	count: number;
	/** Distinguishes runs: ids and dedup keys contain it. */
	tag: string;
	/**
	 * `year`: created over the past 365 days, mostly closed (1 in 25 open, 1 in 50 in
	 * progress), triage done. `pending`: created now, all open, triage pending (a backlog).
	 */
	shape: 'year' | 'pending';
	/** Rows per INSERT statement, so one statement never holds the whole run. */
	chunk?: number;
}

// g is the row number. Sources, priorities and teams cycle with different periods so every
// combination occurs (the team steps every third row: with g % 8 no P1 would ever reach half
// the teams); priority weights P1 5 %, P2 20 %, P3 45 %, P4 30 %.
const PRIORITY = `(case when g % 20 = 0 then 'P1' when g % 5 = 1 then 'P2' when g % 10 in (2, 3, 4, 5, 7) then 'P3' else 'P4' end)`;
const SLA_SECONDS = `(case ${PRIORITY} when 'P1' then 3600 when 'P2' then 14400 when 'P3' then 86400 else 259200 end)`;

function selectRows(shape: SeedOptions['shape']): string {
	const created =
		shape === 'year'
			? `now() - make_interval(secs => (g::float8 / $2::float8) * 365 * 86400)`
			: `now() - make_interval(secs => (g::float8 / $2::float8) * 5)`;
	const status =
		shape === 'year'
			? `(case when g % 25 = 0 then 'open' when g % 50 = 1 then 'in_progress' else 'closed' end)`
			: `'open'`;
	const triage = shape === 'year' ? `'done'` : `'pending'`;
	return `
	select
		(array['ADF', 'DBX', 'GEN'])[g % 3 + 1] || '-' || to_char(c, 'YYYYMMDD"T"HH24MISS') || '-' || $1::text || lpad(g::text, 8, '0'),
		(array['adf', 'databricks', 'generic'])[g % 3 + 1],
		'seed:' || $1::text || ':' || g,
		(array['azure_monitor', 'databricks_job', 'generic'])[g % 3 + 1],
		'pipeline_' || (g % 400) || '.load_' || (array['orders', 'ads', 'ledger', 'events', 'users'])[g % 5 + 1],
		'run-' || $1::text || '-' || g,
		'resource-' || (g % 50),
		s,
		(case ${PRIORITY} when 'P1' then 'Critical' when 'P2' then 'High' when 'P3' then 'Medium' else 'Low' end),
		${PRIORITY},
		(array['Connectivity', 'Data Quality', 'Resource', 'Permissions', 'Configuration'])[g % 5 + 1],
		(array['Timeout', 'SchemaMismatch', 'OutOfMemory', 'AccessDenied', 'MissingConfig'])[g % 5 + 1],
		'Activity failed: operation ' || g || ' timed out after 3600 seconds while copying partition ' || (g % 97),
		'The source did not answer within the activity timeout.',
		'["Retry the run", "Check the source"]'::jsonb,
		'High',
		${triage},
		${SLA_SECONDS},
		c + make_interval(secs => ${SLA_SECONDS}),
		(case when s = 'closed' then (case when g % 7 = 0 then 'Breached' else 'Met' end) else 'Pending' end),
		c, c, c,
		(case when s <> 'open' then c + make_interval(secs => 60 + g % 3000) end),
		(case when s <> 'open' then 'seed@vigil.local' end),
		(case when s <> 'open' then 60 + g % 3000 end),
		(case when s = 'closed' then c + make_interval(secs => 600 + g % 20000) end),
		(case when s = 'closed' then 'seed@vigil.local' end),
		(case when s = 'closed' then 600 + g % 20000 end),
		(array[${TEAMS.map((t) => `'${t}'`).join(', ')}])[(g / 3) % ${TEAMS.length} + 1]
	from generate_series($3::int, $4::int) as g,
		lateral (select ${created} as c) as t,
		lateral (select ${status} as s) as st`;
}

const COLUMNS = `id, source, dedup_key, format, pipeline, run_id, resource, status, severity, priority,
	category, error_type, error_message, root_cause, recommendations, confidence, triage_status,
	sla_seconds, sla_deadline, sla_status, occurred_at, created_at, updated_at,
	acknowledged_at, acknowledged_by, ack_seconds, resolved_at, resolved_by, mttr_seconds, team`;

/** Inserts `count` tickets; returns their ids only for the `pending` shape (a backlog to enqueue). */
export async function seedTickets(pool: pg.Pool, opts: SeedOptions): Promise<string[]> {
	const chunk = opts.chunk ?? 50_000;
	const ids: string[] = [];
	const sql = `insert into tickets (${COLUMNS}) ${selectRows(opts.shape)}${opts.shape === 'pending' ? ' returning id' : ''}`;
	for (let from = 1; from <= opts.count; from += chunk) {
		const to = Math.min(opts.count, from + chunk - 1);
		const r = await pool.query<{ id: string }>(sql, [opts.tag, opts.count, from, to]);
		if (opts.shape === 'pending') ids.push(...r.rows.map((row) => row.id));
	}
	return ids;
}
