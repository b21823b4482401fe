import type pg from 'pg';

/**
 * Counts the socket writes of every connection `pool` opens from now on: with the statements
 * of one round trip corked together (sendTogether), one write per round trip it started.
 */
export function countWrites(pool: pg.Pool, count: () => void): void {
	pool.on('connect', (client: pg.PoolClient) => {
		const stream = client.connection.stream as unknown as {
			_write: (...a: unknown[]) => unknown;
			_writev?: (...a: unknown[]) => unknown;
		};
		const write = stream._write.bind(stream);
		stream._write = (...a) => (count(), write(...a));
		if (stream._writev) {
			const writev = stream._writev.bind(stream);
			stream._writev = (...a) => (count(), writev(...a));
		}
	});
}
