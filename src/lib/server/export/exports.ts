import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import { listAudit, parseAuditFilters, type AuditQuery } from '../audit/queries.ts';
import type { Pool } from '../db/pool.ts';
import {
	listTickets,
	parseTicketFilters,
	type Page,
	type TicketQuery
} from '../tickets/queries.ts';
import { streamCsv } from './csv.ts';

/** SPEC §12's ticket fields, in its order: the columns a team lead's spreadsheet expects. */
export const TICKET_CSV_COLUMNS = [
	'id',
	'source',
	'pipeline',
	'run_id',
	'resource',
	'status',
	'severity',
	'priority',
	'category',
	'error_type',
	'error_message',
	'root_cause',
	'recommendations',
	'confidence',
	'affected_entity',
	'auto_heal_possible',
	'triage_source',
	'sla_seconds',
	'sla_deadline',
	'sla_status',
	'created_at',
	'updated_at',
	'acknowledged_at',
	'acknowledged_by',
	'ack_seconds',
	'resolved_at',
	'resolved_by',
	'mttr_seconds',
	'team',
	'owner',
	'cost_center',
	'jira_key',
	'jira_url',
	'slack_channel',
	'slack_ts',
	'occurrences',
	'version'
] as const satisfies readonly (keyof TicketDto)[];

/** SPEC §8's audit entry, every field. */
export const AUDIT_CSV_COLUMNS = [
	'id',
	'at',
	'ticket_id',
	'pipeline',
	'run_id',
	'action',
	'actor_name',
	'actor_source',
	'time_taken_seconds',
	'mttr_seconds',
	'sla_status',
	'rca_summary',
	'team',
	'owner',
	'jira_key',
	'details'
] as const satisfies readonly (keyof AuditEntryDto)[];

const BATCH = 500;

/**
 * Walks every page of a list with its keyset cursor. Rows created during the
 * export land before the first page (newest first), so none is repeated or skipped.
 */
async function* allPages<F extends { cursor?: string | undefined; limit: number }, T>(
	filters: F,
	list: (f: F) => Promise<Page<T>>
): AsyncGenerator<T> {
	let cursor: string | undefined;
	do {
		const page = await list({ ...filters, cursor, limit: BATCH });
		yield* page.items;
		cursor = page.next_cursor ?? undefined;
	} while (cursor);
}

async function* columns<T, K extends keyof T>(rows: AsyncIterable<T>, keys: readonly K[]) {
	for await (const row of rows) yield keys.map((k) => row[k]);
}

export function ticketCsvRows(pool: Pool, filters: TicketQuery): AsyncGenerator<unknown[]> {
	return columns(
		allPages(filters, (f) => listTickets(pool, f)),
		TICKET_CSV_COLUMNS
	);
}

export function auditCsvRows(pool: Pool, filters: AuditQuery): AsyncGenerator<unknown[]> {
	return columns(
		allPages(filters, (f) => listAudit(pool, f)),
		AUDIT_CSV_COLUMNS
	);
}

/** `20261123-143522`, UTC. */
function stamp(at: Date): string {
	const iso = at.toISOString();
	return `${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}`;
}

function csvResponse(
	name: string,
	header: readonly string[],
	rows: AsyncIterable<unknown[]>,
	at: Date
) {
	return new Response(streamCsv(header, rows), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="vigil-${name}-${stamp(at)}.csv"`,
			'cache-control': 'no-store'
		}
	});
}

/**
 * GET /api/export/tickets.csv: every ticket matching the list filters (the
 * cursor and limit of a page do not apply). Filters are checked before the
 * response starts, so a bad one is a 400, not a broken download.
 */
export function exportTickets(
	pool: Pool,
	filters: TicketQuery | URLSearchParams,
	at = new Date()
): Response {
	const f = filters instanceof URLSearchParams ? parseTicketFilters(filters) : filters;
	return csvResponse('tickets', TICKET_CSV_COLUMNS, ticketCsvRows(pool, f), at);
}

export function exportAudit(
	pool: Pool,
	filters: AuditQuery | URLSearchParams,
	at = new Date()
): Response {
	const f = filters instanceof URLSearchParams ? parseAuditFilters(filters) : filters;
	return csvResponse('audit', AUDIT_CSV_COLUMNS, auditCsvRows(pool, f), at);
}
