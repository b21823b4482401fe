import { Migration } from '@mikro-orm/migrations';

/**
 * Jira both ways: sync state on the ticket; the issue type beside the project on
 * routing rules; every webhook delivery stored before it is processed (deduplicated
 * on Jira's delivery id); the comments Vigil wrote, so their echoes are not mirrored
 * back; and the circuit breaker of each connection, shared by every instance.
 */
export class Migration20261126120000_jira extends Migration {
	override up(): void {
		this.addSql(`
alter table tickets
	add column jira_status text check (jira_status in ('pending', 'linked', 'failed')),
	add column jira_error text,
	add column jira_issue_id text,
	add column jira_create_started_at timestamptz,
	add column jira_synced_audit_id bigint;
create index tickets_jira_key_idx on tickets (jira_key) where jira_key is not null;

alter table routing_rules add column jira_issue_type text;

create table jira_deliveries (
	id bigint generated always as identity primary key,
	identifier text unique,
	received_at timestamptz not null default now(),
	event text,
	issue_key text,
	body jsonb,
	status text not null default 'received'
		check (status in ('received', 'processed', 'ignored', 'failed', 'rejected')),
	outcome text,
	attempts integer not null default 0,
	processed_at timestamptz
);
create index jira_deliveries_pending_idx on jira_deliveries (issue_key, id) where status = 'received';

create table jira_comments (
	comment_id text primary key,
	issue_key text not null,
	ticket_id text not null,
	origin text not null check (origin in ('vigil', 'jira')),
	at timestamptz not null default now()
);

-- rate-limiter-flexible's table layout: calls to Jira per connection and second, on every instance.
create table jira_rate_limits (
	key varchar(255) primary key,
	points integer not null default 0,
	expire bigint
);

alter table connections
	add column breaker_state text not null default 'closed'
		check (breaker_state in ('closed', 'open', 'half_open')),
	add column breaker_failures integer not null default 0,
	add column breaker_open_until timestamptz;
`);
	}

	override down(): void {
		this.addSql(`
alter table connections drop column breaker_state, drop column breaker_failures, drop column breaker_open_until;
drop table jira_rate_limits;
drop table jira_comments;
drop table jira_deliveries;
alter table routing_rules drop column jira_issue_type;
drop index tickets_jira_key_idx;
alter table tickets drop column jira_status, drop column jira_error, drop column jira_issue_id,
	drop column jira_create_started_at, drop column jira_synced_audit_id;
`);
	}
}
