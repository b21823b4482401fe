import type { Pool } from '../db/pool.ts';
import { markBreached } from '../tickets/lifecycle.ts';

/**
 * The durable breach timer: a pg-boss job per ticket with `startAfter` at the
 * deadline, stored in PostgreSQL, so it fires after restarts and on any
 * instance. The job re-checks the ticket, so stale timers are harmless.
 */
export async function onBreachTimer(pool: Pool, ticketId: string): Promise<void> {
	await markBreached(pool, ticketId);
}
