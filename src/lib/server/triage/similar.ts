import type { Pool } from '../db/pool.ts';
import type { Category, SimilarIncident } from './types.ts';

/**
 * Up to three past tickets most like this one by full-text rank over their
 * error text, same category first, resolved ones preferred (they carry a fix).
 */
export async function findSimilar(
	pool: Pool,
	ticket: {
		id: string;
		category: string;
		error_type: string;
		error_message: string;
		pipeline: string;
	}
): Promise<SimilarIncident[]> {
	const words = [
		...new Set(
			`${ticket.error_type} ${ticket.pipeline} ${ticket.error_message}`
				.toLowerCase()
				.match(/[a-z][a-z0-9_]{3,}/g) ?? []
		)
	].slice(0, 24);
	if (!words.length) return [];
	const r = await pool.query(
		`select id, pipeline, error_type, category, root_cause, status, resolved_by,
			ts_rank(search, q) + case when category = $2 then 0.5 else 0 end
				+ case when status = 'closed' then 0.2 else 0 end as score
		from tickets, to_tsquery('simple', $3) q
		where id <> $1 and search @@ q
		order by score desc, created_at desc
		limit 3`,
		[ticket.id, ticket.category, words.join(' | ')]
	);
	return r.rows.map((row) => ({
		ticketId: row.id,
		pipeline: row.pipeline,
		errorType: row.error_type,
		category: row.category as Category,
		rootCause: row.root_cause,
		resolution: row.status === 'closed' ? `resolved by ${row.resolved_by ?? 'someone'}` : null
	}));
}
