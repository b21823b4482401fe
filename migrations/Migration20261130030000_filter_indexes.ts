import { Migration } from '@mikro-orm/migrations';

/**
 * The list filters that had no index (severity, source, SLA status), each leading the newest
 * order, so a combination of filters walks the index of its most selective one and reads only
 * its rows: severity Critical + source adf + SLA Breached read ~21,000 of the newest tickets
 * to find a page at 1M tickets (88 ms), and reads ~1,300 Critical ones with this. Three
 * indexes, not one per combination: the planner picks the one whose value is rarest (status,
 * team and team + priority already have theirs) and filters the rest on its rows.
 *
 * The statistics tell it how the filters go together (priority mostly follows severity; an
 * SLA is Met only once acknowledged), so a combination that matches little is not taken for
 * one that matches much and read through the newest tickets instead.
 */
export class Migration20261130030000_filter_indexes extends Migration {
	override up(): void {
		this.addSql(`
create index tickets_severity_created_idx on tickets (severity, created_at desc, id desc);
create index tickets_source_created_idx on tickets (source, created_at desc, id desc);
create index tickets_sla_created_idx on tickets (sla_status, created_at desc, id desc);
create statistics tickets_filters_stats (mcv) on status, severity, priority, source, sla_status from tickets;
analyze tickets;
`);
	}

	override down(): void {
		this.addSql(`
drop statistics tickets_filters_stats;
drop index tickets_sla_created_idx;
drop index tickets_source_created_idx;
drop index tickets_severity_created_idx;
`);
	}
}
