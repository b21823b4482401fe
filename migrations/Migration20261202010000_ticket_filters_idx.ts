import { Migration } from '@mikro-orm/migrations';

/**
 * A combination of filters that matches nothing, or almost nothing, had to read what each of
 * its filters matches before it knew: P4 + Critical (priority follows severity unless someone
 * changes it) ANDed bitmaps of 250,000 and 50,000 tickets, and Open + Met (Met is set when a
 * ticket resolves) walked every open ticket — 240 and 320 ms p95 at 1M tickets.
 *
 * One B-tree over the five filter columns answers any such combination from the index alone.
 * They hold a few hundred distinct combinations, so B-tree deduplication keeps it to ~7 MB at
 * 1M tickets (the newest-order indexes are ~100 MB each) and a new ticket adds one TID to a
 * posting list. PostgreSQL 18 skips over the leading columns a query leaves out (Open + Met:
 * 0.4 ms); 15–17 read the whole small index instead (~5 ms). The newest-order indexes stay
 * the planner's choice when many tickets match and the first page is found by reading a few
 * of them in order.
 *
 * Status comes last: first, it made the index the cheapest-looking way to select the open
 * tickets, and the planner ANDed those 40,000 entries into every search of the Open tab
 * (board search 2.4 → 10 ms at 1M).
 */
export class Migration20261202010000_ticket_filters_idx extends Migration {
	override up(): void {
		this.addSql(
			`create index tickets_filters_idx on tickets (priority, severity, source, sla_status, status);`
		);
	}

	override down(): void {
		this.addSql(`drop index tickets_filters_idx;`);
	}
}
