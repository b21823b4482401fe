import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/**
 * The raw pool used for the hot paths (webhook keys, ingest, lists, exports), and for
 * enqueueing pg-boss jobs inside their transactions (`bossDb`; pg-boss keeps its own
 * connections otherwise). Entities with little traffic go through MikroORM instead.
 */
export function createPool(url: string, max = 20): pg.Pool {
	const pool = new pg.Pool({ connectionString: url, max, application_name: 'vigil' });
	// An idle client losing its connection must not crash the process.
	pool.on('error', () => {});
	return pool;
}

export async function inTransaction<T>(
	pool: pg.Pool,
	fn: (client: pg.PoolClient) => Promise<T>
): Promise<T> {
	const client = await pool.connect();
	try {
		await client.query('begin');
		const result = await fn(client);
		await client.query('commit');
		return result;
	} catch (err) {
		await client.query('rollback').catch(() => {});
		throw err;
	} finally {
		client.release();
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
