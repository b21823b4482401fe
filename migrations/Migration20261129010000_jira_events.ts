import { Migration } from '@mikro-orm/migrations';

/**
 * The Jira event log: the deliveries table also holds every call Vigil makes to
 * Jira (direction 'outbound') and, once polling lands, every issue it fetched
 * (direction 'poll'), so one keyset-paged list and one set of stats cover the
 * whole sync. An outbound row keeps the job that made it, so a failed call can be
 * queued again from the log.
 */
export class Migration20261129010000_jira_events extends Migration {
	override up(): void {
		this.addSql(`
alter table jira_deliveries
	add column direction text not null default 'inbound'
		check (direction in ('inbound', 'outbound', 'poll')),
	add column ticket_id text,
	add column http_status integer,
	add column duration_ms integer,
	add column job jsonb;
create index jira_deliveries_received_at_idx on jira_deliveries (received_at);
create index jira_deliveries_issue_idx on jira_deliveries (issue_key, id) where issue_key is not null;
`);
	}

	override down(): void {
		this.addSql(`
drop index jira_deliveries_issue_idx;
drop index jira_deliveries_received_at_idx;
alter table jira_deliveries drop column direction, drop column ticket_id, drop column http_status,
	drop column duration_ms, drop column job;
`);
	}
}
