import { Migration } from '@mikro-orm/migrations';

/**
 * Jira polling, per connection: the watermark (the newest `updated` of the issues already
 * stored for processing), when the last run ended and how, and a lease so that one instance
 * polls at a time. Polled updates themselves go to jira_deliveries, deduplicated on an
 * identifier made of the issue key and its `updated`.
 */
export class Migration20261129020000_jira_polling extends Migration {
	override up(): void {
		this.addSql(`
create table jira_poll_state (
	kind text primary key check (kind in ('jira')),
	watermark timestamptz,
	lease_until timestamptz,
	started_at timestamptz,
	finished_at timestamptz,
	last_ok_at timestamptz,
	last_error text,
	last_error_at timestamptz,
	failures integer not null default 0,
	next_poll_at timestamptz,
	last_pages integer not null default 0,
	last_issues integer not null default 0,
	last_queued integer not null default 0,
	last_jql text
);
`);
	}

	override down(): void {
		this.addSql(`drop table jira_poll_state;`);
	}
}
