import { createAdapter } from '@socket.io/postgres-adapter';
import type pg from 'pg';
import type { Server } from 'socket.io';
import { coalescing } from '../db/coalesce.ts';
import { createPool } from '../db/pool.ts';
import { log } from '../log.ts';

/**
 * Socket.IO across instances, through the database they already share (no Redis): every
 * broadcast, disconnectSockets and serverSideEmit of one instance reaches the sockets of all
 * the others (the adapter NOTIFYs on `socket.io#/`; a payload over 8,000 bytes goes through
 * the socket_io_attachments table, migration 20261128040000). With one instance it costs a
 * NOTIFY per broadcast (sent together when they come in bursts: coalescedNotify); it is on
 * always, so one instance and several behave the same.
 *
 * The adapter holds one connection for LISTEN and publishes through the others: a pool of its
 * own, so a flood of webhooks filling Vigil's pool never holds up a broadcast, and closed
 * (after the adapter) when the runtime stops.
 */
export interface Cluster {
	close(): Promise<void>;
}

/** How often each instance says it is alive, and after how long without it one counts as gone. */
const HEARTBEAT_MS = 5000;
const HEARTBEAT_TIMEOUT_MS = 10_000;

/** The one statement the adapter publishes every broadcast with (its util.js). */
const NOTIFY = 'SELECT pg_notify($1, $2)';

/**
 * The adapter sends one `pg_notify` per broadcast, and a webhook makes three (created, its
 * audit entry, triaged): here the broadcasts made while one is on its way go out together,
 * one statement and one commit. PostgreSQL delivers one transaction's notifications in the
 * order they were sent, and the statements leave in call order, so every board sees them in
 * order. (It delivers identical channel and payload pairs of one transaction once: two such
 * broadcasts carry the same event, and the board merges by id and version.) 100 a statement
 * keeps it well under PostgreSQL's limits (8,000 bytes a payload; larger ones the adapter
 * sends through its attachments table, not this way).
 */
function coalescedNotify(pool: pg.Pool) {
	return coalescing<{ channel: string; payload: string }, void>(
		async (batch) => {
			await pool.query(
				`select ${batch.map((_, i) => `pg_notify($${2 * i + 1}, $${2 * i + 2})`).join(', ')}`,
				batch.flatMap((n) => [n.channel, n.payload])
			);
			return batch.map(() => undefined);
		},
		{ max: 100 }
	);
}

export function joinCluster(io: Server, url: string): Cluster {
	const pool = createPool(url, 4);
	// The adapter keeps its LISTEN client checked out and, when that connection ends (the
	// database restarted), takes a new one without releasing the old: hand the dead one back
	// so a few restarts cannot use up the pool.
	const notify = coalescedNotify(pool);
	const adapterPool = {
		query(text: string, values?: unknown[]) {
			if (text === NOTIFY && values?.length === 2)
				return notify({ channel: String(values[0]), payload: String(values[1]) });
			return pool.query(text, values);
		},
		async connect(): Promise<pg.PoolClient> {
			const client = await pool.connect();
			client.once('end', () => {
				try {
					client.release(new Error('connection ended'));
				} catch {
					// Already released by the adapter's close().
				}
			});
			return client;
		}
	} as unknown as pg.Pool;
	const adapters: { close(): void | Promise<void> }[] = [];
	let closed = false;
	const factory = createAdapter(adapterPool, {
		heartbeatInterval: HEARTBEAT_MS,
		heartbeatTimeout: HEARTBEAT_TIMEOUT_MS,
		errorHandler: (err: Error) =>
			log.warn({ msg: err.message }, 'Socket.IO adapter: could not reach the other instances')
	});
	io.adapter(function (this: unknown, nsp: Parameters<typeof factory>[0]) {
		const adapter = factory(nsp);
		const close = adapter.close.bind(adapter);
		let done = false;
		// io.close() at shutdown closes it, and so may stop() below: once is enough.
		adapter.close = () => {
			if (done) return;
			done = true;
			return close();
		};
		adapters.push(adapter);
		return adapter;
	} as unknown as Parameters<Server['adapter']>[0]);
	return {
		async close() {
			if (closed) return;
			closed = true;
			for (const a of adapters) await a.close();
			await pool.end().catch(() => {});
		}
	};
}
