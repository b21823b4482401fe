import { z } from 'zod';
import type { PgBoss } from 'pg-boss';
import { inTransaction, type Pool, type PoolClient } from '../db/pool.ts';
import { ApiError, invalidField } from '../errors.ts';
import { publish } from '../events.ts';
import type { JiraEventSnapshot } from '../metrics.ts';
import { send } from '../jobs/boss.ts';
import type { QueuePayloads } from '../jobs/queues.ts';
import { appendAudit, type Actor } from '../tickets/audit.ts';
import { TICKET_COLUMNS, toTicketDto } from '../tickets/rows.ts';
import { linkedOnSite, sitePrefix, type JiraLookup } from './connection.ts';
import {
	cursorParam,
	decodeCursor,
	encodeCursor,
	inList,
	limitParam,
	parseParams,
	sqlParams,
	type Page
} from '../tickets/queries.ts';

/**
 * The Jira event log: every delivery Jira sent (inbound), every issue polling
 * fetched (poll) and every call Vigil made to Jira (outbound), in the
 * jira_deliveries table. Admins list and filter it, see its stats, retry a
 * failed event and replay any stored one; a scheduled job prunes old rows.
 */

export const EVENT_DIRECTIONS = ['inbound', 'poll', 'outbound'] as const;
export const EVENT_STATES = ['received', 'processed', 'ignored', 'failed', 'rejected'] as const;
export type EventDirection = (typeof EVENT_DIRECTIONS)[number];
export type EventState = (typeof EVENT_STATES)[number];

export interface JiraEventDto {
	id: number;
	direction: EventDirection;
	/** The webhook event (`jira:issue_updated`) or, outbound, the call (`create issue`). */
	event: string | null;
	issue_key: string | null;
	ticket_id: string | null;
	state: EventState;
	/** What processing made of it, or the error. */
	outcome: string | null;
	attempts: number;
	http_status: number | null;
	duration_ms: number | null;
	received_at: string;
	processed_at: string | null;
	/** Seconds from arrival to processed (inbound and poll). */
	lag_seconds: number | null;
	/** The job that made an outbound call, when one did: what retry queues again. */
	job_queue: string | null;
	can_retry: boolean;
	can_replay: boolean;
}

const COLUMNS = `id, direction, event, issue_key, ticket_id, status, outcome, attempts, http_status,
	duration_ms, received_at, processed_at, job, body is not null as has_body`;

const iso = (d: unknown) => (d instanceof Date ? d.toISOString() : null);

function toEventDto(r: Record<string, unknown>): JiraEventDto {
	const direction = r.direction as EventDirection;
	const state = r.status as EventState;
	const job = JiraJob.safeParse(r.job);
	const received = r.received_at as Date;
	const processed = (r.processed_at as Date | null) ?? null;
	const stored = direction !== 'outbound' && Boolean(r.has_body) && r.issue_key !== null;
	const replayable = direction === 'outbound' ? job.success : stored;
	return {
		id: Number(r.id),
		direction,
		event: (r.event as string | null) ?? null,
		issue_key: (r.issue_key as string | null) ?? null,
		ticket_id: (r.ticket_id as string | null) ?? null,
		state,
		outcome: (r.outcome as string | null) ?? null,
		attempts: Number(r.attempts),
		http_status: r.http_status === null ? null : Number(r.http_status),
		duration_ms: r.duration_ms === null ? null : Number(r.duration_ms),
		received_at: received.toISOString(),
		processed_at: iso(processed),
		lag_seconds:
			direction !== 'outbound' && processed
				? Math.max(0, (processed.getTime() - received.getTime()) / 1000)
				: null,
		job_queue: job.success ? job.data.queue : null,
		can_retry: state === 'failed' && replayable,
		can_replay: state !== 'received' && replayable
	};
}

/** An outbound row's job, as the worker recorded it (connection.ts): only Jira's queues. */
const JiraJob = z.discriminatedUnion('queue', [
	z.object({ queue: z.literal('jira.create-issue'), data: z.object({ ticketId: z.string() }) }),
	z.object({ queue: z.literal('jira.sync-action'), data: z.object({ ticketId: z.string() }) }),
	z.object({
		queue: z.literal('jira.fetch-changelog'),
		data: z.object({ ticketId: z.string() })
	}),
	z.object({
		queue: z.literal('jira.process-deliveries'),
		data: z.object({ issueKey: z.string() })
	}),
	z.object({ queue: z.literal('jira.reconcile'), data: z.object({}) })
]);

const EventCursor = z.object({ id: z.number().int().positive() });

const when = (name: string) =>
	z.iso.datetime({
		offset: true,
		error: `${name} must be an ISO 8601 date-time such as 2026-11-26T14:00:00Z`
	});

const listOf = <T extends string>(name: string, allowed: readonly T[]) =>
	z
		.string()
		.transform((raw) => [...new Set(raw.split(',').map((v) => v.trim()))])
		.refine((l) => l.every((v) => (allowed as readonly string[]).includes(v)), {
			error: `${name} must be a comma list of ${allowed.join(', ')}`
		})
		.transform((l) => l as T[]);

export const EventFilters = z.object({
	direction: listOf('direction', EVENT_DIRECTIONS).optional(),
	state: listOf('state', EVENT_STATES).optional(),
	event: z.string().max(100, { error: 'event must be at most 100 characters' }).optional(),
	issue_key: z.string().max(255, { error: 'issue_key must be at most 255 characters' }).optional(),
	ticket_id: z.string().max(200, { error: 'ticket_id must be at most 200 characters' }).optional(),
	from: when('from').optional(),
	to: when('to').optional(),
	cursor: cursorParam(EventCursor).optional(),
	limit: limitParam
});
export type EventQuery = z.output<typeof EventFilters>;

export const parseEventFilters = (params: URLSearchParams): EventQuery =>
	parseParams(EventFilters, params);

/** Newest first, keyset-paginated on id (ids grow with arrival). */
export async function listEvents(
	pool: Pool,
	filters: EventQuery | URLSearchParams
): Promise<Page<JiraEventDto>> {
	const f = filters instanceof URLSearchParams ? parseEventFilters(filters) : filters;
	const { values, add } = sqlParams();
	const where: string[] = [];
	if (f.direction) where.push(inList('direction', f.direction, add));
	if (f.state) where.push(inList('status', f.state, add));
	if (f.event) where.push(`event = ${add(f.event)}`);
	// Keys are upper case in Jira; a typed "ops-12" means the same issue.
	if (f.issue_key) where.push(`issue_key = ${add(f.issue_key.trim().toUpperCase())}`);
	if (f.ticket_id) where.push(`ticket_id = ${add(f.ticket_id)}`);
	if (f.from) where.push(`received_at >= ${add(f.from)}`);
	if (f.to) where.push(`received_at < ${add(f.to)}`);
	const cursor = f.cursor ? decodeCursor(f.cursor, EventCursor) : null;
	if (cursor) where.push(`id < ${add(cursor.id)}`);
	const r = await pool.query(
		`select ${COLUMNS} from jira_deliveries ${where.length ? `where ${where.join(' and ')}` : ''}
		order by id desc limit ${add(f.limit + 1)}`,
		values
	);
	const rows = r.rows.map(toEventDto);
	const more = rows.length > f.limit;
	const items = more ? rows.slice(0, f.limit) : rows;
	const last = items.at(-1);
	return { items, next_cursor: more && last ? encodeCursor({ id: last.id }) : null };
}

export const StatsWindow = z.object({ from: when('from').optional(), to: when('to').optional() });

export function parseStatsWindow(params: URLSearchParams): z.output<typeof StatsWindow> {
	const w = parseParams(StatsWindow, params);
	if (w.from && w.to && Date.parse(w.from) >= Date.parse(w.to))
		throw invalidField('to', 'to must be after from');
	return w;
}

/** An event id from a path: a positive integer, else a 400 naming it. */
export function eventId(raw: string): number {
	const id = Number(raw);
	if (!/^[1-9][0-9]{0,15}$/.test(raw) || !Number.isSafeInteger(id))
		throw invalidField('id', 'id must be the positive whole number of a Jira event');
	return id;
}

export interface JiraEventStats {
	from: string;
	to: string;
	/** Deliveries and polled issues that arrived in the window, and what became of them. */
	received: number;
	pending: number;
	processed: number;
	ignored: number;
	failed: number;
	rejected: number;
	/** Arrival → processed, over those processed in the window; null when none was. */
	lag_p50_seconds: number | null;
	lag_p95_seconds: number | null;
	/** Vigil's calls to Jira in the window. */
	outbound: { calls: number; failed: number; p95_duration_ms: number | null };
}

/** Default window: the last 24 hours. */
export async function eventStats(
	pool: Pool,
	window: { from?: string; to?: string } = {}
): Promise<JiraEventStats> {
	const to = window.to ? new Date(window.to) : new Date();
	const from = window.from ? new Date(window.from) : new Date(to.getTime() - 86_400_000);
	const r = await pool.query(
		`select
			count(*) filter (where direction <> 'outbound')::int as received,
			count(*) filter (where direction <> 'outbound' and status = 'received')::int as pending,
			count(*) filter (where direction <> 'outbound' and status = 'processed')::int as processed,
			count(*) filter (where direction <> 'outbound' and status = 'ignored')::int as ignored,
			count(*) filter (where direction <> 'outbound' and status = 'failed')::int as failed,
			count(*) filter (where direction <> 'outbound' and status = 'rejected')::int as rejected,
			percentile_cont(0.5) within group (order by extract(epoch from processed_at - received_at))
				filter (where direction <> 'outbound' and status = 'processed') as lag_p50,
			percentile_cont(0.95) within group (order by extract(epoch from processed_at - received_at))
				filter (where direction <> 'outbound' and status = 'processed') as lag_p95,
			count(*) filter (where direction = 'outbound')::int as calls,
			count(*) filter (where direction = 'outbound' and status = 'failed')::int as calls_failed,
			percentile_cont(0.95) within group (order by duration_ms)
				filter (where direction = 'outbound') as call_p95
		from jira_deliveries where received_at >= $1 and received_at < $2`,
		[from, to]
	);
	const s = r.rows[0];
	const num = (v: unknown) => (v === null ? null : Math.round(Number(v) * 1000) / 1000);
	return {
		from: from.toISOString(),
		to: to.toISOString(),
		received: s.received,
		pending: s.pending,
		processed: s.processed,
		ignored: s.ignored,
		failed: s.failed,
		rejected: s.rejected,
		lag_p50_seconds: num(s.lag_p50),
		lag_p95_seconds: num(s.lag_p95),
		outbound: {
			calls: s.calls,
			failed: s.calls_failed,
			p95_duration_ms: s.call_p95 === null ? null : Math.round(Number(s.call_p95))
		}
	};
}

/** /metrics: counts by direction and state (every pair, zeros included) and the lag quantiles. */
export async function eventMetrics(pool: Pool): Promise<JiraEventSnapshot> {
	const [stats, r] = await Promise.all([
		eventStats(pool),
		pool.query(
			`select direction, status, count(*)::int as n from jira_deliveries
			where received_at >= now() - interval '24 hours' group by 1, 2`
		)
	]);
	const seen = new Map(r.rows.map((row) => [`${row.direction}/${row.status}`, row.n as number]));
	const counts = EVENT_DIRECTIONS.flatMap((direction) =>
		EVENT_STATES.filter(
			(state) => direction !== 'outbound' || state === 'processed' || state === 'failed'
		).map((state) => ({ direction, state, count: seen.get(`${direction}/${state}`) ?? 0 }))
	);
	return { counts, lagP50Seconds: stats.lag_p50_seconds, lagP95Seconds: stats.lag_p95_seconds };
}

export interface EventActionDeps {
	pool: Pool;
	boss: PgBoss;
	jira: JiraLookup;
}

export type EventAction = 'retry' | 'replay';

export interface EventActionResult {
	event: JiraEventDto;
	/** Outbound: the job queued again (null when the same job is already waiting). */
	queued: string | null;
}

const AUDIT_ACTION: Record<EventAction, string> = {
	retry: 'Jira Event Retried',
	replay: 'Jira Event Replayed'
};

/**
 * The ticket the event is about: the one it names, else the one linked to its issue on the
 * connection's site (`site`, a sitePrefix; null when Jira is not configured, then by id only).
 */
async function linkedTicket(
	tx: PoolClient,
	issueKey: string | null,
	ticketId: string | null,
	site: string | null
) {
	if (!ticketId && !(issueKey && site)) return null;
	const r = await tx.query(
		`select ${TICKET_COLUMNS} from tickets
		where id = $1 or ($2::text is not null and jira_key = $2 and ${linkedOnSite('$3')})
		order by id = $1 desc, created_at limit 1`,
		[ticketId, site === null ? null : issueKey, site ?? '']
	);
	return r.rows[0] ? toTicketDto(r.rows[0]) : null;
}

/**
 * Retry (a failed event) or replay (any stored one). A delivery or polled issue goes
 * back to `received` and its issue's processing job is queued: the webhook logic
 * re-reads the issue from Jira and is idempotent, so a replay changes nothing that
 * is already so. An outbound call's job is queued again (create issue, sync
 * action), which is idempotent too. Audited with who did it.
 */
export async function actOnEvent(
	deps: EventActionDeps,
	id: number,
	action: EventAction,
	actor: Actor
): Promise<EventActionResult> {
	// Read before the transaction: building the handle reads the connection row.
	const handle = await deps.jira();
	const site = handle ? sitePrefix(handle.api) : null;
	const result = await inTransaction(deps.pool, async (tx) => {
		const r = await tx.query(`select ${COLUMNS} from jira_deliveries where id = $1 for update`, [
			id
		]);
		if (!r.rows[0]) throw new ApiError(404, 'not_found', `No Jira event with id ${id}`);
		const before = toEventDto(r.rows[0]);
		if (action === 'retry' && before.state !== 'failed')
			throw new ApiError(
				409,
				'not_failed',
				`Event ${id} is ${before.state}: only a failed event is retried; replay it to process it again`
			);
		if (before.state === 'received')
			throw new ApiError(409, 'pending', `Event ${id} is already waiting to be processed`);
		let queued: string | null;
		if (before.direction === 'outbound') {
			const job = JiraJob.safeParse(r.rows[0].job);
			if (!job.success)
				throw new ApiError(
					409,
					'not_replayable',
					`Event ${id} is a call made outside a job (a connection test or a field discovery): run that again where it started`
				);
			const { queue, data } = job.data;
			// The singleton key each queue's producers use, so a retry joins rather than doubles.
			const key =
				'ticketId' in data ? data.ticketId : 'issueKey' in data ? data.issueKey : 'reconcile';
			queued = await send(deps.boss, queue, data as QueuePayloads[typeof queue], {
				tx,
				singletonKey: key
			});
		} else {
			if (!before.issue_key || before.state === 'rejected' || !r.rows[0].has_body)
				throw new ApiError(
					409,
					'not_replayable',
					`Event ${id} has no stored issue to process (${before.state === 'rejected' ? 'it was refused at the door' : 'the delivery named no issue'})`
				);
			await tx.query(
				`update jira_deliveries set status = 'received', outcome = null, processed_at = null where id = $1`,
				[id]
			);
			queued = await send(
				deps.boss,
				'jira.process-deliveries',
				{ issueKey: before.issue_key },
				{ tx, singletonKey: before.issue_key }
			);
		}
		const ticket = await linkedTicket(tx, before.issue_key, before.ticket_id, site);
		const audit = await appendAudit(tx, ticket, {
			action: AUDIT_ACTION[action],
			actor,
			details: {
				event_id: id,
				direction: before.direction,
				event: before.event,
				issue_key: before.issue_key,
				previous_state: before.state,
				...(before.outcome ? { previous_outcome: before.outcome.slice(0, 500) } : {})
			}
		});
		const after = await tx.query(`select ${COLUMNS} from jira_deliveries where id = $1`, [id]);
		return { event: toEventDto(after.rows[0]), queued, audit };
	});
	publish('audit:appended', result.audit);
	return { event: result.event, queued: result.queued };
}

/**
 * Deletes settled rows older than `days`, in batches so no single statement holds
 * locks for long; a delivery still waiting to be processed is kept whatever its age.
 */
export async function pruneEvents(pool: Pool, days: number): Promise<number> {
	let total = 0;
	for (;;) {
		const r = await pool.query(
			`delete from jira_deliveries where id in (
				select id from jira_deliveries
				where received_at < now() - make_interval(days => $1) and status <> 'received'
				limit 5000)`,
			[days]
		);
		total += r.rowCount ?? 0;
		if ((r.rowCount ?? 0) < 5000) return total;
	}
}

/**
 * For polling: stores an issue that a JQL search found updated, as a `poll` event,
 * and queues the same processing a webhook delivery gets, so polled and pushed
 * updates share one logic and one log. Deduplicated on the issue and its `updated`
 * time: overlapping polls store each change once. Returns the event id, or null for
 * a change already stored.
 */
export function storePolledIssue(
	deps: { pool: Pool; boss: PgBoss },
	issue: { id: string; key: string; updated: string },
	tx?: PoolClient
): Promise<number | null> {
	return storePolled(
		deps,
		{
			identifier: `poll:${issue.key}:${issue.updated}`,
			event: 'jira:issue_updated',
			issueKey: issue.key,
			body: {
				webhookEvent: 'jira:issue_updated',
				issue: { id: issue.id, key: issue.key, fields: { updated: issue.updated } }
			}
		},
		tx
	);
}

/**
 * For polling: a comment on a polled issue that Vigil has not mirrored, stored as a
 * `comment_created` poll event (once per comment) for the webhook's logic to mirror.
 */
export function storePolledComment(
	deps: { pool: Pool; boss: PgBoss },
	issue: { id: string; key: string },
	commentId: string,
	tx?: PoolClient
): Promise<number | null> {
	return storePolled(
		deps,
		{
			identifier: `poll:${issue.key}:comment:${commentId}`,
			event: 'comment_created',
			issueKey: issue.key,
			body: { webhookEvent: 'comment_created', issue, comment: { id: commentId } }
		},
		tx
	);
}

async function storePolled(
	deps: { pool: Pool; boss: PgBoss },
	e: { identifier: string; event: string; issueKey: string; body: unknown },
	tx?: PoolClient
): Promise<number | null> {
	const stored = await (tx ?? deps.pool).query(
		`insert into jira_deliveries (identifier, direction, event, issue_key, body, status)
		values ($1, 'poll', $2, $3, $4, 'received')
		on conflict (identifier) do nothing returning id`,
		[e.identifier.slice(0, 200), e.event, e.issueKey, JSON.stringify(e.body)]
	);
	if (!stored.rowCount) return null;
	await send(
		deps.boss,
		'jira.process-deliveries',
		{ issueKey: e.issueKey },
		{ ...(tx ? { tx } : {}), singletonKey: e.issueKey }
	);
	return Number(stored.rows[0].id);
}
