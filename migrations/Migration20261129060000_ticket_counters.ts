import { Migration } from '@mikro-orm/migrations';

/**
 * What /api/stats and the board's tabs count, kept as running totals instead of an aggregate
 * over every ticket on every call (105 ms at 100k tickets, growing with the table).
 *
 * Statement-level triggers on tickets and audit_log add each statement's difference to the
 * row of the backend that ran it (slot = pg_backend_pid()). A backend runs one transaction at
 * a time, so writers never wait on each other's counter row: no hot row for ingest to queue
 * on, and no lock order to deadlock on. The totals are the sum over the rows, exact in any
 * snapshot (a change and its counts commit together), whoever wrote (Vigil, a script, psql).
 * Slot 0 holds merged totals: a reader folds the other slots into it now and then
 * (mergeCounters, SKIP LOCKED so it never waits on a writer).
 *
 * `changes` counts the ticket rows written (inserted, deleted, or updated in a column the
 * analytics read): a generation analytics/queries.ts compares to know its cached figures are
 * still exact, on every instance, without a notification. A statement that changes nothing
 * counted (triage, Slack and Jira bookkeeping) writes nothing. The time-dependent figure (open tickets past their deadline) is not a counter: it
 * is the open count minus the open tickets still inside their deadline, which
 * tickets_open_due_idx answers by a short range scan.
 */
const COUNTED = [
	'open',
	'in_progress',
	'closed',
	'sla_breached',
	'ack_sum',
	'ack_count',
	'mttr_sum',
	'mttr_count'
];

/** One statement's rows as counter values, times sign (1 for rows added, -1 for rows gone). */
const deltas = (rows: string, sign: 1 | -1) => `select
		${sign} * count(*) filter (where status = 'open' and incident_id is null) as open,
		${sign} * count(*) filter (where status = 'in_progress' and incident_id is null) as in_progress,
		${sign} * count(*) filter (where status = 'closed' and incident_id is null) as closed,
		${sign} * count(*) filter (where sla_status = 'Breached') as sla_breached,
		${sign} * coalesce(sum(ack_seconds), 0) as ack_sum,
		${sign} * count(ack_seconds) as ack_count,
		${sign} * coalesce(sum(mttr_seconds), 0) as mttr_sum,
		${sign} * count(mttr_seconds) as mttr_count
	from ${rows}`;

const sums = COUNTED.map((c) => `sum(${c})::bigint as ${c}`).join(', ');

/** Every column the counters keep, in ticket_counters_add's argument order. */
const ALL = [...COUNTED, 'audits', 'changes'];

// What analytics/queries.ts reads: a change to one of these is a change of generation.
const ANALYSED = [
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
];

const triggerFunction = (name: string, source: string, changes: string) => `
create function ${name}() returns trigger language plpgsql as $$
declare d record;
begin
	select ${sums} into d from (${source}) as x;
	perform ticket_counters_add(${COUNTED.map((c) => `d.${c}`).join(', ')}, 0, (${changes}));
	return null;
end
$$;`;

const analysedChanged = `select count(*) from new_rows n join old_rows o on o.id = n.id
	where (${ANALYSED.map((c) => `n.${c}`).join(', ')}) is distinct from (${ANALYSED.map((c) => `o.${c}`).join(', ')})`;

export class Migration20261129060000_ticket_counters extends Migration {
	override up(): void {
		this.addSql(`
create table ticket_counters (
	slot integer primary key,
	${COUNTED.map((c) => `${c} bigint not null default 0`).join(',\n\t')},
	audits bigint not null default 0,
	changes bigint not null default 0
);

create function ticket_counters_add(${ALL.map((c) => `d_${c} bigint`).join(', ')})
returns void language plpgsql as $$
begin
	if ${ALL.map((c) => `d_${c} = 0`).join(' and ')} then
		return;
	end if;
	insert into ticket_counters as c (slot, ${ALL.join(', ')})
	values (pg_backend_pid(), ${ALL.map((c) => `d_${c}`).join(', ')})
	on conflict (slot) do update set
		${ALL.map((c) => `${c} = c.${c} + excluded.${c}`).join(',\n\t\t')};
end
$$;
${triggerFunction('ticket_counters_insert', deltas('new_rows', 1), 'select count(*) from new_rows')}
${triggerFunction('ticket_counters_delete', deltas('old_rows', -1), 'select count(*) from old_rows')}
${triggerFunction('ticket_counters_update', `${deltas('new_rows', 1)} union all ${deltas('old_rows', -1)}`, analysedChanged)}

create function ticket_counters_truncate() returns trigger language plpgsql as $$
begin
	update ticket_counters set ${COUNTED.map((c) => `${c} = 0`).join(', ')},
		changes = changes + case when slot = 0 then 1 else 0 end;
	return null;
end
$$;

create function ticket_counters_audit() returns trigger language plpgsql as $$
begin
	perform ticket_counters_add(${COUNTED.map(() => '0').join(', ')}, (select count(*) from new_rows), 0);
	return null;
end
$$;

create trigger tickets_counters_insert after insert on tickets
	referencing new table as new_rows for each statement execute function ticket_counters_insert();
create trigger tickets_counters_update after update on tickets
	referencing old table as old_rows new table as new_rows
	for each statement execute function ticket_counters_update();
create trigger tickets_counters_delete after delete on tickets
	referencing old table as old_rows for each statement execute function ticket_counters_delete();
create trigger tickets_counters_truncate after truncate on tickets
	for each statement execute function ticket_counters_truncate();
create trigger audit_log_counters_insert after insert on audit_log
	referencing new table as new_rows for each statement execute function ticket_counters_audit();

-- The triggers' creation locked both tables against writes until this migration commits, so
-- the starting totals and the triggers' differences neither overlap nor leave a gap.
insert into ticket_counters (slot, ${[...COUNTED, 'audits'].join(', ')})
select 0, ${COUNTED.map((c) => `coalesce(sum(${c}), 0)`).join(', ')}, (select count(*) from audit_log)
from (${deltas('tickets', 1)}) as t;

create index tickets_open_due_idx on tickets (sla_deadline)
	where status = 'open' and incident_id is null and sla_status <> 'Breached';
`);
	}

	override down(): void {
		this.addSql(`
drop index tickets_open_due_idx;
drop trigger audit_log_counters_insert on audit_log;
drop trigger tickets_counters_truncate on tickets;
drop trigger tickets_counters_delete on tickets;
drop trigger tickets_counters_update on tickets;
drop trigger tickets_counters_insert on tickets;
drop function ticket_counters_audit();
drop function ticket_counters_truncate();
drop function ticket_counters_update();
drop function ticket_counters_delete();
drop function ticket_counters_insert();
drop function ticket_counters_add(${ALL.map(() => 'bigint').join(', ')});
drop table ticket_counters;
`);
	}
}
