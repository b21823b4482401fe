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

/**
 * Appends one entry, copying the ticket's context at this moment so the trail
 * reads on its own even after the ticket changes.
 */
export async function appendAudit(
	db: PoolClient,
	ticket: Pick<
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
	> | null,
	input: AuditInput
): Promise<AuditEntryDto> {
	const r = await db.query(
		`insert into audit_log (ticket_id, pipeline, run_id, action, actor_name, actor_source,
			time_taken_seconds, mttr_seconds, sla_status, rca_summary, team, owner, jira_key, details)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
		returning ${AUDIT_COLUMNS}`,
		[
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
		]
	);
	return toAuditDto(r.rows[0]);
}
