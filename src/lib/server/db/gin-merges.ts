import { log } from '../log.ts';
import { metrics } from '../metrics.ts';
import type { Pool } from './pool.ts';

/**
 * A GIN index (the tickets' and the audit log's text search, the tickets' recovery keys)
 * takes new entries into an unsorted pending list and merges that list into the index when
 * it passes gin_pending_list_limit, inside whichever statement pushed it over. Under a storm
 * that statement was an ingest batch's INSERT, and every webhook of the batch waited for the
 * merge: at ~1,200 webhooks/s about three INSERTs a second ran 15-25 ms instead of a few, a
 * merge each (auto_explain), and the webhooks queued behind that batch waited too. This merges the lists beside the writers instead:
 * on the shared pool, at most every `intervalMs` while tickets are being written, so a list
 * stays a few hundred kB and no INSERT reaches the limit (4 MB, migration 20261203010000).
 * `bench:ingest`, three runs of each build alternated: p99 per round 59-106 → 56-78 ms, p95
 * 52-80 → 49-63 ms (bench/README.md, "Merges beside the batch").
 *
 * Nothing is lost when a merge does not run (this process stopped, the database away): the
 * list merges at its limit as before, or when autovacuum visits the table. That is why this
 * is a timer in the process and not a pg-boss job: a job per 200 ms would cost more
 * statements than the merge saves, and there is no work to keep.
 */
export interface GinMerger {
	/** Entries went into the lists (tickets or audit entries were written): merge soon. */
	wrote(): void;
	/** Waits for a merge under way; none starts after. */
	stop(): Promise<void>;
}

/** The tables whose GIN indexes an ingest batch writes to. */
const TABLES = ['tickets', 'audit_log'];
const LOCK = 'vigil:gin-merge';

// One instance merges at a time (the advisory lock, released with the statement): a second
// would wait on the index's own cleanup lock with a pool connection, then find nothing to do.
// gin_clean_pending_list takes the same lock as an INSERT on the index: writers go on.
const MERGE = `
	select l.got, coalesce((
		select sum(gin_clean_pending_list(i.indexrelid))
		from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
		where a.amname = 'gin' and i.indrelid = any($1::regclass[]) and l.got
	), 0)::int as pages
	from (select pg_try_advisory_xact_lock(hashtextextended($2, 0)) as got) l`;

export function createGinMerger(pool: Pool, opts: { intervalMs?: number } = {}): GinMerger {
	const intervalMs = opts.intervalMs ?? 200;
	let dirty = false;
	let stopped = false;
	let running: Promise<void> | null = null;
	let timer: NodeJS.Timeout | null = null;
	let lastStart = -Infinity;
	let failing = false;

	const merge = async () => {
		try {
			const r = await pool.query<{ got: boolean; pages: number }>(MERGE, [TABLES, LOCK]);
			metrics.ginMerges.inc({ outcome: r.rows[0]?.got ? 'merged' : 'skipped' });
			if (failing) log.info('GIN pending lists merged again');
			failing = false;
		} catch (err) {
			metrics.ginMerges.inc({ outcome: 'failed' });
			// Once per outage, not every 200 ms: the lists still merge at their limit meanwhile.
			if (!failing) log.warn({ err }, 'GIN pending-list merge failed; INSERTs merge at the limit');
			failing = true;
		}
	};
	const run = () => {
		timer = null;
		if (stopped || running || !dirty) return;
		dirty = false;
		lastStart = performance.now();
		running = merge().finally(() => {
			running = null;
			schedule();
		});
	};
	const schedule = () => {
		if (stopped || running || timer || !dirty) return;
		timer = setTimeout(run, Math.max(0, lastStart + intervalMs - performance.now()));
		timer.unref();
	};

	return {
		wrote() {
			dirty = true;
			schedule();
		},
		async stop() {
			stopped = true;
			if (timer) clearTimeout(timer);
			timer = null;
			await running;
		}
	};
}
