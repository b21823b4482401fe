import { Migration } from '@mikro-orm/migrations';

/**
 * The initial schema. Hand-reviewed: the audit trail's append-only triggers and
 * the generated full-text columns are beyond what entity metadata can express.
 */
export class Migration20261123000000_initial extends Migration {
	override up(): void {
		this.addSql(`
create table users (
	id uuid primary key default gen_random_uuid(),
	email text not null unique check (email = lower(email)),
	name text not null,
	password_hash text not null,
	role text not null check (role in ('viewer', 'responder', 'admin')),
	created_at timestamptz not null default now()
);

create table sessions (
	id text primary key,
	user_id uuid not null references users (id) on delete cascade,
	expires_at timestamptz not null,
	created_at timestamptz not null default now()
);
create index sessions_user_id_idx on sessions (user_id);

create table api_tokens (
	id uuid primary key default gen_random_uuid(),
	user_id uuid not null references users (id) on delete cascade,
	name text not null,
	token_hash text not null unique,
	created_at timestamptz not null default now(),
	last_used_at timestamptz,
	revoked_at timestamptz
);
create index api_tokens_user_id_idx on api_tokens (user_id);

create table ingest_keys (
	id uuid primary key default gen_random_uuid(),
	name text not null,
	key_hash text not null unique,
	prefix text not null,
	created_by uuid references users (id) on delete set null,
	created_at timestamptz not null default now(),
	last_used_at timestamptz,
	revoked_at timestamptz
);

create table webhook_events (
	id bigint generated always as identity primary key,
	endpoint text not null,
	received_at timestamptz not null default now(),
	request_id text,
	key_id uuid,
	headers jsonb not null default '{}',
	body text not null,
	outcome text not null check (outcome in ('received', 'created', 'duplicate', 'resolved', 'invalid', 'too_large', 'unsupported_media_type')),
	ticket_id text,
	error jsonb
);
create index webhook_events_received_at_idx on webhook_events (received_at desc);

create table sla_policies (
	priority text primary key check (priority in ('P1', 'P2', 'P3', 'P4')),
	seconds integer not null check (seconds > 0),
	updated_at timestamptz not null default now()
);
insert into sla_policies (priority, seconds) values ('P1', 900), ('P2', 1800), ('P3', 7200), ('P4', 86400);

create table routing_rules (
	id uuid primary key default gen_random_uuid(),
	name text not null,
	position integer not null,
	field text not null check (field in ('pipeline', 'resource', 'any')),
	match_type text not null check (match_type in ('keyword', 'regex')),
	pattern text not null,
	team text,
	owner text,
	cost_center text,
	slack_channel text,
	jira_project text,
	is_default boolean not null default false,
	enabled boolean not null default true,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now()
);
create unique index routing_rules_one_default on routing_rules (is_default) where is_default;
insert into routing_rules (name, position, field, match_type, pattern, team, is_default)
values ('Default', 2147483647, 'any', 'keyword', '', 'data-platform', true);

create table connections (
	kind text primary key check (kind in ('gemini', 'slack', 'jira', 'databricks')),
	config jsonb not null default '{}',
	secrets text,
	status text not null default 'not_connected' check (status in ('not_connected', 'healthy', 'failing')),
	last_error text,
	last_checked_at timestamptz,
	last_ok_at timestamptz,
	updated_at timestamptz not null default now()
);

create table tickets (
	id text primary key,
	source text not null check (source in ('adf', 'databricks', 'generic')),
	dedup_key text not null,
	format text not null,
	pipeline text not null,
	run_id text,
	resource text,
	status text not null default 'open' check (status in ('open', 'in_progress', 'closed')),
	severity text not null check (severity in ('Critical', 'High', 'Medium', 'Low')),
	priority text not null check (priority in ('P1', 'P2', 'P3', 'P4')),
	category text not null,
	error_type text not null,
	error_code text,
	failure_type text,
	source_severity text,
	error_message text not null,
	root_cause text not null,
	recommendations jsonb not null default '[]',
	evidence jsonb not null default '[]',
	confidence text not null check (confidence in ('Very High', 'High', 'Medium', 'Low')),
	affected_entity text,
	auto_heal_possible boolean not null default false,
	triage_source text not null default 'offline' check (triage_source in ('offline', 'ai')),
	triage_status text not null default 'pending' check (triage_status in ('pending', 'done', 'fallback', 'offline_only')),
	triage_error text,
	rca_model text,
	rca_latency_ms integer,
	rca_attempts integer,
	rca_prompt_tokens integer,
	rca_output_tokens integer,
	rca_total_tokens integer,
	rca_at timestamptz,
	enrichment_status text check (enrichment_status in ('pending', 'done', 'failed')),
	enrichment_error text,
	enrichment jsonb,
	sla_seconds integer not null,
	sla_deadline timestamptz not null,
	sla_status text not null default 'Pending' check (sla_status in ('Pending', 'Met', 'Breached')),
	occurred_at timestamptz,
	created_at timestamptz not null default now(),
	updated_at timestamptz not null default now(),
	acknowledged_at timestamptz,
	acknowledged_by text,
	ack_seconds integer,
	resolved_at timestamptz,
	resolved_by text,
	mttr_seconds integer,
	team text,
	owner text,
	cost_center text,
	routing_rule_id uuid references routing_rules (id) on delete set null,
	jira_key text,
	jira_url text,
	slack_channel text,
	slack_ts text,
	links jsonb not null default '{}',
	labels jsonb not null default '{}',
	occurrences integer not null default 1,
	version integer not null default 1,
	-- Names like dag_marketing.load_ads are also split at . _ / : so each word is searchable.
	search tsvector generated always as (
		to_tsvector('simple',
			id || ' ' || pipeline || ' ' || translate(pipeline, '._/:', '    ') || ' ' ||
			coalesce(run_id, '') || ' ' || coalesce(jira_key, '') || ' ' || coalesce(resource, '') || ' ' ||
			error_type || ' ' || root_cause || ' ' || left(error_message, 4000))
	) stored,
	constraint tickets_source_dedup_key unique (source, dedup_key)
);
create index tickets_created_idx on tickets (created_at desc, id desc);
create index tickets_status_created_idx on tickets (status, created_at desc, id desc);
create index tickets_run_id_idx on tickets (run_id);
create index tickets_search_idx on tickets using gin (search);

create table audit_log (
	id bigint generated always as identity primary key,
	at timestamptz not null default now(),
	ticket_id text,
	pipeline text,
	run_id text,
	action text not null,
	actor_name text not null,
	actor_source text not null check (actor_source in ('system', 'dashboard', 'slack', 'jira', 'api')),
	time_taken_seconds integer,
	mttr_seconds integer,
	sla_status text,
	rca_summary text,
	team text,
	owner text,
	jira_key text,
	details jsonb not null default '{}',
	search tsvector generated always as (
		to_tsvector('simple',
			coalesce(ticket_id, '') || ' ' || coalesce(pipeline, '') || ' ' ||
			translate(coalesce(pipeline, ''), '._/:', '    ') || ' ' || coalesce(run_id, '') || ' ' ||
			action || ' ' || actor_name || ' ' || actor_source || ' ' || coalesce(sla_status, '') || ' ' ||
			coalesce(rca_summary, '') || ' ' || coalesce(team, '') || ' ' || coalesce(owner, '') || ' ' ||
			coalesce(jira_key, ''))
	) stored
);
create index audit_log_ticket_idx on audit_log (ticket_id, id);
create index audit_log_action_idx on audit_log (action, id desc);
create index audit_log_search_idx on audit_log using gin (search);

-- The audit trail is evidence: the database itself refuses to change or remove it.
create function audit_log_reject_change() returns trigger language plpgsql as $fn$
begin
	raise exception 'audit_log is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
end
$fn$;
create trigger audit_log_no_update_delete before update or delete on audit_log
	for each row execute function audit_log_reject_change();
create trigger audit_log_no_truncate before truncate on audit_log
	for each statement execute function audit_log_reject_change();
`);
	}
}
