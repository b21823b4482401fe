import { z } from 'zod';
import type { AuditEntryDto, StatsDto, TicketDto } from '#lib/contracts/tickets.ts';
import { PRIORITIES, SEVERITIES, SLA_STATUSES, SOURCES, STATUSES } from '#lib/contracts/words.ts';
import type { Pool } from '../db/pool.ts';
import { ApiError } from '../errors.ts';
import { log } from '../log.ts';
import { AUDIT_COLUMNS, TICKET_COLUMNS, toAuditDto, toTicketDto } from './rows.ts';

/* ---------- query-string parsing shared by the ticket and audit lists ---------- */

/** One value or a comma list, each one of `values`; a bad one names the parameter. */
export function enumList<T extends string>(name: string, values: readonly T[]) {
	const message = `${name} must be one of ${values.join(', ')}`;
	return z
		.string()
		.meta({ description: `One of ${values.join(', ')}; a comma list is allowed` })
		.transform((raw, ctx): T[] => {
			const items = [
				...new Set(
					raw
						.split(',')
						.map((v) => v.trim())
						.filter(Boolean)
				)
			];
			if (items.length === 0 || items.some((v) => !(values as readonly string[]).includes(v))) {
				ctx.addIssue({ code: 'custom', message });
				return z.NEVER;
			}
			return items as T[];
		});
}

export const limitParam = z.coerce
	.number({ error: 'limit must be an integer from 1 to 200' })
	.int({ error: 'limit must be an integer from 1 to 200' })
	.min(1, { error: 'limit must be an integer from 1 to 200' })
	.max(200, { error: 'limit must be an integer from 1 to 200' })
	.default(50);

/** Cursors are opaque to clients: base64url JSON of the last row's sort key. */
export function encodeCursor(key: unknown): string {
	return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T>(cursor: string, shape: z.ZodType<T>): T | null {
	try {
		const r = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
		return r.success ? r.data : null;
	} catch {
		return null;
	}
}

export const cursorParam = (shape: z.ZodType) =>
	z.string().refine((c) => decodeCursor(c, shape) !== null, {
		error: 'cursor is invalid: pass back the next_cursor of the previous page'
	});

/** Parses the known parameters (repeats joined as a comma list, blanks ignored); 400 names each bad one. */
export function parseParams<S extends z.ZodObject>(
	schema: S,
	params: URLSearchParams
): z.output<S> {
	const input: Record<string, string> = {};
	const details: { field: string; message: string }[] = [];
	for (const key of Object.keys(schema.shape)) {
		const value = params
			.getAll(key)
			.map((v) => v.trim())
			.filter(Boolean)
			.join(',');
		// PostgreSQL text cannot hold NUL: refused here, before a query (or an export's stream) starts.
		if (value.includes('\u0000'))
			details.push({ field: key, message: `${key} must not contain NUL (%00)` });
		else if (value) input[key] = value;
	}
	const r = schema.safeParse(input);
	if (r.success && details.length === 0) return r.data;
	if (!r.success)
		details.push(...r.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
	throw new ApiError(400, 'invalid_query', details.map((d) => d.message).join('; '), details);
}

/** Builds numbered SQL parameters in order. */
export function sqlParams() {
	const values: unknown[] = [];
	return {
		values,
		add(value: unknown): string {
			values.push(value);
			return `$${values.length}`;
		}
	};
}

/** `col = $n` for one value (keeps index order usable), `col = any($n)` for several. */
export function inList(
	column: string,
	list: readonly string[],
	add: (v: unknown) => string
): string {
	return list.length === 1
		? `${column} = ${add(list[0])}`
		: `${column} = any(${add(list)}::text[])`;
}

export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

const quoted = (word: string): string => `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
const lexeme = (word: string): string => `${quoted(word)}:*`;

/**
 * A prefix tsquery (cast with ::tsquery, so no parser runs on it) for what the
 * user typed: each blank-separated term must match, either as its words
 * (`pl_load` → pl & load:*) or whole, because the text-search parser keeps
 * hyphenated ids like `adf-20250126t143522-abc123` as one lexeme too.
 * Only the last word of a term is a prefix: the ones the term goes on after are
 * complete, so they are matched whole. As prefixes, `adf` stood for every ticket
 * id of that source (one lexeme each) and `pipeline` in `pipeline_317` for every
 * pipeline's name: the index read every ticket's entry (170 ms and ~1 s at 1M
 * tickets) where a whole word is skipped through beside the rare one.
 * Null when nothing searchable is left.
 */
export function prefixTsquery(q: string): string | null {
	const terms: string[] = [];
	for (const term of q.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 16)) {
		const words = term.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
		if (words.length === 0) continue;
		const byWords = words.map((w, i) => (i < words.length - 1 ? quoted(w) : lexeme(w))).join(' & ');
		terms.push(
			words.length === 1 && words[0] === term ? byWords : `((${byWords}) | ${lexeme(term)})`
		);
	}
	return terms.length ? terms.join(' & ') : null;
}

/* ---------- tickets ---------- */

/** created_at at full (microsecond) precision: a JS Date would round it and skip rows. */
const TicketCursor = z.object({ at: z.iso.datetime(), id: z.string().min(1).max(200) });
/** The urgency order's key: SLA deadline (microseconds), priority, id. */
const UrgencyCursor = z.object({
	d: z.iso.datetime(),
	p: z.enum(PRIORITIES),
	id: z.string().min(1).max(200)
});
const AnyTicketCursor = z.union([TicketCursor, UrgencyCursor]);

export const TICKET_SORTS = ['urgency', 'newest'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

export const TicketFilters = z.object({
	status: enumList('status', STATUSES).optional(),
	q: z.string().max(200, { error: 'q must be at most 200 characters' }).optional(),
	severity: enumList('severity', SEVERITIES).optional(),
	priority: enumList('priority', PRIORITIES).optional(),
	team: z.string().max(200, { error: 'team must be at most 200 characters' }).optional(),
	source: enumList('source', SOURCES).optional(),
	sla_status: enumList('sla_status', SLA_STATUSES).optional(),
	children: z
		.enum(['hide', 'show'], { error: 'children must be one of hide, show' })
		.meta({
			description:
				'hide: leave out failures grouped under an incident (the board lists the incident, which counts them); show (the default): every ticket'
		})
		.optional(),
	incident: z
		.string()
		.max(200, { error: 'incident must be at most 200 characters' })
		.meta({ description: 'Only the failures grouped under this incident (a ticket id)' })
		.optional(),
	sort: z
		.enum(TICKET_SORTS, { error: 'sort must be one of urgency, newest' })
		.meta({
			description:
				'urgency: earliest SLA deadline first (breached longest, then least time left), priority, id; newest: created_at desc (the default)'
		})
		.optional(),
	cursor: cursorParam(AnyTicketCursor).optional(),
	limit: limitParam
});
export type TicketQuery = z.output<typeof TicketFilters>;

export interface Page<T> {
	items: T[];
	next_cursor: string | null;
}

export const parseTicketFilters = (params: URLSearchParams): TicketQuery =>
	parseParams(TicketFilters, params);

/**
 * The list query, exported so a test can EXPLAIN exactly what runs. `columns` narrows what a
 * row carries (an export reads only the columns it writes).
 */
export function ticketListSql(
	f: TicketQuery,
	columns: string = TICKET_COLUMNS,
	slice?: Slice
): { text: string; values: unknown[] } {
	const { values, add } = sqlParams();
	const where: string[] = [];
	if (slice) {
		const since = (days: number) =>
			`${add(slice.anchor)}::timestamptz - ${add(days)} * interval '1 day'`;
		if (slice.newerThanDays !== undefined)
			where.push(`created_at >= ${since(slice.newerThanDays)}`);
		if (slice.olderThanDays !== undefined) where.push(`created_at < ${since(slice.olderThanDays)}`);
	}
	if (f.status) where.push(inList('status', f.status, add));
	if (f.severity) where.push(inList('severity', f.severity, add));
	if (f.priority) where.push(inList('priority', f.priority, add));
	if (f.source) where.push(inList('source', f.source, add));
	if (f.sla_status) where.push(inList('sla_status', f.sla_status, add));
	if (f.team) where.push(`team = ${add(f.team)}`);
	if (f.children === 'hide') where.push('incident_id is null');
	if (f.incident) where.push(`incident_id = ${add(f.incident)}`);
	if (f.q) {
		const tsquery = prefixTsquery(f.q);
		const like = escapeLike(f.q);
		where.push(
			`(${[
				...(tsquery ? [`search @@ ${add(tsquery)}::tsquery`] : []),
				// Case-insensitive through lower(), which tickets_id_lower_idx and
				// tickets_jira_key_lower_idx index: with every branch indexed the planner can
				// OR bitmaps instead of reading the whole table for a rare term.
				`lower(id) like lower(${add(`${like}%`)})`,
				`run_id = ${add(f.q)}`,
				`lower(jira_key) = lower(${add(f.q)})`
			].join(' or ')})`
		);
	}
	const at = `to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_at,
		to_char(sla_deadline at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_deadline,
		priority as cursor_priority, id as cursor_id`;
	let order: string;
	if (f.sort === 'urgency') {
		const cursor = f.cursor ? decodeCursor(f.cursor, UrgencyCursor) : null;
		if (f.cursor && !cursor) throw wrongCursor();
		if (cursor)
			where.push(
				`(sla_deadline, priority, id) > (${add(cursor.d)}::timestamptz, ${add(cursor.p)}, ${add(cursor.id)})`
			);
		order = 'sla_deadline asc, priority asc, id asc';
	} else {
		const cursor = f.cursor ? decodeCursor(f.cursor, TicketCursor) : null;
		if (f.cursor && !cursor) throw wrongCursor();
		if (cursor)
			where.push(`(created_at, id) < (${add(cursor.at)}::timestamptz, ${add(cursor.id)})`);
		order = 'created_at desc, id desc';
	}
	const text = `select ${columns}, ${at}
	from tickets ${where.length ? `where ${where.join(' and ')}` : ''}
	order by ${order} limit ${add(slice?.take ?? f.limit + 1)}`;
	return { text, values };
}

const wrongCursor = () =>
	new ApiError(400, 'invalid_query', 'cursor is invalid: it belongs to another sort order', [
		{ field: 'cursor', message: 'cursor is invalid: it belongs to another sort order' }
	]);

/**
 * A band of creation times, days back from an anchor (the cursor's time, or now), and how
 * many rows to take from it.
 */
export interface Slice {
	anchor: string;
	newerThanDays?: number;
	olderThanDays?: number;
	take: number;
}

/** Bands a search reads newest first, in days back from its anchor; the last one is open-ended. */
const SEARCH_BANDS = [7, 63];

/**
 * A search newest first, a band of days at a time until the page is full. Within a recent
 * band the text index and the creation-time index are ANDed, so only the band's matches are
 * read; over the whole table the planner has to choose between every match (thousands of
 * rows for a pipeline's name at 1M tickets, each sorted by time) and reading the newest
 * tickets until enough match (tens of thousands for the same name). A common word fills the
 * page from the first band; a rare one reads a few bands, each cheap.
 */
async function searchRows(
	pool: Pool,
	f: TicketQuery,
	columns: string
): Promise<Record<string, unknown>[]> {
	const cursor = f.cursor ? decodeCursor(f.cursor, TicketCursor) : null;
	const anchor = cursor?.at ?? new Date().toISOString();
	const rows: Record<string, unknown>[] = [];
	for (let band = 0; band <= SEARCH_BANDS.length && rows.length <= f.limit; band++) {
		const { text, values } = ticketListSql(f, columns, {
			anchor,
			newerThanDays: SEARCH_BANDS[band],
			olderThanDays: SEARCH_BANDS[band - 1],
			take: f.limit + 1 - rows.length
		});
		rows.push(...(await pool.query(text, values)).rows);
	}
	return rows;
}

/** One page of raw rows in list order, and the cursor of the next one. */
export async function ticketRowsPage(
	pool: Pool,
	f: TicketQuery,
	columns: string = TICKET_COLUMNS
): Promise<Page<Record<string, unknown>>> {
	let rows: Record<string, unknown>[];
	if (f.q && f.sort !== 'urgency') rows = await searchRows(pool, f, columns);
	else {
		const { text, values } = ticketListSql(f, columns);
		rows = (await pool.query(text, values)).rows;
	}
	const more = rows.length > f.limit;
	const page = more ? rows.slice(0, f.limit) : rows;
	const last = page.at(-1);
	return {
		items: page.map(
			({ cursor_at: _a, cursor_deadline: _d, cursor_priority: _p, cursor_id: _i, ...row }) => row
		),
		next_cursor:
			more && last
				? encodeCursor(
						f.sort === 'urgency'
							? { d: last.cursor_deadline, p: last.cursor_priority, id: last.cursor_id }
							: { at: last.cursor_at, id: last.cursor_id }
					)
				: null
	};
}

/** Newest first or by urgency, keyset-paginated (never OFFSET: deep pages stay as fast as the first). */
export async function listTickets(
	pool: Pool,
	filters: TicketQuery | URLSearchParams
): Promise<Page<TicketDto>> {
	const f = filters instanceof URLSearchParams ? parseTicketFilters(filters) : filters;
	const page = await ticketRowsPage(pool, f);
	return { items: page.items.map(toTicketDto), next_cursor: page.next_cursor };
}

/** A ticket id as a client names it (the path's {id}; a tool's `id`). */
export const TicketId = z
	.string({ error: 'id must be a ticket id, e.g. ADF-20250126T143522-abc123' })
	.trim()
	.min(1, { error: 'id must not be empty' })
	.max(200, { error: 'id must be at most 200 characters' })
	.describe('A ticket id, e.g. ADF-20250126T143522-abc123');

export interface TicketDetail {
	ticket: TicketDto;
	/** The ticket's audit entries, oldest first. */
	timeline: AuditEntryDto[];
}

export async function getTicket(pool: Pool, id: string): Promise<TicketDetail | null> {
	const [ticket, audit] = await Promise.all([
		pool.query(`select ${TICKET_COLUMNS} from tickets where id = $1`, [id]),
		pool.query(`select ${AUDIT_COLUMNS} from audit_log where ticket_id = $1 order by id`, [id])
	]);
	if (!ticket.rows[0]) return null;
	return { ticket: toTicketDto(ticket.rows[0]), timeline: audit.rows.map(toAuditDto) };
}

/** Counter rows (one per backend that wrote since the last merge) above which a read folds them. */
const MERGE_ABOVE = 32;

/**
 * The board's tabs and title and /api/stats, from the running totals the tickets' and audit
 * log's triggers keep (migration 20261129060000): a sum over a few dozen rows, not a pass
 * over every ticket. Exact: the totals commit with the changes they count.
 */
export async function ticketStats(pool: Pool): Promise<StatsDto> {
	// The status counts are the board's tabs and title: an incident counts once, not once per
	// failure (a grouped failure's own deadline means nothing: it runs on its incident's clock).
	// Open tickets past their deadline = open ones minus those still inside it (a short range
	// of tickets_open_due_idx), so the one figure that moves with the clock stays cheap too.
	const r = await pool.query(`select
		c.open::int, c.in_progress::int, c.closed::int, c.sla_breached::int,
		(c.open - (
			select count(*) from tickets
			where status = 'open' and incident_id is null and sla_status <> 'Breached'
				and sla_deadline > now()
		))::int as open_breached,
		round(c.ack_sum::numeric / nullif(c.ack_count, 0))::int as mtta_seconds,
		round(c.mttr_sum::numeric / nullif(c.mttr_count, 0))::int as mttr_seconds,
		c.audits::int as total_audits,
		c.slots::int
	from (
		select sum(open) as open, sum(in_progress) as in_progress, sum(closed) as closed,
			sum(sla_breached) as sla_breached, sum(ack_sum) as ack_sum, sum(ack_count) as ack_count,
			sum(mttr_sum) as mttr_sum, sum(mttr_count) as mttr_count, sum(audits) as audits,
			count(*) as slots
		from ticket_counters
	) as c`);
	const { slots, ...stats } = r.rows[0] as StatsDto & { slots: number };
	if (slots > MERGE_ABOVE)
		mergeCounters(pool).catch((err: unknown) =>
			log.warn({ err }, 'merging ticket counters failed')
		);
	return stats;
}

/**
 * Folds the per-backend counter rows into slot 0 (the sums stay the same, so readers never
 * see a jump). Rows a writer holds right now are skipped, never waited on; they are folded
 * next time.
 */
export async function mergeCounters(pool: Pool): Promise<void> {
	const cols = [
		'open',
		'in_progress',
		'closed',
		'sla_breached',
		'ack_sum',
		'ack_count',
		'mttr_sum',
		'mttr_count',
		'audits',
		'changes'
	];
	await pool.query(`with gone as (
		delete from ticket_counters where slot in (
			select slot from ticket_counters where slot <> 0 for update skip locked
		) returning *
	)
	update ticket_counters as c set ${cols.map((col) => `${col} = c.${col} + g.${col}`).join(', ')}
	from (select ${cols.map((col) => `coalesce(sum(${col}), 0) as ${col}`).join(', ')} from gone) as g
	where c.slot = 0`);
}
