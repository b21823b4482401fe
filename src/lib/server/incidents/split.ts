import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import type { PgBoss } from 'pg-boss';
import { inTransaction, type Pool, type PoolClient } from '../db/pool.ts';
import { publish } from '../events.ts';
import { send } from '../jobs/boss.ts';
import { enqueueAfterTriage } from '../tickets/after-triage.ts';
import { recount } from './grouping.ts';
import { appendAudit, type Actor } from '../tickets/audit.ts';
import { TicketNotFoundError, updateTicket, type ChangeResult } from '../tickets/lifecycle.ts';
import { TICKET_COLUMNS, toTicketDto } from '../tickets/rows.ts';

export interface SplitDeps {
	pool: Pool;
	boss: PgBoss;
}

/**
 * Undoes grouping for one child: it becomes a standalone ticket with its own
 * SLA clock (from its own creation, so a deadline already past breaches at
 * once), its own Slack alert and Jira issue (when its triage is done; else
 * the triage worker sends them as for any ticket). The incident counts one
 * child less. Both tickets get an audit entry. Splitting a ticket that is not
 * grouped changes nothing.
 */
export async function splitFromIncident(
	deps: SplitDeps,
	id: string,
	actor: Actor
): Promise<ChangeResult> {
	const result = await inTransaction(deps.pool, async (tx) => {
		// The incident is locked before the child, the order acknowledge and resolve lock
		// them in, so a split racing an acknowledgement waits instead of deadlocking.
		const peek = await tx.query(`select incident_id from tickets where id = $1`, [id]);
		if (!peek.rows[0]) throw new TicketNotFoundError(id);
		const incidentId = peek.rows[0].incident_id as string | null;
		const parent = incidentId ? await lockRow(tx, incidentId) : null;
		const t = await lockRow(tx, id);
		if (!t) throw new TicketNotFoundError(id);
		if (!t.incident_id || t.incident_id !== incidentId)
			return { ticket: t, audits: [], related: [], changed: false };
		const audits: AuditEntryDto[] = [];
		const related: TicketDto[] = [];
		let ticket = await updateTicket(tx, t.id, { incident_id: null, grouped_reason: null });
		if (parent) {
			const incident = await recount(tx, parent, null);
			related.push(incident);
			audits.push(
				await appendAudit(tx, incident, {
					action: 'Split from Incident',
					actor,
					details: { child_id: t.id, children_left: incident.incident_children }
				})
			);
		}
		audits.push(
			await appendAudit(tx, ticket, {
				action: 'Split from Incident',
				actor,
				details: { incident_id: t.incident_id, was: t.grouped_reason }
			})
		);
		if (ticket.status === 'open' && ticket.sla_status === 'Pending')
			await send(
				deps.boss,
				'sla.check-breach',
				{ ticketId: ticket.id, deadline: ticket.sla_deadline },
				{ tx, startAfter: new Date(ticket.sla_deadline) }
			);
		if (ticket.triage_status !== 'pending' && ticket.status !== 'closed')
			ticket = await enqueueAfterTriage(tx, deps.boss, ticket);
		return { ticket, audits, related, changed: true };
	});
	if (result.changed) {
		publish('ticket:updated', result.ticket);
		for (const r of result.related) publish('ticket:updated', r);
		for (const a of result.audits) publish('audit:appended', a);
	}
	return { ticket: result.ticket, changed: result.changed };
}

async function lockRow(tx: PoolClient, id: string): Promise<TicketDto | null> {
	const r = await tx.query(`select ${TICKET_COLUMNS} from tickets where id = $1 for update`, [id]);
	return r.rows[0] ? toTicketDto(r.rows[0]) : null;
}
