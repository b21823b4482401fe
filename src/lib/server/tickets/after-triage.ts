import type { TicketDto } from '#lib/contracts/tickets.ts';
import type { PgBoss } from 'pg-boss';
import { sendTogether, type PoolClient, type Statement } from '../db/pool.ts';
import { jobsStatement } from '../jobs/boss.ts';
import { TICKET_COLUMNS, toTicketDto } from './rows.ts';

/** The connections of the outlets that follow triage ('slack', 'jira') that are configured. */
const CONFIGURED_OUTLETS = `from connections where kind in ('slack', 'jira') and secrets is not null`;

/** Which of the outlets that follow triage have a connection configured ('slack', 'jira'). */
export async function configuredOutlets(tx: PoolClient): Promise<ReadonlySet<string>> {
	const r = await tx.query(`select kind ${CONFIGURED_OUTLETS}`);
	return new Set(r.rows.map((row) => row.kind as string));
}

/**
 * configuredOutlets read by a statement itself (ingest's batch INSERT, which cannot wait for
 * an answer first): put OUTLETS_CTE in front of it, and PENDING_IF_CONFIGURED as the value of
 * slack_status / jira_status, 'pending' when that outlet is configured, else null.
 */
export const OUTLETS_CTE = `with outlets as (
	select bool_or(kind = 'slack') as slack, bool_or(kind = 'jira') as jira ${CONFIGURED_OUTLETS}
)`;
export const PENDING_IF_CONFIGURED = (outlet: 'slack' | 'jira') =>
	`(select case when ${outlet} then 'pending' end from outlets)`;

/**
 * enqueueAfterTriage for many tickets finished in one transaction (an ingest batch's failures
 * born triaged, a batch of offline triage): which outlets are configured is read once, and
 * not at all when no ticket needs it; then one UPDATE marks every alert and issue to start
 * pending and one INSERT per queue starts them. Ticket by ticket that was an UPDATE and a job
 * insert per ticket and outlet, each a round trip inside the transaction: 100 sequential
 * statements for a batch of 25 with Slack and Jira connected. Answers the tickets as they now
 * stand, in the same order.
 */
export async function enqueueAfterTriageMany(
	tx: PoolClient,
	boss: PgBoss,
	tickets: TicketDto[]
): Promise<TicketDto[]> {
	const open = tickets.filter((t) => !t.incident_id);
	if (open.length === 0) return tickets;
	const outlets = await configuredOutlets(tx);
	const slack = outlets.has('slack') ? open.filter((t) => t.slack_status === null) : [];
	const jira = outlets.has('jira') ? open.filter((t) => t.jira_status === null) : [];
	if (slack.length === 0 && jira.length === 0) return tickets;
	const slackIds = slack.map((t) => t.id);
	const jiraIds = jira.map((t) => t.id);
	const r = await tx.query(
		`update tickets set
			slack_status = case when id = any($1::text[]) then 'pending' else slack_status end,
			slack_error = case when id = any($1::text[]) then null else slack_error end,
			jira_status = case when id = any($2::text[]) then 'pending' else jira_status end,
			jira_error = case when id = any($2::text[]) then null else jira_error end,
			version = version + 1, updated_at = now()
		where id = any($1::text[]) or id = any($2::text[])
		returning ${TICKET_COLUMNS}`,
		[slackIds, jiraIds]
	);
	await queueOutletJobs(tx, boss, { slack: slackIds, jira: jiraIds });
	const now = new Map(r.rows.map((row) => [row.id as string, toTicketDto(row)]));
	return tickets.map((t) => now.get(t.id) ?? t);
}

/** The Slack alerts and Jira issues of tickets marked pending: one job INSERT per queue. */
export async function queueOutletJobs(
	tx: PoolClient,
	boss: PgBoss,
	ids: { slack: string[]; jira: string[] }
): Promise<void> {
	await sendTogether(tx, await outletJobStatements(boss, ids));
}

/** queueOutletJobs' statements, for a caller that sends them with others (sendTogether). */
export async function outletJobStatements(
	boss: PgBoss,
	ids: { slack: string[]; jira: string[] }
): Promise<Statement[]> {
	const job = (id: string) => ({ data: { ticketId: id }, singletonKey: id });
	const statements = await Promise.all([
		jobsStatement(boss, 'slack.post-alert', ids.slack.map(job)),
		jobsStatement(boss, 'jira.create-issue', ids.jira.map(job))
	]);
	return statements.filter((s) => s !== null);
}

/**
 * What follows a finished triage (done, fallback or offline only), enqueued in
 * the transaction that records the triage result: the jobs exist exactly when
 * the result committed. The Slack alert and the Jira issue, each when its
 * connection is configured and it has not been started before. Returns the
 * ticket as it now stands.
 */
export async function enqueueAfterTriage(
	tx: PoolClient,
	boss: PgBoss,
	ticket: TicketDto
): Promise<TicketDto> {
	// A grouped failure is told through its incident's message and issue (the incident's
	// Slack message counts it); splitting it out calls this again.
	const [now] = await enqueueAfterTriageMany(tx, boss, [ticket]);
	return now!;
}
