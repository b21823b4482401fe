import { webLink } from '../ingest/run-links.ts';
import type { PgBoss } from 'pg-boss';
import type { Pool } from '../db/pool.ts';
import { send } from '../jobs/boss.ts';
import { appendAudit } from '../tickets/audit.ts';
import { applyPriority, changeTicket, updateTicket } from '../tickets/lifecycle.ts';
import { ingestSettings } from '../routing/cache.ts';
import type { AuditEntryDto } from '#lib/contracts/tickets.ts';
import { classifyOffline } from '../triage/classifier.ts';
import type { DatabricksClient } from './client.ts';
import { DatabricksError } from './client.ts';
import { enrichRun, type EnrichOptions } from './enrich.ts';

export interface EnrichDeps {
	pool: Pool;
	boss: PgBoss;
	client: () => Promise<DatabricksClient | null>;
	reportHealth: (ok: boolean, error?: string) => Promise<void>;
	options: EnrichOptions;
}

const ACTOR = { name: 'Databricks enrichment', source: 'system' as const };

/**
 * Pulls the real error out of the Jobs API (the webhook carries only ids),
 * re-runs the offline classifier on it, then hands the ticket to AI triage.
 * A failure is recorded on the ticket and triage still runs on what we have.
 */
export async function runEnrichment(deps: EnrichDeps, ticketId: string): Promise<void> {
	const r = await deps.pool.query(`select run_id, enrichment_status from tickets where id = $1`, [
		ticketId
	]);
	const row = r.rows[0];
	if (!row || row.enrichment_status !== 'pending') return;
	const client = await deps.client();
	let result: Awaited<ReturnType<typeof enrichRun>> | null = null;
	let failure: string | null = null;
	if (!client) failure = 'Databricks connection is not configured';
	else {
		try {
			result = await enrichRun(client, row.run_id, deps.options);
			await deps.reportHealth(true);
		} catch (err) {
			// Rate limited for longer than we wait in-process: let pg-boss retry the job later.
			if (err instanceof DatabricksError && err.kind === 'rate_limited') throw err;
			failure = err instanceof Error ? err.message : String(err);
			await deps.reportHealth(false, failure);
		}
	}

	const policy = (await ingestSettings(deps.pool)).sla;
	await changeTicket(deps.pool, ticketId, async (tx, t) => {
		if (t.enrichment_status !== 'pending') return null;
		const audits: AuditEntryDto[] = [];
		let ticket;
		if (result) {
			const errorMessage = result.errorMessage || t.error_message;
			const offline = classifyOffline({
				source: t.source,
				pipeline: t.pipeline,
				resource: t.resource,
				errorMessage,
				errorCode: t.error_code,
				failureType: t.failure_type
			});
			ticket = await updateTicket(tx, ticketId, {
				enrichment_status: 'done',
				enrichment: JSON.stringify(result),
				error_message: errorMessage,
				links: JSON.stringify({
					...t.links,
					...(result.runPageUrl ? { run_page: result.runPageUrl } : {})
				}),
				// Databricks' own run page when ingest had no workspace host to build one.
				run_url: t.run_url ?? webLink(result.runPageUrl),
				root_cause: offline.rootCause,
				error_type: offline.errorType,
				category: offline.category,
				affected_entity: offline.affectedEntity,
				severity: offline.severity,
				confidence: offline.confidence,
				recommendations: JSON.stringify(offline.recommendations),
				evidence: JSON.stringify(offline.evidence),
				auto_heal_possible: offline.autoHealPossible
			});
			const moved = await applyPriority(
				tx,
				deps.boss,
				ticket,
				offline.priority,
				policy,
				ACTOR,
				'Databricks run details'
			);
			if (moved) {
				ticket = moved.ticket;
				audits.push(moved.audit);
			}
		} else {
			ticket = await updateTicket(tx, ticketId, {
				enrichment_status: 'failed',
				enrichment_error: failure
			});
		}
		audits.unshift(
			await appendAudit(tx, ticket, {
				action: result ? 'Databricks Run Enriched' : 'Databricks Enrichment Failed',
				actor: ACTOR,
				details: result
					? { failed_tasks: result.failedTasks.map((f) => f.taskKey), run_page: result.runPageUrl }
					: { error: failure }
			})
		);
		await send(deps.boss, 'triage.analyze', { ticketId }, { tx });
		return { ticket, audits };
	});
}
