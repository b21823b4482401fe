import pg from 'pg';
import { log } from '../log.ts';
import { isConnectionError, rethrowDatabaseError } from './errors.ts';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/**
 * How long Vigil waits on PostgreSQL before answering 503. A database that hangs (rather
 * than refuses) would otherwise hold every request for as long as it stalls.
 *
 * - connect: a new connection, or a free slot in a full pool;
 * - query: any one query, measured by the client (the only bound that works when the server
 *   is frozen and sends nothing); the server's statement_timeout is set a little shorter, so
 *   a merely slow statement is cancelled by PostgreSQL and its connection survives.
 */
export interface DbTimeouts {
	connectMs: number;
	queryMs: number;
	statementMs: number;
}

export const DB_TIMEOUTS: Readonly<DbTimeouts> = {
	connectMs: 3000,
	queryMs: 5000,
	statementMs: 4500
};

/** pg connection settings shared by every pool Vigil makes (its own and MikroORM's). */
export function connectionSettings(timeouts: DbTimeouts = DB_TIMEOUTS) {
	return {
		connectionTimeoutMillis: timeouts.connectMs,
		query_timeout: timeouts.queryMs,
		statement_timeout: timeouts.statementMs,
		// A peer that vanished without a FIN (network partition) is noticed by the kernel.
		keepAlive: true
	};
}

/**
 * A connection dropped under a client emits 'error' on that client. pg-pool listens only while
 * the client is idle in the pool, and a checked-out client without a listener crashes the process
 * (57P01 when PostgreSQL restarts). So every client gets a listener of its own for its whole life;
 * the query in flight rejects by itself, and the pool discards the broken client on release.
 */
export function guardPoolClients(pool: pg.Pool, name: string): void {
	pool.on('connect', (client) => {
		client.on('error', (err: Error & { code?: string }) =>
			log.warn({ pool: name, code: err.code, msg: err.message }, 'database connection lost')
		);
	});
	// An idle client losing its connection: already removed from the pool.
	pool.on('error', (err: Error & { code?: string }) =>
		log.warn({ pool: name, code: err.code, msg: err.message }, 'idle database connection lost')
	);
}

/**
 * pg.Pool whose failures to reach the database reject as DatabaseUnavailableError (answered
 * 503 + Retry-After); every other error is unchanged.
 */
class VigilPool extends pg.Pool {
	override query(...args: unknown[]): never {
		const ret = (super.query as (...a: unknown[]) => unknown)(...args);
		// Only the promise form is used in Vigil; a callback form returns undefined.
		return (ret instanceof Promise ? ret.catch(rethrowDatabaseError) : ret) as never;
	}
	override connect(...args: unknown[]): never {
		const ret = (super.connect as (...a: unknown[]) => unknown)(...args);
		return (ret instanceof Promise ? ret.catch(rethrowDatabaseError) : ret) as never;
	}
}

/**
 * The raw pool used for the hot paths (webhook keys, ingest, lists, exports), and for
 * enqueueing pg-boss jobs inside their transactions (`bossDb`; pg-boss keeps its own
 * connections otherwise). Entities with little traffic go through MikroORM instead.
 */
export function createPool(url: string, max = 20, timeouts: DbTimeouts = DB_TIMEOUTS): pg.Pool {
	const pool: pg.Pool = new VigilPool({
		connectionString: url,
		max,
		application_name: 'vigil',
		...connectionSettings(timeouts)
	});
	guardPoolClients(pool, 'vigil');
	return pool;
}

export async function inTransaction<T>(
	pool: pg.Pool,
	fn: (client: pg.PoolClient) => Promise<T>
): Promise<T> {
	const client = await pool.connect();
	// Also guarded by guardPoolClients for pools made here; this one holds for any pool.
	let broken: Error | undefined;
	const onError = (err: Error) => void (broken ??= err);
	client.on('error', onError);
	try {
		await client.query('begin');
		const result = await fn(client);
		await client.query('commit');
		return result;
	} catch (err) {
		// A connection that failed under us is not rolled back (there is nothing to talk to, or a
		// timed-out query may still be running on it): it is discarded below.
		if (!broken && isConnectionError(err)) broken = err as Error;
		if (!broken) await client.query('rollback').catch((e: Error) => void (broken = e));
		return rethrowDatabaseError(err);
	} finally {
		client.removeListener('error', onError);
		client.release(broken);
	}
}

/** Shapes a pg client as pg-boss's `db` option, so jobs are enqueued inside our transaction. */
export function bossDb(client: pg.PoolClient) {
	return {
		executeSql: async (text: string, values?: unknown[]) => {
			const r = await client.query(text, values as unknown[]);
			return { rows: r.rows };
		}
	};
}
