import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import type { PoolClient } from '../db/pool.ts';
import type { Actor } from './audit.ts';
import { appendAudit } from './audit.ts';
import { resolveLocked, updateTicket } from './lifecycle.ts';

export interface SourceSuccess {
	/** Who reported it, as people name the scheduler (Databricks, Azure Monitor, airflow). */
	reporter: string;
	/** The run that succeeded; null when the source names none (an Azure metric alert). */
	runId: string | null;
	runUrl: string | null;
}

export function recoverySummary(success: SourceSuccess): string {
	return success.runId
		? `Recovered at source: run ${success.runId} succeeded`
		: `Recovered at source: ${success.reporter} reported success`;
}

/**
 * A success reported by the source for a ticket the caller has locked: `mark`
 * flags it recovered and leaves it to a person; `resolve` closes it as the source's
 * doing (actor source `source`), which Slack and Jira follow like any resolve.
 */
export async function recoverLocked(
	tx: PoolClient,
	t: TicketDto,
	mode: 'mark' | 'resolve',
	success: SourceSuccess
): Promise<{ ticket: TicketDto; audits: AuditEntryDto[]; related: TicketDto[] } | null> {
	const actor: Actor = { name: success.reporter, source: 'source' };
	const now = new Date();
	const recovered = { recovered_at: now, recovered_run_id: success.runId };
	const details = {
		summary: recoverySummary(success),
		via: 'recovery',
		run_id: success.runId,
		...(success.runUrl ? { run_url: success.runUrl } : {})
	};
	if (mode === 'resolve') return resolveLocked(tx, t, actor, {}, { set: recovered, details });
	const ticket = await updateTicket(tx, t.id, recovered);
	const audit = await appendAudit(tx, ticket, { action: 'Recovered at Source', actor, details });
	return { ticket, audits: [audit], related: [] };
}
