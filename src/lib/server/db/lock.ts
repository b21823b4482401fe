import pg from 'pg';
import { log } from '../log.ts';
import { DB_TIMEOUTS } from './pool.ts';

/**
 * The advisory lock key instances take around their start-up writes: migrations, pg-boss's
 * queues, the seeded connections and the bootstrap admin and webhook key. Any 64-bit number
 * works as long as nothing else in the database uses it; this one spells "vigil" + 1.
 */
export const STARTUP_LOCK_KEY = 0x76_69_67_69_6c_01n;

/**
 * Runs `fn` while holding STARTUP_LOCK_KEY, so instances started together (a deployment,
 * a scaled-out set) migrate and bootstrap one after the other: the second finds the schema
 * migrated and the admin created, instead of racing the first to create them twice or
 * failing half-way on a duplicate.
 *
 * The lock is a session lock on a connection of its own, held for as long as `fn` runs
 * (a migration may take minutes, so no statement timeout): if this process dies, PostgreSQL
 * ends the session and the next instance goes on.
 */
export async function withStartupLock<T>(url: string, fn: () => Promise<T>): Promise<T> {
	const client = new pg.Client({
		connectionString: url,
		connectionTimeoutMillis: DB_TIMEOUTS.connectMs,
		keepAlive: true,
		application_name: 'vigil-startup-lock'
	});
	// A lost connection rejects the query in flight; this only keeps it from crashing the process.
	client.on('error', (err) => log.warn({ msg: err.message }, 'start-up lock connection lost'));
	await client.connect();
	try {
		const started = Date.now();
		const got = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [
			STARTUP_LOCK_KEY.toString()
		]);
		if (!got.rows[0]?.ok) {
			log.info('another instance is migrating or bootstrapping: waiting for it');
			await client.query('select pg_advisory_lock($1)', [STARTUP_LOCK_KEY.toString()]);
			log.info({ waitedMs: Date.now() - started }, 'start-up lock acquired');
		}
		return await fn();
	} finally {
		// Ending the session releases the lock; an explicit unlock would only add a round trip.
		await client.end().catch(() => {});
	}
}
