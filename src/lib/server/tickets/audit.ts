import type { ActorSource, AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import type { PoolClient, Statement } from '../db/pool.ts';
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

/**
 * Rows of `tickets` that the current transaction inserted. A statement sent with the INSERT
 * (sendTogether) cannot be told which rows it wrote: ON CONFLICT DO NOTHING skips a run that
 * already has a ticket, and a ticket id can exist already (ids are random per second), so
 * neither the id alone nor the batch says it. The row's xmin does.
 */
export const INSERTED_HERE = 'xmin = pg_current_xact_id()::xid';

/**
 * The same entry for every ticket this transaction inserted among `entries`, as one statement
 * that does not need the INSERT's answer (ingest's batch sends them together). The ticket's
 * context is read from its row, as appendAudits copies it; answers in the order given, like
 * appendAudits, leaving out the ids whose ticket was not inserted.
 */
export function auditsOfInsertedTickets(
	input: Omit<AuditInput, 'details'>,
	entries: { ticketId: string; details: Record<string, unknown> }[]
): Statement {
	return {
		text: `${AUDIT_INSERT}
			select t.id, t.pipeline, t.run_id, $1, $2, $3, $4, t.mttr_seconds, t.sla_status,
				left(t.root_cause, 200), t.team, t.owner, t.jira_key, e.details
			from unnest($5::text[], $6::jsonb[]) with ordinality as e(ticket_id, details, n)
			join tickets t on t.id = e.ticket_id and t.${INSERTED_HERE}
			order by e.n
			returning ${AUDIT_COLUMNS}`,
		values: [
			input.action,
			input.actor.name,
			input.actor.source,
			input.timeTakenSeconds ?? null,
			entries.map((e) => e.ticketId),
			entries.map((e) => JSON.stringify(e.details))
		]
	};
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
