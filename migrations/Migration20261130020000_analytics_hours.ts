import { Migration } from '@mikro-orm/migrations';

/**
 * Which hours of incidents changed, so analytics recomputes only those: a 90-day window is a
 * quarter of a million tickets at a year's volume (percentiles included, ~6 s), while the one
 * hour or day a change falls in is a few thousand at most.
 *
 * `analytics_changes` counts, per UTC hour of `created_at`, the ticket rows written in a column
 * the analytics read (inserted, deleted, or updated in one of those columns; a ticket moved to
 * another hour counts in both). Analytics keeps the figures of each hour or day with the sum it
 * was computed at and recomputes a unit only when its sum moved, whoever wrote (Vigil on any
 * instance, a script, psql), without a notification.
 *
 * Written like ticket_counters: statement-level triggers add to the row of the backend that ran
 * the statement (slot = pg_backend_pid()), so concurrent writers never queue on the current
 * hour's row; analytics/changes.ts folds those rows into slot 0 now and then (SKIP LOCKED).
 * Only sums matter, and they only grow, so a figure computed at one sum is exact while the
 * sum stays the same.
 */
// The ticket columns analytics/units.ts reads.
const ANALYSED = [
	'id',
	'created_at',
	'status',
	'priority',
	'sla_status',
	'ack_seconds',
	'mttr_seconds',
	'pipeline',
	'occurrences',
	'team',
	'jira_time_to_resolve_seconds'
].join(', ');

const HOUR = `date_trunc('hour', created_at, 'UTC')`;

const addHours = (rows: string) => `
	insert into analytics_changes as c (hour, slot, changes)
	select ${HOUR}, pg_backend_pid(), count(*) from ${rows} group by 1 order by 1
	on conflict (hour, slot) do update set changes = c.changes + excluded.changes;`;

export class Migration20261130020000_analytics_hours extends Migration {
	override up(): void {
		this.addSql(`
create table analytics_changes (
	hour timestamptz not null,
	slot integer not null,
	changes bigint not null,
	primary key (hour, slot)
);

create function analytics_changes_insert() returns trigger language plpgsql as $$
begin
	${addHours('new_rows')}
	return null;
end
$$;

create function analytics_changes_delete() returns trigger language plpgsql as $$
begin
	${addHours('old_rows')}
	return null;
end
$$;

-- A row version on one side only is a change: its old hour and its new hour both count. The
-- set difference needs no id match, and a statement that changes no analysed column writes nothing.
create function analytics_changes_update() returns trigger language plpgsql as $$
begin
	${addHours(`(
		(select ${ANALYSED} from new_rows except all select ${ANALYSED} from old_rows)
		union all
		(select ${ANALYSED} from old_rows except all select ${ANALYSED} from new_rows)
	) as changed`)}
	return null;
end
$$;

-- Every hour that ever held a ticket has a row (backfilled below), so every one moves.
create function analytics_changes_truncate() returns trigger language plpgsql as $$
begin
	update analytics_changes set changes = changes + 1;
	return null;
end
$$;

create trigger tickets_analytics_insert after insert on tickets
	referencing new table as new_rows for each statement execute function analytics_changes_insert();
create trigger tickets_analytics_update after update on tickets
	referencing old table as old_rows new table as new_rows
	for each statement execute function analytics_changes_update();
create trigger tickets_analytics_delete after delete on tickets
	referencing old table as old_rows for each statement execute function analytics_changes_delete();
create trigger tickets_analytics_truncate after truncate on tickets
	for each statement execute function analytics_changes_truncate();

-- The triggers' creation locked tickets against writes until this migration commits.
insert into analytics_changes (hour, slot, changes)
select ${HOUR}, 0, count(*) from tickets group by 1;
`);
	}

	override down(): void {
		this.addSql(`
drop trigger tickets_analytics_truncate on tickets;
drop trigger tickets_analytics_delete on tickets;
drop trigger tickets_analytics_update on tickets;
drop trigger tickets_analytics_insert on tickets;
drop function analytics_changes_truncate();
drop function analytics_changes_update();
drop function analytics_changes_delete();
drop function analytics_changes_insert();
drop table analytics_changes;
`);
	}
}
