import { Migration } from '@mikro-orm/migrations';

/**
 * The GIN pending lists are now merged beside ingest (src/lib/server/db/gin-merges.ts), every
 * 200 ms while tickets are written, so an INSERT no longer needs a short list to keep its own
 * merges short (migration 20261201010000 set 512 kB for that). The limit goes back to
 * PostgreSQL's default, 4 MB, set here by name: it is now the fallback for when no merge
 * runs, and at 512 kB a busy batch could still reach it between two merges.
 */
const INDEXES = [
	'tickets_search_idx',
	'tickets_unresolved_search_idx',
	'tickets_recovery_keys_idx',
	'audit_log_search_idx'
];

export class Migration20261203010000_gin_merges_beside extends Migration {
	override up(): void {
		this.addSql(
			INDEXES.map((i) => `alter index ${i} set (gin_pending_list_limit = 4096);`).join('\n')
		);
	}

	override down(): void {
		this.addSql(
			INDEXES.map((i) => `alter index ${i} set (gin_pending_list_limit = 512);`).join('\n')
		);
	}
}
