import type { TicketDto } from '#lib/contracts/tickets.ts';
import type { PgBoss } from 'pg-boss';
import type { PoolClient } from '../db/pool.ts';
import { send } from '../jobs/boss.ts';
import { updateTicket } from './lifecycle.ts';

/** Which of the outlets that follow triage have a connection configured ('slack', 'jira'). */
export async function configuredOutlets(tx: PoolClient): Promise<ReadonlySet<string>> {
	const r = await tx.query(
		`select kind from connections where kind in ('slack', 'jira') and secrets is not null`
	);
	return new Set(r.rows.map((row) => row.kind as string));
}

/**
 * enqueueAfterTriage for many tickets finished in one transaction: which outlets are
 * configured is read once, and not at all when no ticket needs it. Answers the tickets
 * as they now stand, in the same order.
 */
export async function enqueueAfterTriageMany(
	tx: PoolClient,
	boss: PgBoss,
	tickets: TicketDto[]
): Promise<TicketDto[]> {
	if (!tickets.some((t) => !t.incident_id)) return tickets;
	const outlets = await configuredOutlets(tx);
	if (outlets.size === 0) return tickets;
	const out: TicketDto[] = [];
	for (const t of tickets) out.push(await enqueueAfterTriage(tx, boss, t, outlets));
	return out;
}

/**
 * What follows a finished triage (done, fallback or offline only), enqueued in
 * the transaction that records the triage result: the jobs exist exactly when
 * the result committed. The Slack alert and the Jira issue, each when its
 * connection is configured and it has not been started before. Returns the
 * ticket as it now stands. A caller finishing many tickets in one transaction reads
 * `configured` once (configuredOutlets) and passes it to each.
 */
export async function enqueueAfterTriage(
	tx: PoolClient,
	boss: PgBoss,
	ticket: TicketDto,
	configured?: ReadonlySet<string>
): Promise<TicketDto> {
	// A grouped failure is told through its incident's message and issue (the incident's
	// Slack message counts it); splitting it out calls this again.
	if (ticket.incident_id) return ticket;
	const outlets = configured ?? (await configuredOutlets(tx));
	let current = ticket;
	if (outlets.has('slack') && current.slack_status === null) {
		current = await updateTicket(tx, current.id, { slack_status: 'pending', slack_error: null });
		await send(
			boss,
			'slack.post-alert',
			{ ticketId: current.id },
			{ tx, singletonKey: current.id }
		);
	}
	if (outlets.has('jira') && current.jira_status === null) {
		current = await updateTicket(tx, current.id, { jira_status: 'pending', jira_error: null });
		await send(
			boss,
			'jira.create-issue',
			{ ticketId: current.id },
			{ tx, singletonKey: current.id }
		);
	}
	return current;
}
