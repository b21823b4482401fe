import { AUDIT_FIELDS, TICKET_FIELDS, type TicketDto } from '#lib/contracts/schemas.ts';
import { listAudit, parseAuditFilters, type AuditQuery } from '../audit/queries.ts';
import type { Pool } from '../db/pool.ts';
import {
	listMcpCalls,
	MCP_CALL_FIELDS,
	parseMcpCallFilters,
	type McpCallQuery
} from '../mcp/calls.ts';
import {
	parseTicketFilters,
	ticketRowsPage,
	type Page,
	type TicketQuery
} from '../tickets/queries.ts';
import { streamCsv } from './csv.ts';

/**
 * Internals a team lead's spreadsheet does not need (parser shape, triage and
 * delivery bookkeeping, raw maps); every other contract field is a column, in
 * contract order, so a field added to the contract reaches the export by itself.
 */
const LEFT_OUT_OF_CSV = new Set<keyof TicketDto>([
	'format',
	'error_code',
	'failure_type',
	'evidence',
	'triage_status',
	'triage_error',
	'rca_model',
	'rca_latency_ms',
	'rca_total_tokens',
	'enrichment_status',
	'enrichment_error',
	'occurred_at',
	'slack_status',
	'slack_error',
	'jira_status',
	'jira_error',
	'links',
	'labels'
]);

export const TICKET_CSV_COLUMNS = TICKET_FIELDS.filter((f) => !LEFT_OUT_OF_CSV.has(f));

/** The audit entry, every field. */
export const AUDIT_CSV_COLUMNS = AUDIT_FIELDS;

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

const TICKET_CSV_SELECT = TICKET_CSV_COLUMNS.join(', ');

/**
 * The rows as the database gives them, only the columns written: a Date is written as
 * toTicketDto would give it (ISO), and the large columns left out of the CSV (evidence, links,
 * enrichment) are never read or parsed.
 */
export function ticketCsvRows(pool: Pool, filters: TicketQuery): AsyncGenerator<unknown[]> {
	return columns(
		allPages(filters, (f) => ticketRowsPage(pool, f, TICKET_CSV_SELECT)),
		TICKET_CSV_COLUMNS as readonly string[]
	);
}

export function auditCsvRows(pool: Pool, filters: AuditQuery): AsyncGenerator<unknown[]> {
	return columns(
		allPages(filters, (f) => listAudit(pool, f)),
		AUDIT_CSV_COLUMNS
	);
}

export function mcpCallCsvRows(pool: Pool, filters: McpCallQuery): AsyncGenerator<unknown[]> {
	return columns(
		allPages(filters, (f) => listMcpCalls(pool, f)),
		MCP_CALL_FIELDS
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

/** GET /api/export/mcp-calls.csv (admins): the MCP access log with the page's filters. */
export function exportMcpCalls(
	pool: Pool,
	filters: McpCallQuery | URLSearchParams,
	at = new Date()
): Response {
	const f = filters instanceof URLSearchParams ? parseMcpCallFilters(filters) : filters;
	return csvResponse('mcp-calls', MCP_CALL_FIELDS, mcpCallCsvRows(pool, f), at);
}
