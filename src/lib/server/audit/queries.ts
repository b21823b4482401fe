import { z } from 'zod';
import type { AuditEntryDto } from '#lib/contracts/tickets.ts';
import type { Pool } from '../db/pool.ts';
import {
	cursorParam,
	decodeCursor,
	encodeCursor,
	inList,
	limitParam,
	parseParams,
	prefixTsquery,
	sqlParams,
	type Page
} from '../tickets/queries.ts';
import { AUDIT_COLUMNS, toAuditDto } from '../tickets/rows.ts';

const AuditCursor = z.object({ id: z.number().int().positive() });

const actionList = z.string().transform((raw) => [
	...new Set(
		raw
			.split(',')
			.map((v) => v.trim())
			.filter(Boolean)
	)
]);

export const AuditFilters = z.object({
	action: actionList
		.refine((l) => l.length > 0 && l.every((a) => a.length <= 100), {
			error: 'action must be a comma list of action names (each at most 100 characters)'
		})
		.optional(),
	q: z.string().max(200, { error: 'q must be at most 200 characters' }).optional(),
	ticket_id: z.string().max(200, { error: 'ticket_id must be at most 200 characters' }).optional(),
	cursor: cursorParam(AuditCursor).optional(),
	limit: limitParam
});
export type AuditQuery = z.output<typeof AuditFilters>;

export const parseAuditFilters = (params: URLSearchParams): AuditQuery =>
	parseParams(AuditFilters, params);

/**
 * The list query, exported so a test can EXPLAIN exactly what runs. Every
 * condition is one an index answers with the id order (audit_log_action_idx,
 * audit_log_ticket_idx, the primary key) or a GIN lookup: the trail grows
 * without bound, and a sequential scan of it would slow every page.
 */
export function auditListSql(f: AuditQuery): { text: string; values: unknown[] } {
	const { values, add } = sqlParams();
	const where: string[] = [];
	if (f.action) where.push(inList('action', f.action, add));
	if (f.ticket_id) where.push(`ticket_id = ${add(f.ticket_id)}`);
	if (f.q) {
		// Ticket ids are in the search vector as whole lexemes, so a typed id prefix
		// (`ADF-2025…`) matches through the GIN index; an `ilike` on ticket_id
		// could not, and would force a scan of the whole trail.
		const tsquery = prefixTsquery(f.q);
		where.push(tsquery ? `search @@ ${add(tsquery)}::tsquery` : 'false');
	}
	const cursor = f.cursor ? decodeCursor(f.cursor, AuditCursor) : null;
	if (cursor) where.push(`id < ${add(cursor.id)}`);
	const text = `select ${AUDIT_COLUMNS} from audit_log
	${where.length ? `where ${where.join(' and ')}` : ''}
	order by id desc limit ${add(f.limit + 1)}`;
	return { text, values };
}

/** Newest first, keyset-paginated on id. */
export async function listAudit(
	pool: Pool,
	filters: AuditQuery | URLSearchParams
): Promise<Page<AuditEntryDto>> {
	const f = filters instanceof URLSearchParams ? parseAuditFilters(filters) : filters;
	const { text, values } = auditListSql(f);
	const rows = (await pool.query(text, values)).rows.map(toAuditDto);
	const more = rows.length > f.limit;
	const items = more ? rows.slice(0, f.limit) : rows;
	const last = items.at(-1);
	return { items, next_cursor: more && last ? encodeCursor({ id: last.id }) : null };
}
