import { Migration } from '@mikro-orm/migrations';

/**
 * Storms become one incident (issue #11): failures that share a cause within a
 * window are grouped under the first of them, the incident.
 *
 * - incident_id: set on a child, the incident (a ticket) it is grouped under;
 *   null on every standalone ticket and on the incident itself.
 * - incident_children: on the incident, how many children it has now (the
 *   board's count and the Slack message read it without a join).
 * - grouped_reason: why a ticket is grouped, in words ("grouped: resource
 *   shir-onprem-01, category connectivity, within 10 min").
 * - group_resource / group_fingerprint: the grouping keys of every ticket,
 *   computed at ingest whether grouping is on or not, so turning it on later
 *   groups from the next failure on. The partial indexes cover the lookup
 *   ingest makes under its advisory lock: an open, standalone ticket with the
 *   same key created within the window.
 * - incident_grouping: the admin's setting (one row): on or off, which keys,
 *   the window. Off by default, so an upgrade changes nothing until an admin
 *   turns it on.
 */
export class Migration20261128010000_incidents extends Migration {
	override up(): void {
		this.addSql(`
alter table tickets
	add column incident_id text references tickets (id) on delete set null,
	add column incident_children integer not null default 0,
	add column grouped_reason text,
	add column group_resource text,
	add column group_fingerprint text;
create index tickets_incident_idx on tickets (incident_id, created_at) where incident_id is not null;
create index tickets_group_resource_idx on tickets (group_resource, created_at)
	where incident_id is null and group_resource is not null and status <> 'closed';
create index tickets_group_fingerprint_idx on tickets (group_fingerprint, created_at)
	where incident_id is null and group_fingerprint is not null and status <> 'closed';

create table incident_grouping (
	id integer primary key default 1 check (id = 1),
	enabled boolean not null default false,
	by_resource boolean not null default true,
	by_fingerprint boolean not null default true,
	window_minutes integer not null default 10 check (window_minutes between 1 and 1440),
	updated_at timestamptz not null default now(),
	updated_by text
);
insert into incident_grouping (id) values (1);
`);
	}

	override down(): void {
		this.addSql(`
drop table incident_grouping;
drop index tickets_group_fingerprint_idx;
drop index tickets_group_resource_idx;
drop index tickets_incident_idx;
alter table tickets
	drop column group_fingerprint,
	drop column group_resource,
	drop column grouped_reason,
	drop column incident_children,
	drop column incident_id;
`);
	}
}
