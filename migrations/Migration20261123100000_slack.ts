import { Migration } from '@mikro-orm/migrations';

/**
 * Slack: delivery state on the ticket, the interactions already acted on
 * (Slack retries a delivery it thinks failed; a retry must never act twice),
 * the thread replies already posted, and a per-channel send slot shared by
 * every instance (Slack allows about one message per second per channel).
 */
export class Migration20261123100000_slack extends Migration {
	override up(): void {
		this.addSql(`
alter table tickets
	add column slack_status text check (slack_status in ('pending', 'posted', 'failed')),
	add column slack_error text,
	add column slack_hash text;

create table slack_interactions (
	id text primary key,
	received_at timestamptz not null default now(),
	action_id text not null,
	ticket_id text,
	slack_user_id text not null,
	slack_user_name text,
	channel_id text,
	message_ts text,
	retries_seen integer not null default 0,
	status text not null default 'queued' check (status in ('queued', 'done', 'refused', 'failed')),
	outcome text,
	processed_at timestamptz
);
create index slack_interactions_ticket_idx on slack_interactions (ticket_id);

create table slack_thread_replies (
	audit_id bigint primary key,
	ticket_id text not null,
	ts text not null,
	posted_at timestamptz not null default now()
);

create table slack_channel_pacing (
	channel text primary key,
	next_at timestamptz not null
);
`);
	}

	override down(): void {
		this.addSql(`
drop table slack_channel_pacing;
drop table slack_thread_replies;
drop table slack_interactions;
alter table tickets drop column slack_status, drop column slack_error, drop column slack_hash;
`);
	}
}
