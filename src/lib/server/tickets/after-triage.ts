import type { TicketDto } from '#lib/contracts/tickets.ts';
import type { PgBoss } from 'pg-boss';
import type { PoolClient } from '../db/pool.ts';
import { send } from '../jobs/boss.ts';
import { updateTicket } from './lifecycle.ts';

/**
 * What follows a finished triage (done, fallback or offline only), enqueued in
 * the transaction that records the triage result: the job exists exactly when
 * the result committed. Today: the Slack alert, when Slack is configured.
 * Returns the ticket as it now stands.
 */
export async function enqueueAfterTriage(
	tx: PoolClient,
	boss: PgBoss,
	ticket: TicketDto
): Promise<TicketDto> {
	const slack = await tx.query(
		`select 1 from connections where kind = 'slack' and secrets is not null`
	);
	if (!slack.rowCount || ticket.slack_status !== null) return ticket;
	const pending = await updateTicket(tx, ticket.id, { slack_status: 'pending', slack_error: null });
	await send(boss, 'slack.post-alert', { ticketId: ticket.id }, { tx, singletonKey: ticket.id });
	return pending;
}
