/**
 * The MCP access log in PostgreSQL (table mcp_calls): one row per tool call, resource read
 * and prompt, with who (user, token, session), what (name, ticket, sized arguments), how
 * it ended and how long it took. Admins read it on /admin/mcp and export it as CSV.
 */
import { z } from 'zod';
import type { Pool } from '../db/pool.ts';
import {
	cursorParam,
	decodeCursor,
	encodeCursor,
	limitParam,
	parseParams,
	sqlParams,
	type Page
} from '../tickets/queries.ts';
import type { CallKind, CallOutcome, CallRequest } from './access-log.ts';

export interface McpCallEntry extends Omit<CallRequest, 'id'>, CallOutcome {
	at: Date;
	userId: string;
	userEmail: string;
	tokenId: string | null;
	sessionId: string | null;
	durationMs: number;
}

export interface McpCallDto {
	id: number;
	at: string;
	user_id: string | null;
	user_email: string;
	token_id: string | null;
	token_name: string | null;
	session_id: string | null;
	kind: CallKind;
	name: string;
	ticket_id: string | null;
	arguments: Record<string, unknown>;
	outcome: 'ok' | 'error';
	error: string | null;
	duration_ms: number;
}

export const MCP_CALL_FIELDS = [
	'id',
	'at',
	'user_email',
	'token_name',
	'token_id',
	'session_id',
	'kind',
	'name',
	'ticket_id',
	'arguments',
	'outcome',
	'error',
	'duration_ms'
] as const satisfies readonly (keyof McpCallDto)[];

export interface McpCallLog {
	/** Stores the calls of one request. */
	record(entries: McpCallEntry[]): Promise<void>;
}

export function mcpCallLog(pool: Pool): McpCallLog {
	return {
		async record(entries) {
			if (!entries.length) return;
			const { values, add } = sqlParams();
			const rows = entries.map(
				(e) =>
					`(${[
						add(e.at),
						add(e.userId),
						add(e.userEmail),
						add(e.tokenId),
						add(e.sessionId),
						add(e.kind),
						add(e.name),
						add(e.ticketId),
						add(JSON.stringify(e.arguments)),
						add(e.outcome),
						add(e.error),
						add(Math.round(e.durationMs))
					].join(', ')})`
			);
			await pool.query(
				`insert into mcp_calls (at, user_id, user_email, token_id, session_id, kind, name,
					ticket_id, arguments, outcome, error, duration_ms) values ${rows.join(', ')}`,
				values
			);
		}
	};
}

/**
 * Deletes calls older than `days` (the hourly mcp.prune-calls job), in batches so no one
 * statement holds locks for long.
 */
export async function pruneMcpCalls(pool: Pool, days: number): Promise<number> {
	let total = 0;
	for (;;) {
		const r = await pool.query(
			`delete from mcp_calls where id in (
				select id from mcp_calls where at < now() - make_interval(days => $1) limit 5000)`,
			[days]
		);
		total += r.rowCount ?? 0;
		if ((r.rowCount ?? 0) < 5000) return total;
	}
}

const CallCursor = z.object({ id: z.number().int().positive() });

export const McpCallFilters = z.object({
	user: z
		.string()
		.max(200, { error: 'user must be at most 200 characters' })
		.transform((s) => s.toLowerCase())
		.optional(),
	name: z.string().max(300, { error: 'name must be at most 300 characters' }).optional(),
	kind: z
		.enum(['tool', 'resource', 'prompt'], { error: 'kind must be one of tool, resource, prompt' })
		.optional(),
	outcome: z.enum(['ok', 'error'], { error: 'outcome must be one of ok, error' }).optional(),
	ticket_id: z.string().max(200, { error: 'ticket_id must be at most 200 characters' }).optional(),
	session_id: z.uuid({ error: 'session_id must be a session id (a UUID)' }).optional(),
	cursor: cursorParam(CallCursor).optional(),
	limit: limitParam
});
export type McpCallQuery = z.output<typeof McpCallFilters>;

export const parseMcpCallFilters = (params: URLSearchParams): McpCallQuery =>
	parseParams(McpCallFilters, params);

const COLUMNS = `c.id, c.at, c.user_id, c.user_email, c.token_id, t.name as token_name, c.session_id,
	c.kind, c.name, c.ticket_id, c.arguments, c.outcome, c.error, c.duration_ms`;

export function mcpCallListSql(f: McpCallQuery): { text: string; values: unknown[] } {
	const { values, add } = sqlParams();
	const where: string[] = [];
	if (f.user) where.push(`lower(c.user_email) = ${add(f.user)}`);
	if (f.name) where.push(`c.name = ${add(f.name)}`);
	if (f.kind) where.push(`c.kind = ${add(f.kind)}`);
	if (f.outcome) where.push(`c.outcome = ${add(f.outcome)}`);
	if (f.ticket_id) where.push(`c.ticket_id = ${add(f.ticket_id)}`);
	if (f.session_id) where.push(`c.session_id = ${add(f.session_id)}`);
	const cursor = f.cursor ? decodeCursor(f.cursor, CallCursor) : null;
	if (cursor) where.push(`c.id < ${add(cursor.id)}`);
	return {
		text: `select ${COLUMNS} from mcp_calls c left join api_tokens t on t.id = c.token_id
	${where.length ? `where ${where.join(' and ')}` : ''}
	order by c.id desc limit ${add(f.limit + 1)}`,
		values
	};
}

type Row = Omit<McpCallDto, 'id' | 'at'> & { id: string | number; at: Date };

const toDto = (r: Row): McpCallDto => ({ ...r, id: Number(r.id), at: r.at.toISOString() });

/** Newest first, keyset-paginated on id. */
export async function listMcpCalls(
	pool: Pool,
	filters: McpCallQuery | URLSearchParams
): Promise<Page<McpCallDto>> {
	const f = filters instanceof URLSearchParams ? parseMcpCallFilters(filters) : filters;
	const { text, values } = mcpCallListSql(f);
	const rows = ((await pool.query(text, values)).rows as Row[]).map(toDto);
	const more = rows.length > f.limit;
	const items = more ? rows.slice(0, f.limit) : rows;
	const last = items.at(-1);
	return { items, next_cursor: more && last ? encodeCursor({ id: last.id }) : null };
}

/**
 * Who could have used MCP: the owners of personal API tokens (a small table), for the
 * page's user filter; reading the distinct e-mails of the log itself would scan all of it.
 */
export async function tokenOwners(pool: Pool): Promise<string[]> {
	const r = await pool.query(
		`select distinct u.email from api_tokens t join users u on u.id = t.user_id
		order by u.email limit 500`
	);
	return r.rows.map((row: { email: string }) => row.email);
}
