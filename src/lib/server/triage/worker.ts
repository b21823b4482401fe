import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import type { PgBoss } from 'pg-boss';
import type { Pool } from '../db/pool.ts';
import { ingestSettings } from '../routing/cache.ts';
import { enqueueAfterTriage } from '../tickets/after-triage.ts';
import { appendAudit } from '../tickets/audit.ts';
import { applyPriority, changeTicket, updateTicket } from '../tickets/lifecycle.ts';
import { finishOffline } from './offline.ts';
import { analyzeWithAi, type RcaModel, type RcaOptions } from './rca.ts';
import { redact } from './redact.ts';
import { findSimilar } from './similar.ts';
import type { TriageResult } from './types.ts';

export interface TriageDeps {
	pool: Pool;
	boss: PgBoss;
	/** null when no Gemini connection is configured: triage stays offline. */
	model: () => Promise<RcaModel | null>;
	reportHealth: (ok: boolean, error?: string) => Promise<void>;
	rcaOptions: RcaOptions;
	/** Finishes an offline triage; by default one transaction per ticket (offlineBatcher gathers them). */
	finishOffline?: (ticketId: string) => Promise<void>;
}

const AI = { name: 'AI triage', source: 'system' as const };

const clean = (text: string): string => redact(text).text;

/** The offline result as context for the AI; it quotes the raw error, so it is redacted too. */
function offlineOf(t: TicketDto): TriageResult {
	return {
		rootCause: clean(t.root_cause),
		errorType: t.error_type,
		category: t.category as TriageResult['category'],
		affectedEntity: t.affected_entity && clean(t.affected_entity),
		severity: t.severity,
		priority: t.priority,
		confidence: t.confidence,
		recommendations: t.recommendations.map(clean),
		autoHealPossible: t.auto_heal_possible,
		evidence: t.evidence.map(clean)
	};
}

/**
 * The AI pass over a ticket. Idempotent: only a ticket whose triage is still
 * pending is analysed, so a retried job never overwrites a finished result.
 */
export async function runTriage(deps: TriageDeps, ticketId: string): Promise<void> {
	const model = await deps.model();
	// Offline, nothing is read first: finishing is one update of the ticket if still pending.
	if (!model) {
		await (deps.finishOffline ?? ((id) => finishOffline(deps.pool, deps.boss, [id])))(ticketId);
		return;
	}
	const r = await deps.pool.query(`select * from tickets where id = $1`, [ticketId]);
	const row = r.rows[0] as TicketDto | undefined;
	if (!row || row.triage_status !== 'pending') return;
	const similar = (await findSimilar(deps.pool, row)).map((s) => ({
		...s,
		rootCause: clean(s.rootCause),
		resolution: s.resolution && clean(s.resolution)
	}));
	const outcome = await analyzeWithAi(
		model,
		{
			alert: {
				source: row.source,
				resource: row.resource,
				pipeline: clean(row.pipeline),
				errorMessage: clean(row.error_message),
				errorCode: row.error_code,
				failureType: row.failure_type
			},
			offline: offlineOf(row),
			similar
		},
		deps.rcaOptions
	);
	await deps.reportHealth(
		outcome.ok,
		outcome.ok ? undefined : `${outcome.reason}: ${outcome.detail}`
	);
	const policy = (await ingestSettings(deps.pool)).sla;

	await changeTicket(deps.pool, ticketId, async (tx, t) => {
		if (t.triage_status !== 'pending') return null;
		const audits: AuditEntryDto[] = [];
		if (!outcome.ok) {
			const ticket = await updateTicket(tx, ticketId, {
				triage_status: 'fallback',
				triage_error: `${outcome.reason}: ${outcome.detail}`.slice(0, 1000),
				rca_model: outcome.model,
				rca_latency_ms: outcome.latencyMs,
				rca_attempts: outcome.attempts,
				rca_at: new Date()
			});
			audits.push(
				await appendAudit(tx, ticket, {
					action: 'AI Triage Failed',
					actor: AI,
					details: { reason: outcome.reason, detail: outcome.detail, kept: 'offline result' }
				})
			);
			return { ticket: await enqueueAfterTriage(tx, deps.boss, ticket), audits };
		}
		const ai = outcome.result;
		let ticket = await updateTicket(tx, ticketId, {
			root_cause: ai.rootCause,
			error_type: ai.errorType,
			category: ai.category,
			affected_entity: ai.affectedEntity,
			severity: ai.severity,
			confidence: ai.confidence,
			recommendations: JSON.stringify(ai.recommendations),
			evidence: JSON.stringify(ai.evidence),
			auto_heal_possible: ai.autoHealPossible,
			triage_source: 'ai',
			triage_status: 'done',
			triage_error: null,
			rca_model: outcome.model,
			rca_latency_ms: outcome.latencyMs,
			rca_attempts: outcome.attempts,
			rca_prompt_tokens: outcome.usage?.promptTokens ?? null,
			rca_output_tokens: outcome.usage?.outputTokens ?? null,
			rca_total_tokens: outcome.usage?.totalTokens ?? null,
			rca_at: new Date()
		});
		audits.push(
			await appendAudit(tx, ticket, {
				action: 'AI Triage Completed',
				actor: AI,
				details: {
					model: outcome.model,
					latency_ms: outcome.latencyMs,
					confidence: ai.confidence,
					category: ai.category,
					similar: similar.map((s) => s.ticketId)
				}
			})
		);
		const moved = await applyPriority(tx, deps.boss, ticket, ai.priority, policy, AI, 'AI triage');
		if (moved) {
			ticket = moved.ticket;
			audits.push(moved.audit);
		}
		return { ticket: await enqueueAfterTriage(tx, deps.boss, ticket), audits };
	});
}
