import { z } from 'zod';
import {
	ACTOR_SOURCES,
	CATEGORIES,
	CONFIDENCES,
	ENRICHMENT_STATUSES,
	PRIORITIES,
	ROLES,
	SEVERITIES,
	SLA_STATUSES,
	SLACK_STATUSES,
	JIRA_STATUSES,
	SOURCES,
	STATUSES,
	TRIAGE_SOURCES,
	TRIAGE_STATUSES
} from './words.ts';

/**
 * The ticket contract: the JSON API, the socket events, the CSV export and the
 * generated OpenAPI document all read these. Server code imports the schemas;
 * browser code imports only the types (`import type`), so zod stays out of
 * its bundles. `meta({ id })` names the component in /api/openapi.json.
 */

export const Source = z
	.enum(SOURCES)
	.meta({ id: 'Source', description: 'Where the failure came from' });
export const TicketStatus = z.enum(STATUSES).meta({ id: 'TicketStatus' });
export const Priority = z
	.enum(PRIORITIES)
	.meta({ id: 'Priority', description: 'P1 is the most urgent' });
export const Severity = z.enum(SEVERITIES).meta({ id: 'Severity' });
export const Confidence = z.enum(CONFIDENCES).meta({ id: 'Confidence' });
export const Category = z.enum(CATEGORIES).meta({ id: 'Category' });
export const SlaStatus = z.enum(SLA_STATUSES).meta({
	id: 'SlaStatus',
	description: 'Met or Breached is decided at acknowledgement, or by the breach timer'
});
export const ActorSource = z.enum(ACTOR_SOURCES).meta({ id: 'ActorSource' });
export const Role = z.enum(ROLES).meta({ id: 'Role' });
export const TriageSource = z.enum(TRIAGE_SOURCES);
export const TriageStatus = z.enum(TRIAGE_STATUSES);
export const EnrichmentStatus = z.enum(ENRICHMENT_STATUSES);
export const SlackStatus = z.enum(SLACK_STATUSES);
export const JiraStatus = z.enum(JIRA_STATUSES);

const dateTime = z.iso.datetime({ offset: true });
const seconds = z.number().int().nonnegative();

export const Ticket = z
	.object({
		id: z.string().meta({ example: 'ADF-20250126T143522-abc123' }),
		source: Source,
		format: z.string().describe('The payload shape the parser recognised'),
		pipeline: z.string(),
		run_id: z.string().nullable(),
		resource: z.string().nullable(),
		status: TicketStatus,
		severity: Severity,
		priority: Priority,
		category: Category,
		error_type: z.string(),
		error_code: z.string().nullable(),
		failure_type: z.string().nullable(),
		error_message: z.string(),
		root_cause: z.string(),
		recommendations: z.array(z.string()),
		evidence: z.array(z.string()),
		confidence: Confidence,
		affected_entity: z.string().nullable(),
		auto_heal_possible: z.boolean(),
		triage_source: TriageSource,
		triage_status: TriageStatus,
		triage_error: z.string().nullable(),
		rca_model: z.string().nullable(),
		rca_latency_ms: z.number().int().nullable(),
		rca_total_tokens: z.number().int().nullable(),
		enrichment_status: EnrichmentStatus.nullable(),
		enrichment_error: z.string().nullable(),
		sla_seconds: seconds,
		sla_deadline: dateTime,
		sla_status: SlaStatus,
		occurred_at: dateTime.nullable(),
		created_at: dateTime,
		updated_at: dateTime,
		acknowledged_at: dateTime.nullable(),
		acknowledged_by: z.string().nullable(),
		ack_seconds: seconds.nullable(),
		resolved_at: dateTime.nullable(),
		resolved_by: z.string().nullable(),
		mttr_seconds: seconds.nullable(),
		team: z.string().nullable(),
		owner: z.string().nullable(),
		cost_center: z.string().nullable(),
		jira_key: z.string().nullable(),
		jira_url: z.string().nullable(),
		jira_status: JiraStatus.nullable().describe(
			'The Jira issue: pending while it is being created, linked, or failed (see jira_error); null when Jira was not configured'
		),
		jira_error: z
			.string()
			.nullable()
			.describe('The last Jira problem of this ticket (a refused create, a missing transition)'),
		jira_time_to_start_seconds: seconds
			.nullable()
			.describe(
				"From the Jira issue's creation to its first in-progress status, from its changelog; null until it starts"
			),
		jira_time_to_resolve_seconds: seconds
			.nullable()
			.describe(
				"From the Jira issue's creation to the closed status it is in (after a reopen, the last close); null while not closed"
			),
		slack_channel: z.string().nullable(),
		slack_ts: z.string().nullable(),
		slack_status: SlackStatus.nullable().describe(
			'Delivery of the Slack alert: null when Slack was not configured at triage time'
		),
		slack_error: z
			.string()
			.nullable()
			.describe('The last Slack error for this ticket (posting, or updating the message)'),
		links: z.record(z.string(), z.string()),
		labels: z.record(z.string(), z.string()),
		occurrences: z.number().int().positive(),
		run_url: z
			.string()
			.nullable()
			.describe(
				'The failed run in its scheduler (ADF monitoring, Databricks run page, …); http(s) only'
			),
		attempts: z
			.number()
			.int()
			.positive()
			.describe('Failed attempts of this run (repairs and retries count; redeliveries do not)'),
		last_attempt_at: dateTime.nullable(),
		recovered_at: dateTime
			.nullable()
			.describe(
				'When the source reported a later run of the same job / alert / pipeline succeeded'
			),
		recovered_run_id: z.string().nullable().describe('The run that succeeded'),
		version: z.number().int().describe('Grows with every change; clients keep the higher one'),
		incident_id: z
			.string()
			.nullable()
			.describe(
				'The incident this failure is grouped under (a ticket id); null for a standalone ticket and for the incident itself'
			),
		incident_children: z
			.number()
			.int()
			.nonnegative()
			.describe('On an incident: how many failures are grouped under it (0 on any other ticket)'),
		grouped_reason: z
			.string()
			.nullable()
			.describe(
				'Why the failures are grouped, e.g. "grouped: resource shir-onprem-01, category connectivity, within 10 min"'
			)
	})
	.meta({ id: 'Ticket' });

export const AuditEntry = z
	.object({
		id: z.number().int(),
		at: dateTime,
		ticket_id: z.string().nullable(),
		pipeline: z.string().nullable(),
		run_id: z.string().nullable(),
		action: z.string().meta({ example: 'acknowledged' }),
		actor_name: z.string(),
		actor_source: ActorSource,
		time_taken_seconds: seconds.nullable(),
		mttr_seconds: seconds.nullable(),
		sla_status: z.string().nullable(),
		rca_summary: z.string().nullable(),
		team: z.string().nullable(),
		owner: z.string().nullable(),
		jira_key: z.string().nullable(),
		details: z.record(z.string(), z.unknown())
	})
	.meta({ id: 'AuditEntry' });

export const Stats = z
	.object({
		open: z.number().int(),
		in_progress: z.number().int(),
		closed: z.number().int(),
		sla_breached: z.number().int(),
		open_breached: z
			.number()
			.int()
			.meta({ description: 'Open (unacknowledged) tickets past their SLA deadline now' }),
		mtta_seconds: z.number().nullable(),
		mttr_seconds: z.number().nullable(),
		total_audits: z.number().int()
	})
	.meta({ id: 'Stats' });

/** Every JSON error Vigil answers. */
export const ApiErrorBody = z
	.object({
		error: z.object({
			code: z.string().meta({ example: 'invalid_request' }),
			message: z.string(),
			details: z.unknown().optional()
		})
	})
	.meta({ id: 'Error' });

export type TicketDto = z.infer<typeof Ticket>;
export type AuditEntryDto = z.infer<typeof AuditEntry>;
export type StatsDto = z.infer<typeof Stats>;

/** The ticket's columns in contract order: the SELECT list, the CSV and the DTO agree by construction. */
export const TICKET_FIELDS = Object.keys(Ticket.shape) as (keyof TicketDto)[];
export const AUDIT_FIELDS = Object.keys(AuditEntry.shape) as (keyof AuditEntryDto)[];
