import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import type { PgBoss } from 'pg-boss';
import { inTransaction, type Pool, type PoolClient } from '../db/pool.ts';
import { send } from '../jobs/boss.ts';
import { publish } from '../events.ts';
import { secondsBetween, slaDeadline, slaStatusAtAck, type SlaPolicyMap } from '../sla/policy.ts';
import type { Priority } from '#lib/contracts/tickets.ts';
import { appendAudit, type Actor } from './audit.ts';
import { TICKET_COLUMNS, toTicketDto } from './rows.ts';

export class TicketNotFoundError extends Error {
	constructor(id: string) {
		super(`ticket ${id} not found`);
	}
}

export interface ChangeResult {
	ticket: TicketDto;
	/** False when the action had already happened: every action is idempotent. */
	changed: boolean;
}

async function lockTicket(tx: PoolClient, id: string): Promise<TicketDto> {
	const r = await tx.query(`select ${TICKET_COLUMNS} from tickets where id = $1 for update`, [id]);
	if (!r.rows[0]) throw new TicketNotFoundError(id);
	return toTicketDto(r.rows[0]);
}

export async function updateTicket(
	tx: PoolClient,
	id: string,
	set: Record<string, unknown>
): Promise<TicketDto> {
	const cols = Object.keys(set);
	const assignments = cols.map((c, i) => `${c} = $${i + 2}`).join(', ');
	const r = await tx.query(
		`update tickets set ${assignments}, version = version + 1, updated_at = now()
		where id = $1 returning ${TICKET_COLUMNS}`,
		[id, ...cols.map((c) => set[c])]
	);
	return toTicketDto(r.rows[0]);
}

/** Runs a change in one transaction, then announces what committed. */
export async function changeTicket(
	pool: Pool,
	id: string,
	fn: (
		tx: PoolClient,
		t: TicketDto
	) => Promise<{ ticket: TicketDto; audits: AuditEntryDto[]; related?: TicketDto[] } | null>
): Promise<ChangeResult> {
	const result = await inTransaction(pool, async (tx) => {
		const current = await lockTicket(tx, id);
		const done = await fn(tx, current);
		return done
			? { related: [], ...done, changed: true }
			: { ticket: current, audits: [], related: [], changed: false };
	});
	if (result.changed) {
		publish('ticket:updated', result.ticket);
		for (const t of result.related) publish('ticket:updated', t);
		for (const a of result.audits) publish('audit:appended', a);
	}
	return { ticket: result.ticket, changed: result.changed };
}

function ackFields(t: TicketDto, actor: Actor, at: Date) {
	return {
		acknowledged_at: at,
		acknowledged_by: actor.name,
		ack_seconds: secondsBetween(new Date(t.created_at), at),
		sla_status: slaStatusAtAck(new Date(t.sla_deadline), at, t.sla_status)
	};
}

/**
 * How a person's action came about: an optional note they wrote (kept in the
 * audit entry, shown on the timeline) and `via` when it was one of many (bulk).
 */
export interface ActionContext {
	note?: string | undefined;
	via?: string | undefined;
}

/** Only the keys that carry something, so a plain action's audit details stay as they were. */
const contextDetails = (c: ActionContext): Record<string, string> => ({
	...(c.note ? { note: c.note } : {}),
	...(c.via ? { via: c.via } : {})
});

/**
 * The open (for ack) or unresolved (for resolve) children of an incident,
 * locked after the incident itself (the order a split locks them in too).
 */
async function lockChildren(
	tx: PoolClient,
	incident: TicketDto,
	statuses: TicketDto['status'][]
): Promise<TicketDto[]> {
	// Not skipped when incident_children is 0: a child's count may still be on its way.
	const r = await tx.query(
		`select ${TICKET_COLUMNS} from tickets where incident_id = $1 and status = any($2::text[])
		order by created_at, id for update`,
		[incident.id, statuses]
	);
	return r.rows.map(toTicketDto);
}

/** What an incident's action writes on each child: it came through the incident. */
const viaIncident = (incident: TicketDto, context: ActionContext) => ({
	...contextDetails(context),
	via: 'incident',
	incident_id: incident.id
});

/**
 * Children run on their incident's clock, so acknowledging the incident
 * acknowledges them with its SLA outcome; each child gets its own audit entry.
 */
async function acknowledgeChildren(
	tx: PoolClient,
	incident: TicketDto,
	actor: Actor,
	at: Date,
	context: ActionContext
): Promise<{ tickets: TicketDto[]; audits: AuditEntryDto[] }> {
	const tickets: TicketDto[] = [];
	const audits: AuditEntryDto[] = [];
	for (const c of await lockChildren(tx, incident, ['open'])) {
		const fields = { ...ackFields(c, actor, at), sla_status: incident.sla_status };
		const child = await updateTicket(tx, c.id, { status: 'in_progress', ...fields });
		tickets.push(child);
		audits.push(
			await appendAudit(tx, child, {
				action: 'Acknowledged',
				actor,
				timeTakenSeconds: fields.ack_seconds,
				details: { sla_status: fields.sla_status, ...viaIncident(incident, context) }
			})
		);
	}
	return { tickets, audits };
}

/** Resolving an incident resolves its children (acknowledging the open ones first). */
async function resolveChildren(
	tx: PoolClient,
	incident: TicketDto,
	actor: Actor,
	now: Date,
	context: ActionContext
): Promise<{ tickets: TicketDto[]; audits: AuditEntryDto[] }> {
	const tickets: TicketDto[] = [];
	const audits: AuditEntryDto[] = [];
	for (const c of await lockChildren(tx, incident, ['open', 'in_progress'])) {
		const via = viaIncident(incident, context);
		const ack =
			c.status === 'open' ? { ...ackFields(c, actor, now), sla_status: incident.sla_status } : null;
		const mttr = secondsBetween(new Date(c.created_at), now);
		const child = await updateTicket(tx, c.id, {
			status: 'closed',
			...(ack ?? {}),
			resolved_at: now,
			resolved_by: actor.name,
			mttr_seconds: mttr
		});
		tickets.push(child);
		if (ack)
			audits.push(
				await appendAudit(tx, child, {
					action: 'Acknowledged',
					actor,
					timeTakenSeconds: ack.ack_seconds,
					details: { sla_status: ack.sla_status, ...via }
				})
			);
		audits.push(
			await appendAudit(tx, child, {
				action: 'Resolved',
				actor,
				timeTakenSeconds: mttr,
				details: via
			})
		);
	}
	return { tickets, audits };
}

export function acknowledge(
	pool: Pool,
	id: string,
	actor: Actor,
	context: ActionContext = {}
): Promise<ChangeResult> {
	return changeTicket(pool, id, (tx, t) => acknowledgeLocked(tx, t, actor, context));
}

/** The acknowledge of a ticket the caller has locked (the board's, or a Jira reconciliation's). */
export async function acknowledgeLocked(
	tx: PoolClient,
	t: TicketDto,
	actor: Actor,
	context: ActionContext = {}
): Promise<{ ticket: TicketDto; audits: AuditEntryDto[]; related: TicketDto[] } | null> {
	if (t.status !== 'open') return null;
	const now = new Date();
	const fields = ackFields(t, actor, now);
	const ticket = await updateTicket(tx, t.id, { status: 'in_progress', ...fields });
	const audit = await appendAudit(tx, ticket, {
		action: 'Acknowledged',
		actor,
		timeTakenSeconds: fields.ack_seconds,
		details: { sla_status: fields.sla_status, ...contextDetails(context) }
	});
	const children = await acknowledgeChildren(tx, ticket, actor, now, context);
	return { ticket, audits: [audit, ...children.audits], related: children.tickets };
}

/** Resolving an unacknowledged ticket acknowledges it too (two audit entries, so MTTA stays honest). */
export function resolve(
	pool: Pool,
	id: string,
	actor: Actor,
	context: ActionContext = {}
): Promise<ChangeResult> {
	return changeTicket(pool, id, (tx, t) => resolveLocked(tx, t, actor, context));
}

/** What a recovery at source adds to a resolve: its columns and what the Resolved entry says. */
export interface ResolveExtra {
	set: Record<string, unknown>;
	details: Record<string, unknown>;
}

/** The resolve of a ticket the caller has locked (the board's, or a recovery at source's). */
export async function resolveLocked(
	tx: PoolClient,
	t: TicketDto,
	actor: Actor,
	context: ActionContext = {},
	extra?: ResolveExtra
): Promise<{ ticket: TicketDto; audits: AuditEntryDto[]; related: TicketDto[] } | null> {
	if (t.status === 'closed') return null;
	const now = new Date();
	const ack = t.status === 'open' ? ackFields(t, actor, now) : null;
	const mttr = secondsBetween(new Date(t.created_at), now);
	const ticket = await updateTicket(tx, t.id, {
		status: 'closed',
		...(ack ?? {}),
		resolved_at: now,
		resolved_by: actor.name,
		mttr_seconds: mttr,
		...(extra?.set ?? {})
	});
	const audits: AuditEntryDto[] = [];
	if (ack)
		audits.push(
			await appendAudit(tx, ticket, {
				action: 'Acknowledged',
				actor,
				timeTakenSeconds: ack.ack_seconds,
				details: { sla_status: ack.sla_status, via: 'resolve' }
			})
		);
	// The note belongs to the resolution: the timeline shows it under Resolved.
	const details = { ...contextDetails(context), ...(extra?.details ?? {}) };
	audits.push(
		await appendAudit(tx, ticket, {
			action: 'Resolved',
			actor,
			timeTakenSeconds: mttr,
			...(Object.keys(details).length ? { details } : {})
		})
	);
	const children = await resolveChildren(tx, ticket, actor, now, context);
	return { ticket, audits: [...audits, ...children.audits], related: children.tickets };
}

/**
 * A reopened ticket goes back to In Progress: it was acknowledged, so the
 * time-to-acknowledge SLA is already settled; the resolution is cleared.
 */
export function reopen(
	pool: Pool,
	id: string,
	actor: Actor,
	context: ActionContext = {}
): Promise<ChangeResult> {
	return changeTicket(pool, id, (tx, t) => reopenLocked(tx, t, actor, context));
}

/** The reopen of a ticket the caller has locked. */
export async function reopenLocked(
	tx: PoolClient,
	t: TicketDto,
	actor: Actor,
	context: ActionContext = {}
): Promise<{ ticket: TicketDto; audits: AuditEntryDto[] } | null> {
	if (t.status !== 'closed') return null;
	const ticket = await updateTicket(tx, t.id, {
		status: 'in_progress',
		resolved_at: null,
		resolved_by: null,
		mttr_seconds: null
	});
	const audit = await appendAudit(tx, ticket, {
		action: 'Reopened',
		actor,
		details: {
			previous_resolved_by: t.resolved_by,
			previous_mttr_seconds: t.mttr_seconds,
			...contextDetails(context)
		}
	});
	return { ticket, audits: [audit] };
}

/**
 * Marks the breach if the ticket is still unacknowledged past its deadline.
 * Safe to run early or twice: the deadline may have moved since the timer was set.
 */
export function markBreached(pool: Pool, id: string): Promise<ChangeResult> {
	return changeTicket(pool, id, async (tx, t) => {
		if (t.status !== 'open' || t.sla_status !== 'Pending') return null;
		// A grouped failure runs on its incident's clock: its own never breaches.
		if (t.incident_id) return null;
		if (new Date(t.sla_deadline).getTime() > Date.now()) return null;
		const ticket = await updateTicket(tx, id, { sla_status: 'Breached' });
		const audit = await appendAudit(tx, ticket, {
			action: 'SLA Breached',
			actor: { name: 'SLA timer', source: 'system' },
			timeTakenSeconds: ticket.sla_seconds,
			details: { deadline: t.sla_deadline, priority: t.priority }
		});
		return { ticket, audits: [audit] };
	});
}

/** Most tickets one run of a batch's breach timer marks; the rest go to the next run. */
const DUE_PER_RUN = 500;

/**
 * The breach timer of an ingest batch: marks every open ticket on its own clock whose
 * deadline has passed (each through markBreached, so each once, whoever gets there first).
 * True when more may be due than this run marked.
 */
export async function markDueBreached(pool: Pool): Promise<boolean> {
	const due = await pool.query<{ id: string }>(
		`select id from tickets
		where status = 'open' and sla_status = 'Pending' and incident_id is null
			and sla_deadline <= $1
		order by sla_deadline limit ${DUE_PER_RUN}`,
		[new Date()]
	);
	for (const { id } of due.rows) await markBreached(pool, id);
	return due.rows.length === DUE_PER_RUN;
}

/**
 * A priority change re-computes the deadline from the ticket's creation and
 * arms a new breach timer (the old one finds nothing to do when it fires).
 * Runs inside the caller's change so it lands together with what caused it.
 */
export async function applyPriority(
	tx: PoolClient,
	boss: PgBoss,
	t: TicketDto,
	priority: Priority,
	policy: SlaPolicyMap,
	actor: Actor,
	via: string
): Promise<{ ticket: TicketDto; audit: AuditEntryDto } | null> {
	if (t.priority === priority) return null;
	const deadline = slaDeadline(new Date(t.created_at), priority, policy);
	const ticket = await updateTicket(tx, t.id, {
		priority,
		sla_seconds: policy[priority],
		sla_deadline: deadline
	});
	const audit = await appendAudit(tx, ticket, {
		action: 'Priority Changed',
		actor,
		details: {
			summary: `Priority ${t.priority}→${priority} by ${via}`,
			from: t.priority,
			to: priority,
			sla_deadline: deadline.toISOString()
		}
	});
	if (ticket.status === 'open' && ticket.sla_status === 'Pending' && !ticket.incident_id)
		await send(
			boss,
			'sla.check-breach',
			{ ticketId: t.id, deadline: deadline.toISOString() },
			{ tx, startAfter: deadline }
		);
	return { ticket, audit };
}
