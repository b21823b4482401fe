import { Migration } from '@mikro-orm/migrations';

/**
 * Reads of the board's Open and In progress tabs that still went through every ticket at 1M:
 *
 * - A search there: the planner ANDed the text index with a whole scan of the recovery-keys
 *   index (partial on the same condition) to keep the unresolved matches (~60 ms). The text
 *   index again over unresolved tickets only holds just their words (22 MB beside 346 MB)
 *   and answers in ~3 ms. A new ticket is open, so it is written to both text indexes; one
 *   that closes leaves this one.
 * - An SLA outcome filter there, in the tabs' urgency order (Breached on the Open tab):
 *   unresolved tickets by outcome and deadline, read in order (~300 ms → ~2 ms when few match).
 * - Priority leads an index in the newest order like severity, source and SLA status
 *   (migration 20261130030000): without it a priority filter was answered from the urgency
 *   index, where priority is not the first column, by reading the whole index.
 */
export class Migration20261130040000_unresolved_reads extends Migration {
	override up(): void {
		this.addSql(`
create index tickets_unresolved_search_idx on tickets using gin (search) where status <> 'closed';
create index tickets_unresolved_sla_urgency_idx on tickets (sla_status, sla_deadline, priority, id)
	where status <> 'closed';
create index tickets_priority_created_idx on tickets (priority, created_at desc, id desc);
`);
	}

	override down(): void {
		this.addSql(`
drop index tickets_priority_created_idx;
drop index tickets_unresolved_sla_urgency_idx;
drop index tickets_unresolved_search_idx;
`);
	}
}
