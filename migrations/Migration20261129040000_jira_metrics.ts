import { Migration } from '@mikro-orm/migrations';

/**
 * Jira metrics per ticket, from its issue's changelog (issue #12):
 *
 * - jira_status_intervals: the statuses the issue went through, one row per stay
 *   (left_at null while it is still there), replaced whole at each refresh.
 * - on the ticket: Jira's creation date, when work started (first in-progress
 *   status) and when it was resolved (the closed run it is still in), the two
 *   durations the API and the CSV expose, how often it was reopened, when the
 *   changelog was last read and why the last read failed.
 */
export class Migration20261129040000_jira_metrics extends Migration {
	override up(): void {
		this.addSql(`
alter table tickets
	add column jira_created_at timestamptz,
	add column jira_started_at timestamptz,
	add column jira_resolved_at timestamptz,
	add column jira_time_to_start_seconds integer check (jira_time_to_start_seconds >= 0),
	add column jira_time_to_resolve_seconds integer check (jira_time_to_resolve_seconds >= 0),
	add column jira_reopened integer not null default 0,
	add column jira_metrics_at timestamptz,
	add column jira_metrics_error text;

create table jira_status_intervals (
	ticket_id text not null references tickets (id) on delete cascade,
	seq integer not null,
	status text not null,
	status_id text,
	category text check (category in ('new', 'indeterminate', 'done')),
	entered_at timestamptz not null,
	left_at timestamptz,
	primary key (ticket_id, seq),
	check (left_at is null or left_at >= entered_at)
);
`);
	}

	override down(): void {
		this.addSql(`
drop table jira_status_intervals;
alter table tickets
	drop column jira_created_at,
	drop column jira_started_at,
	drop column jira_resolved_at,
	drop column jira_time_to_start_seconds,
	drop column jira_time_to_resolve_seconds,
	drop column jira_reopened,
	drop column jira_metrics_at,
	drop column jira_metrics_error;
`);
	}
}
