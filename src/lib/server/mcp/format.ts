/**
 * Output sized for a model: a tool answer lands in a context window, so long texts
 * (error messages, Databricks traces, Jira errors) are cut with a note saying how much
 * is missing, and lists are capped with a note saying there is more.
 */
import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';

/** The text, or its first `max` characters and how many were left out. */
export function clip(text: string, max: number): string;
export function clip(text: string | null, max: number): string | null;
export function clip(text: string | null, max: number): string | null {
	if (text === null || text.length <= max) return text;
	return `${text.slice(0, max)}… [truncated: ${text.length - max} more characters]`;
}

/** A list row: what a person scans a board for, with the error's first line-ish. */
export function ticketSummary(t: TicketDto) {
	return {
		id: t.id,
		pipeline: clip(t.pipeline, 200),
		source: t.source,
		status: t.status,
		priority: t.priority,
		severity: t.severity,
		category: t.category,
		error_type: clip(t.error_type, 120),
		error: clip(t.error_message, 240),
		sla_status: t.sla_status,
		sla_deadline: t.sla_deadline,
		created_at: t.created_at,
		acknowledged_by: t.acknowledged_by,
		resolved_by: t.resolved_by,
		team: t.team,
		owner: t.owner,
		occurrences: t.occurrences,
		jira_key: t.jira_key
	};
}

/** The full ticket, its long texts cut: enough to reason about, never a megabyte trace. */
export function ticketDetail(t: TicketDto) {
	return {
		...t,
		pipeline: clip(t.pipeline, 500),
		run_id: clip(t.run_id, 500),
		resource: clip(t.resource, 500),
		error_message: clip(t.error_message, 4000),
		root_cause: clip(t.root_cause, 2000),
		recommendations: t.recommendations.slice(0, 10).map((r) => clip(r, 500)),
		evidence: t.evidence.slice(0, 10).map((e) => clip(e, 500)),
		triage_error: clip(t.triage_error, 500),
		enrichment_error: clip(t.enrichment_error, 500),
		jira_error: clip(t.jira_error, 500),
		slack_error: clip(t.slack_error, 500),
		links: capRecord(t.links, 20, 500),
		labels: capRecord(t.labels, 20, 200)
	};
}

function capRecord(r: Record<string, string>, n: number, max: number): Record<string, string> {
	return Object.fromEntries(
		Object.entries(r)
			.slice(0, n)
			.map(([k, v]) => [clip(k, 100), clip(v, max)])
	);
}

/** An audit entry with its details cut to a readable size. */
export function auditSummary(e: AuditEntryDto) {
	const details = JSON.stringify(e.details);
	return {
		id: e.id,
		at: e.at,
		ticket_id: e.ticket_id,
		pipeline: clip(e.pipeline, 200),
		action: e.action,
		actor: e.actor_name,
		actor_source: e.actor_source,
		time_taken_seconds: e.time_taken_seconds,
		sla_status: e.sla_status,
		details: details.length > 600 ? clip(details, 600) : e.details
	};
}

/** The last `n` of a list, saying how many earlier ones were left out. */
export function lastOf<T>(items: T[], n: number): { items: T[]; omitted_earlier: number } {
	return { items: items.slice(-n), omitted_earlier: Math.max(0, items.length - n) };
}

/** Past this, an answer would crowd the model's context: cut, and say so. */
export const MAX_ANSWER = 60_000;

/** A tool's or resource's answer as the model reads it: JSON, cut past MAX_ANSWER with a note. */
export function answerText(value: unknown, max = MAX_ANSWER): string {
	const s = JSON.stringify(value, null, 1);
	return s.length > max
		? `${s.slice(0, max)}… [truncated: the answer was ${s.length} characters; narrow the request or lower limit]`
		: s;
}
