import { Migration } from '@mikro-orm/migrations';

/**
 * A GIN index takes new entries into an unsorted pending list and merges that list into the
 * index once it passes gin_pending_list_limit (4 MB by default) — inside the INSERT that went
 * over it. Under a storm that was one ingest batch every few seconds stalling on a merge of
 * thousands of tickets' words, and every webhook of that batch waiting with it: the slow
 * answers came in bursts of 30–50 within 100 ms. With a 512 kB list each merge is an eighth
 * as long, at the same throughput: `bench:ingest` p99 176 → 114 ms (median of 3 rounds,
 * back to back; 862 vs 885 webhooks/s), and on a fresh database 113–127 → 80 ms
 * (bench/README.md, "Merges of the text indexes"). A shorter list also leaves less unsorted
 * data for every search to scan. All four GIN indexes a webhook writes to.
 */
const INDEXES = [
	'tickets_search_idx',
	'tickets_unresolved_search_idx',
	'tickets_recovery_keys_idx',
	'audit_log_search_idx'
];

export class Migration20261201010000_gin_pending_list extends Migration {
	override up(): void {
		this.addSql(
			INDEXES.map((i) => `alter index ${i} set (gin_pending_list_limit = 512);`).join('\n')
		);
	}

	override down(): void {
		this.addSql(INDEXES.map((i) => `alter index ${i} reset (gin_pending_list_limit);`).join('\n'));
	}
}
