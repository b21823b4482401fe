import type { PgBoss } from 'pg-boss';
import { inTransaction, type Pool } from '../db/pool.ts';
import { publish } from '../events.ts';
import { enqueueAfterTriageMany } from '../tickets/after-triage.ts';
import { TICKET_COLUMNS, toTicketDto } from '../tickets/rows.ts';

/**
 * Marks tickets whose triage stays offline (no AI configured) as finished, all in one
 * transaction, and announces them once it committed. Idempotent: only tickets still pending
 * change, so a retried or repeated job changes nothing twice.
 */
export async function finishOffline(pool: Pool, boss: PgBoss, ids: string[]): Promise<void> {
	const changed = await inTransaction(pool, async (tx) => {
		// Locked in id order, so two batches (or a bulk action) never wait on each other in a circle.
		const r = await tx.query(
			`with locked as (
				select id from tickets where id = any($1::text[]) and triage_status = 'pending'
				order by id for update
			)
			update tickets t set triage_status = 'offline_only', version = t.version + 1, updated_at = now()
			from locked where t.id = locked.id
			returning ${TICKET_COLUMNS.split(', ')
				.map((c) => `t.${c}`)
				.join(', ')}`,
			[ids]
		);
		return enqueueAfterTriageMany(tx, boss, r.rows.map(toTicketDto));
	});
	for (const ticket of changed) publish('ticket:updated', ticket);
}

/**
 * Gathers the offline triage of the jobs that reach it in the same turn of the event loop (a
 * fetched batch runs its jobs side by side) into one finishOffline: one commit, one WAL flush,
 * for the batch instead of one per job. Each caller's promise settles with that transaction.
 */
export function offlineBatcher(pool: Pool, boss: PgBoss): (ticketId: string) => Promise<void> {
	interface Waiting {
		id: string;
		resolve: () => void;
		reject: (err: unknown) => void;
	}
	let waiting: Waiting[] | null = null;
	const flush = async () => {
		const batch = waiting ?? [];
		waiting = null;
		try {
			await finishOffline(
				pool,
				boss,
				batch.map((b) => b.id)
			);
			for (const b of batch) b.resolve();
		} catch (err) {
			for (const b of batch) b.reject(err);
		}
	};
	return (ticketId) =>
		new Promise<void>((resolve, reject) => {
			if (!waiting) {
				waiting = [];
				setImmediate(() => void flush());
			}
			waiting.push({ id: ticketId, resolve, reject });
		});
}
