import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';

/** Every ticket column the API exposes (the generated search vector stays inside). */
export const TICKET_COLUMNS = `id, source, format, pipeline, run_id, resource, status, severity, priority,
	category, error_type, error_code, failure_type, error_message, root_cause, recommendations, evidence,
	confidence, affected_entity, auto_heal_possible, triage_source, triage_status, triage_error, rca_model,
	rca_latency_ms, rca_total_tokens, enrichment_status, enrichment_error, sla_seconds, sla_deadline,
	sla_status, occurred_at, created_at, updated_at, acknowledged_at, acknowledged_by, ack_seconds,
	resolved_at, resolved_by, mttr_seconds, team, owner, cost_center, jira_key, jira_url, slack_channel,
	slack_ts, slack_status, slack_error, links, labels, occurrences, version`;

export const AUDIT_COLUMNS = `id, at, ticket_id, pipeline, run_id, action, actor_name, actor_source,
	time_taken_seconds, mttr_seconds, sla_status, rca_summary, team, owner, jira_key, details`;

type Row = Record<string, unknown>;

const iso = (v: unknown): string | null =>
	v instanceof Date ? v.toISOString() : (v as string | null);

export function toTicketDto(row: Row): TicketDto {
	return {
		...(row as unknown as TicketDto),
		sla_deadline: iso(row.sla_deadline)!,
		occurred_at: iso(row.occurred_at),
		created_at: iso(row.created_at)!,
		updated_at: iso(row.updated_at)!,
		acknowledged_at: iso(row.acknowledged_at),
		resolved_at: iso(row.resolved_at)
	};
}

export function toAuditDto(row: Row): AuditEntryDto {
	return { ...(row as unknown as AuditEntryDto), id: Number(row.id), at: iso(row.at)! };
}
