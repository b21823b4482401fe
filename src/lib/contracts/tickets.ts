/** Shapes shared by the browser and the server: the JSON API and the socket events. */

export type TicketStatus = 'open' | 'in_progress' | 'closed';
export type SlaStatus = 'Pending' | 'Met' | 'Breached';
export type ActorSource = 'system' | 'dashboard' | 'slack' | 'jira' | 'api';

export interface TicketDto {
	id: string;
	source: 'adf' | 'databricks' | 'generic';
	format: string;
	pipeline: string;
	run_id: string | null;
	resource: string | null;
	status: TicketStatus;
	severity: 'Critical' | 'High' | 'Medium' | 'Low';
	priority: 'P1' | 'P2' | 'P3' | 'P4';
	category: string;
	error_type: string;
	error_code: string | null;
	failure_type: string | null;
	error_message: string;
	root_cause: string;
	recommendations: string[];
	evidence: string[];
	confidence: 'Very High' | 'High' | 'Medium' | 'Low';
	affected_entity: string | null;
	auto_heal_possible: boolean;
	triage_source: 'offline' | 'ai';
	triage_status: 'pending' | 'done' | 'fallback' | 'offline_only';
	triage_error: string | null;
	rca_model: string | null;
	rca_latency_ms: number | null;
	rca_total_tokens: number | null;
	enrichment_status: 'pending' | 'done' | 'failed' | null;
	enrichment_error: string | null;
	sla_seconds: number;
	sla_deadline: string;
	sla_status: SlaStatus;
	occurred_at: string | null;
	created_at: string;
	updated_at: string;
	acknowledged_at: string | null;
	acknowledged_by: string | null;
	ack_seconds: number | null;
	resolved_at: string | null;
	resolved_by: string | null;
	mttr_seconds: number | null;
	team: string | null;
	owner: string | null;
	cost_center: string | null;
	jira_key: string | null;
	jira_url: string | null;
	slack_channel: string | null;
	slack_ts: string | null;
	/** Delivery of the Slack alert: null when Slack was not configured at triage time. */
	slack_status: 'pending' | 'posted' | 'failed' | null;
	/** The last Slack error for this ticket (posting, or updating the message). */
	slack_error: string | null;
	links: Record<string, string>;
	labels: Record<string, string>;
	occurrences: number;
	version: number;
}

export interface AuditEntryDto {
	id: number;
	at: string;
	ticket_id: string | null;
	pipeline: string | null;
	run_id: string | null;
	action: string;
	actor_name: string;
	actor_source: ActorSource;
	time_taken_seconds: number | null;
	mttr_seconds: number | null;
	sla_status: string | null;
	rca_summary: string | null;
	team: string | null;
	owner: string | null;
	jira_key: string | null;
	details: Record<string, unknown>;
}

export interface StatsDto {
	open: number;
	in_progress: number;
	closed: number;
	sla_breached: number;
	mtta_seconds: number | null;
	mttr_seconds: number | null;
	total_audits: number;
}

/** Socket.IO events the server pushes to every signed-in board. */
export interface ServerToClientEvents {
	'ticket:created': (ticket: TicketDto) => void;
	'ticket:updated': (ticket: TicketDto) => void;
	'audit:appended': (entry: AuditEntryDto) => void;
}
export type ClientToServerEvents = Record<string, never>;
