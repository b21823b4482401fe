import { Migration } from '@mikro-orm/migrations';

/**
 * Jira reconciliation (issue #12): the connection's conflict policy and schedule with the last
 * run's outcome (one row: there is one Jira connection), and the conflicts the 'manual' policy
 * leaves for an admin. At most one open conflict per ticket: a later run that finds the same
 * drift again updates it instead of piling up rows.
 */
export class Migration20261129030000_jira_reconciliation extends Migration {
	override up(): void {
		this.addSql(`
create table jira_reconciliation (
	id boolean primary key default true check (id),
	policy text not null default 'default'
		check (policy in ('default', 'jira_wins', 'vigil_wins', 'manual')),
	every_minutes integer not null default 60 check (every_minutes between 5 and 1440),
	last_started_at timestamptz,
	last_finished_at timestamptz,
	last_result jsonb,
	last_error text,
	updated_at timestamptz not null default now(),
	updated_by text
);
insert into jira_reconciliation (id) values (true);

create table jira_conflicts (
	id bigint generated always as identity primary key,
	ticket_id text not null references tickets (id) on delete cascade,
	issue_key text not null,
	kind text not null check (kind in ('resolution', 'acknowledgement')),
	vigil_state text not null check (vigil_state in ('open', 'in_progress', 'closed')),
	jira_status text not null,
	jira_state text not null check (jira_state in ('open', 'in_progress', 'closed')),
	detected_at timestamptz not null default now(),
	last_seen_at timestamptz not null default now(),
	resolved_at timestamptz,
	resolved_by text,
	resolution text check (resolution in ('jira', 'vigil', 'gone'))
);
create unique index jira_conflicts_open_idx on jira_conflicts (ticket_id) where resolved_at is null;
create index jira_conflicts_recent_idx on jira_conflicts (detected_at desc);
`);
	}

	override down(): void {
		this.addSql(`
drop table jira_conflicts;
drop table jira_reconciliation;
`);
	}
}
