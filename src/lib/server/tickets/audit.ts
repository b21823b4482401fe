import type { ActorSource, AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import type { PoolClient } from '../db/pool.ts';
import { AUDIT_COLUMNS, toAuditDto } from './rows.ts';

export interface Actor {
	name: string;
	source: ActorSource;
	userId?: string;
}

export const SYSTEM: Actor = { name: 'Vigil', source: 'system' };

export interface AuditInput {
	action: string;
	actor: Actor;
	details?: Record<string, unknown>;
	timeTakenSeconds?: number | null;
}

type AuditTicket = Pick<
	TicketDto,
	| 'id'
	| 'pipeline'
	| 'run_id'
	| 'mttr_seconds'
	| 'sla_status'
	| 'root_cause'
	| 'team'
	| 'owner'
	| 'jira_key'
>;

const AUDIT_INSERT = `insert into audit_log (ticket_id, pipeline, run_id, action, actor_name, actor_source,
	time_taken_seconds, mttr_seconds, sla_status, rca_summary, team, owner, jira_key, details)`;
const AUDIT_WIDTH = 14;

function auditValues(ticket: AuditTicket | null, input: AuditInput): unknown[] {
	return [
		ticket?.id ?? null,
		ticket?.pipeline ?? null,
		ticket?.run_id ?? null,
		input.action,
		input.actor.name,
		input.actor.source,
		input.timeTakenSeconds ?? null,
		ticket?.mttr_seconds ?? null,
		ticket?.sla_status ?? null,
		ticket ? ticket.root_cause.slice(0, 200) : null,
		ticket?.team ?? null,
		ticket?.owner ?? null,
		ticket?.jira_key ?? null,
		JSON.stringify(input.details ?? {})
	];
}

/**
 * Appends one entry, copying the ticket's context at this moment so the trail
 * reads on its own even after the ticket changes.
 */
export async function appendAudit(
	db: PoolClient,
	ticket: AuditTicket | null,
	input: AuditInput
): Promise<AuditEntryDto> {
	const [entry] = await appendAudits(db, [{ ticket, input }]);
	return entry!;
}

/** Several entries in one statement, answered in the order given. */
export async function appendAudits(
	db: PoolClient,
	entries: { ticket: AuditTicket | null; input: AuditInput }[]
): Promise<AuditEntryDto[]> {
	if (entries.length === 0) return [];
	const rows = entries.map((e, i) =>
		auditValues(e.ticket, e.input).map((_, j) => `$${i * AUDIT_WIDTH + j + 1}`)
	);
	// One statement draws its ids from the sequence in VALUES order, so sorting by id gives back
	// the order of `entries` whatever order RETURNING uses.
	const r = await db.query(
		`${AUDIT_INSERT} values ${rows.map((p) => `(${p.join(', ')})`).join(', ')}
		returning ${AUDIT_COLUMNS}`,
		entries.flatMap((e) => auditValues(e.ticket, e.input))
	);
	return r.rows.map(toAuditDto).sort((a, b) => Number(a.id) - Number(b.id));
}
