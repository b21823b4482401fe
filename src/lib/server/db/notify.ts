import pg from 'pg';
import { log } from '../log.ts';
import { DB_TIMEOUTS } from './pool.ts';

/**
 * Channel on which the database announces changes to what instances cache (routing rules,
 * SLA policy, connections); the payload is the table's name. Sent by triggers (migration
 * 20261128040000), so every writer notifies, on commit only.
 */
export const CACHE_CHANNEL = 'vigil_cache';

export interface ListenerOptions {
	channels: readonly string[];
	onNotify(channel: string, payload: string): void;
	/**
	 * The connection was lost and is back: notifications sent meanwhile are gone, so whatever
	 * they would have invalidated must be treated as changed. Not called when the first attempt
	 * succeeds.
	 */
	onReconnect(): void;
	/** Backoff between reconnection attempts, doubling from min to max (with jitter). */
	minDelayMs?: number;
	maxDelayMs?: number;
}

export interface Listener {
	/** Resolves once LISTEN is in place (or the first attempt failed: it keeps retrying). */
	ready: Promise<void>;
	/** True while LISTEN is in place. */
	connected(): boolean;
	close(): Promise<void>;
}

/**
 * LISTEN on a connection of its own (a pooled one would be handed back and lose it) that
 * comes back after the database restarts or the network drops: a process that stopped
 * hearing about changes would serve stale settings until it restarted.
 */
export function listen(url: string, opts: ListenerOptions): Listener {
	const minDelay = opts.minDelayMs ?? 500;
	const maxDelay = opts.maxDelayMs ?? 10_000;
	let client: pg.Client | null = null;
	let live = false;
	let closed = false;
	let tries = 0;
	let attempt = 0;
	let timer: NodeJS.Timeout | undefined;

	function retry() {
		if (closed || timer) return;
		const delay = Math.min(maxDelay, minDelay * 2 ** attempt++) * (0.75 + Math.random() / 2);
		timer = setTimeout(() => {
			timer = undefined;
			void connect();
		}, delay);
		timer.unref();
	}

	async function connect(): Promise<void> {
		if (closed) return;
		tries++;
		const c = new pg.Client({
			connectionString: url,
			connectionTimeoutMillis: DB_TIMEOUTS.connectMs,
			keepAlive: true,
			application_name: 'vigil-listen'
		});
		client = c;
		let lost = false;
		const onLost = (err?: Error) => {
			if (lost) return;
			lost = true;
			live = false;
			if (closed) return;
			log.warn({ msg: err?.message }, 'change notifications: connection lost, reconnecting');
			c.end().catch(() => {});
			retry();
		};
		c.on('error', onLost);
		c.on('end', () => onLost());
		c.on('notification', (n) => {
			try {
				opts.onNotify(n.channel, n.payload ?? '');
			} catch (err) {
				log.error({ err }, 'change notification handler failed');
			}
		});
		try {
			await c.connect();
			for (const channel of opts.channels) await c.query(`listen ${pg.escapeIdentifier(channel)}`);
		} catch (err) {
			onLost(err as Error);
			return;
		}
		if (closed) {
			await c.end().catch(() => {});
			return;
		}
		live = true;
		attempt = 0;
		// Anything after the first attempt may have missed notifications (a failed first attempt
		// included: the caller loaded its caches meanwhile).
		if (tries > 1) {
			log.info('change notifications: listening again');
			opts.onReconnect();
		}
	}

	const ready = connect();
	return {
		ready,
		connected: () => live,
		async close() {
			closed = true;
			live = false;
			clearTimeout(timer);
			await client?.end().catch(() => {});
		}
	};
}
