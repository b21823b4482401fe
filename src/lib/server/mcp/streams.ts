/**
 * The event streams clients hold open with GET /mcp, for the messages the server starts on
 * its own. Vigil sends one kind: notifications/resources/list_changed when the open
 * incidents change, so a client re-reads resources/list instead of polling. Each stream
 * belongs to one session and one token and is kept in this process (a stream is a live
 * HTTP answer; it cannot move). It ends when the client goes, its session is deleted, its
 * token is revoked, at shutdown, or every `maxAgeMs` (the client reconnects at once), which
 * is also when a session deleted through another instance is noticed.
 */
import type { Pool } from '../db/pool.ts';
import { log } from '../log.ts';
import { mcpMetrics } from '../metrics.ts';

export interface StreamOwner {
	sessionId: string;
	userId: string;
	tokenId: string | null;
}

interface Held extends StreamOwner {
	notify(): Promise<void>;
	close(): void;
}

export interface McpStreams {
	/**
	 * Keeps a stream: `body` is the SSE answer the SDK's transport made, `notify` sends
	 * list_changed on it, `dispose` releases its server. Returns the body to answer with.
	 */
	hold(
		owner: StreamOwner,
		body: ReadableStream<Uint8Array>,
		notify: () => Promise<void>,
		dispose: () => void
	): ReadableStream<Uint8Array>;
	/** Tells every stream the open incidents changed. */
	listChanged(): void;
	/** Ends the streams of whatever matches (a session, a token, a user). */
	end(match: Partial<StreamOwner>): void;
	/** Ends them all: the HTTP server cannot close while an answer is still streaming. */
	endAll(): void;
	size(): number;
}

/** An SSE comment: clients skip it. */
const OPENED = new TextEncoder().encode(': stream open\n\n');

export function mcpStreams(opts: { maxAgeMs: number }): McpStreams {
	const held = new Set<Held>();
	return {
		hold(owner, body, notify, dispose) {
			const reader = body.getReader();
			// The SDK's stream, passed through so its end (client gone, or closed here) is seen.
			let controller!: ReadableStreamDefaultController<Uint8Array>;
			let done = false;
			const entry: Held = {
				...owner,
				notify,
				close() {
					finish();
					try {
						controller.close();
					} catch {
						// Already closed, or cancelled by the client.
					}
					void reader.cancel().catch(() => {});
				}
			};
			const timer = setTimeout(() => entry.close(), opts.maxAgeMs);
			timer.unref();
			function finish() {
				if (done) return;
				done = true;
				clearTimeout(timer);
				held.delete(entry);
				mcpMetrics.streams.set(held.size);
				dispose();
			}
			const out = new ReadableStream<Uint8Array>({
				start(c) {
					controller = c;
					// Node sends an answer's headers with its first bytes; without these, a client
					// would wait for the first keep-alive (15 s) to learn that its stream is open.
					c.enqueue(OPENED);
				},
				async pull() {
					const next = await reader.read().catch(() => ({ done: true as const, value: undefined }));
					if (next.done) entry.close();
					else if (!done) controller.enqueue(next.value);
				},
				async cancel(reason) {
					finish();
					await reader.cancel(reason).catch(() => {});
				}
			});
			held.add(entry);
			mcpMetrics.streams.set(held.size);
			return out;
		},
		listChanged() {
			for (const s of held) void s.notify().catch(() => s.close());
		},
		end(match) {
			const keys = (Object.keys(match) as (keyof StreamOwner)[]).filter(
				(k) => match[k] !== undefined
			);
			if (!keys.length) return;
			for (const s of [...held]) if (keys.every((k) => s[k] === match[k])) s.close();
		},
		endAll() {
			for (const s of [...held]) s.close();
		},
		size: () => held.size
	};
}

/** The NOTIFY channel on which instances announce that tickets changed. */
export const MCP_CHANNEL = 'vigil_mcp';

/** Ticket changes are announced to the instances at most this often. */
const ANNOUNCE_EVERY_MS = 2000;

/**
 * A ticket created or changed here is announced to every instance (NOTIFY, which the
 * runtime's listener turns into listChanged on each one's streams), at most every
 * ANNOUNCE_EVERY_MS: a webhook storm costs one NOTIFY per interval, not one per ticket.
 */
export function ticketAnnouncer(pool: Pool) {
	let pending: NodeJS.Timeout | undefined;
	let sentAt = 0;
	return {
		announce() {
			if (pending) return;
			pending = setTimeout(
				() => {
					pending = undefined;
					sentAt = Date.now();
					pool
						.query(`select pg_notify($1, 'resources')`, [MCP_CHANNEL])
						.catch((err) => log.warn({ err }, 'mcp: could not announce a ticket change'));
				},
				Math.max(0, sentAt + ANNOUNCE_EVERY_MS - Date.now())
			);
			pending.unref();
		},
		stop() {
			clearTimeout(pending);
		}
	};
}
