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
export function createPool(
	url: string,
	max = 20,
	timeouts: DbTimeouts = DB_TIMEOUTS,
	opts: { pipeline?: boolean } = {}
): pg.Pool {
	const pool: pg.Pool = new VigilPool({
		connectionString: url,
		max,
		application_name: 'vigil',
		...connectionSettings(timeouts),
		// pg's pipeline mode (see sendTogether): only for pools whose users send that way. It
		// refuses cursors and streams, so the general pool stays as it is.
		...(opts.pipeline ? { pipeline: true } : {})
	});
	guardPoolClients(pool, 'vigil');
	pool.on('connect', (client) => queryTimeouts.set(client, timeouts.queryMs));
	return pool;
}

/** Each connection's `query_timeout` (createPool's), which sendTogether spreads over a flight. */
const queryTimeouts = new WeakMap<pg.ClientBase, number>();

export interface Statement {
	text: string;
	values?: unknown[];
}

/**
 * Statements that do not need each other's answers, sent at once: on a pipelined client
 * (createPool's `pipeline`) they leave in one write and PostgreSQL runs them back to back,
 * one round trip for all; on any other client one after the other, with the same result.
 * A write to a PostgreSQL backend that waits for its next statement costs these machines
 * ~0.2 ms of CPU (waking it); ingest's batch made seven a transaction (bench/README.md).
 *
 * Answers in order, or rejects with the first failure: the statements after it fail only
 * because the transaction is aborted, and are not the cause.
 */
export async function sendTogether(
	client: pg.PoolClient,
	statements: Statement[]
): Promise<pg.QueryResult[]> {
	if (!client.pipeline) {
		const results: pg.QueryResult[] = [];
		for (const s of statements) results.push(await client.query(s.text, s.values));
		return results;
	}
	// pg times a pipelined query from when it is sent, not from when PostgreSQL starts it: the
	// k-th statement gets k times the connection's timeout, as many as it would have had one
	// after the other. A frozen server still fails the first at the usual bound (and with it
	// the connection, so the rest at once); a busy one may take each statement's full time.
	const queryMs = queryTimeouts.get(client) ?? DB_TIMEOUTS.queryMs;
	// Each query corks the socket for its own messages; corked around them all, they go in
	// one write. pg writes a pipelined query at once (query() is synchronous up to the write).
	const stream = client.connection.stream;
	stream.cork();
	let sent: Promise<pg.QueryResult>[];
	try {
		sent = statements.map((s, i) =>
			client.query({
				text: s.text,
				values: s.values,
				query_timeout: (i + 1) * queryMs
			} as pg.QueryConfig)
		);
	} finally {
		stream.uncork();
	}
	const settled = await Promise.allSettled(sent);
	const failed = settled.find((r) => r.status === 'rejected');
	if (failed) throw failed.reason;
	return settled.map((r) => (r as PromiseFulfilledResult<pg.QueryResult>).value);
}

export async function inTransaction<T>(
	pool: pg.Pool,
	fn: (client: pg.PoolClient) => Promise<T>
): Promise<T> {
	return transaction(pool, [], async (client) => ({ result: await fn(client) }));
}

/** Gets the opening statements' results; answers with its result and the closing statements. */
type TogetherFn<T> = (
	client: pg.PoolClient,
	opened: pg.QueryResult[]
) => Promise<{ result: T; closing?: Statement[] }>;

/**
 * inTransaction in as few round trips as its statements allow (sendTogether): `opening` goes
 * with the BEGIN, `fn` gets their results, and the statements it answers with (`closing`) go
 * with the COMMIT. What `fn` sends itself runs between, in the same transaction.
 */
export async function inTransactionTogether<T>(
	pool: pg.Pool,
	opening: Statement[],
	fn: TogetherFn<T>
): Promise<T> {
	return transaction(pool, opening, fn);
}

async function transaction<T>(pool: pg.Pool, opening: Statement[], fn: TogetherFn<T>): Promise<T> {
	const client = await pool.connect();
	// Also guarded by guardPoolClients for pools made here; this one holds for any pool.
	let broken: Error | undefined;
	const onError = (err: Error) => void (broken ??= err);
	client.on('error', onError);
	try {
		const [, ...opened] = await sendTogether(client, [{ text: 'begin' }, ...opening]);
		const { result, closing = [] } = await fn(client, opened);
		const done = (await sendTogether(client, [...closing, { text: 'commit' }])).at(-1)!;
		// A failed statement that fn caught leaves the transaction aborted, and PostgreSQL
		// answers COMMIT with ROLLBACK rather than an error: that is no commit.
		if (done.command !== 'COMMIT') throw new Error(`transaction ended in ${done.command}`);
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
