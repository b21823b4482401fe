/**
 * The fan-out clients, run as their own process so their event loop never
 * shares the server's. Opens `clients` Socket.IO connections (websocket only,
 * the session cookie in the handshake) and records, for every `ticket:created`,
 * the wall-clock time each client received it. Talks to the parent over IPC:
 * it sends `connected` once every connection has settled, and `result` after
 * the parent's `finish` (when every client holds every expected ticket, or the
 * grace period ran out), then closes the sockets and exits when the parent disconnects.
 */
import { io, type Socket } from 'socket.io-client';
import { epochNow } from './loop.ts';
import { percentiles, type Percentiles } from './stats.ts';

export interface ClientsConfig {
	url: string;
	clients: number;
	/** Cookie header for the handshake (Vigil authenticates sockets by session). */
	cookie?: string;
	/** Handshakes in flight at once. */
	connectConcurrency: number;
	connectTimeoutMs: number;
}

export interface Connected {
	type: 'connected';
	connected: number;
	/** Failed handshakes by reason; should stay empty. */
	failures: Record<string, number>;
	/** From the first handshake started to the last one settled. */
	wallMs: number;
	/** Per handshake, connect → `connect` event. */
	handshake: Percentiles & { max: number };
}

export interface Finish {
	type: 'finish';
	ticketIds: string[];
	graceMs: number;
}

export interface ClientsResult {
	type: 'result';
	/** Ticket id → receive time (epoch ms) per client index; null where that client never got it. */
	received: Record<string, (number | null)[]>;
	/** Every event received, by name, summed over clients. */
	events: Record<string, number>;
	/** Sockets dropped after connecting, by reason; should stay empty. */
	disconnects: Record<string, number>;
	/** How long after `finish` the last expected delivery arrived (or the grace ran out). */
	waitedMs: number;
	/** This process's CPU time (user + system) and wall time since `connected` was sent, ms. */
	cpu: { ms: number; wallMs: number };
}

const cfg = JSON.parse(process.argv[2] ?? '{}') as ClientsConfig;
const send = (msg: Connected | ClientsResult) =>
	new Promise<void>((resolve) => process.send!(msg, undefined, undefined, () => resolve()));
const bump = (counts: Record<string, number>, key: string) =>
	(counts[key] = (counts[key] ?? 0) + 1);

const sockets: (Socket | null)[] = new Array<Socket | null>(cfg.clients).fill(null);
const received = new Map<string, Float64Array>();
const events: Record<string, number> = {};
const disconnects: Record<string, number> = {};

function record(client: number, ticketId: string): void {
	const at = epochNow(); // first: what follows is the bench's cost, not delivery
	let times = received.get(ticketId);
	if (!times) received.set(ticketId, (times = new Float64Array(cfg.clients).fill(Number.NaN)));
	times[client] = at;
}

function open(client: number): Promise<{ ms: number } | { error: string }> {
	const t0 = performance.now();
	const socket = io(cfg.url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: false,
		timeout: cfg.connectTimeoutMs,
		// As a browser page of Vigil: the cookie counts only with Vigil's own Origin.
		extraHeaders: cfg.cookie ? { cookie: cfg.cookie, origin: new URL(cfg.url).origin } : {}
	});
	socket.on('ticket:created', (t: { id: string }) => record(client, t.id));
	socket.onAny((event: string) => bump(events, event));
	return new Promise((resolve) => {
		socket.once('connect', () => {
			sockets[client] = socket;
			socket.on('disconnect', (reason) => bump(disconnects, reason));
			resolve({ ms: performance.now() - t0 });
		});
		socket.once('connect_error', (err) => {
			socket.close();
			resolve({ error: err.message });
		});
	});
}

async function connectAll(): Promise<Connected> {
	const failures: Record<string, number> = {};
	const handshakes: number[] = [];
	const start = performance.now();
	let next = 0;
	async function worker(): Promise<void> {
		while (next < cfg.clients) {
			const r = await open(next++);
			if ('ms' in r) handshakes.push(r.ms);
			else bump(failures, r.error);
		}
	}
	await Promise.all(Array.from({ length: cfg.connectConcurrency }, worker));
	return {
		type: 'connected',
		connected: handshakes.length,
		failures,
		wallMs: performance.now() - start,
		handshake: { ...percentiles(handshakes), max: Math.max(...handshakes) }
	};
}

function complete(ticketIds: string[]): boolean {
	return ticketIds.every((id) => {
		const times = received.get(id);
		return times !== undefined && sockets.every((s, i) => s === null || !Number.isNaN(times[i]!));
	});
}

async function finish(msg: Finish): Promise<void> {
	const start = performance.now();
	while (!complete(msg.ticketIds) && performance.now() - start < msg.graceMs)
		await new Promise((r) => setTimeout(r, 20));
	const waitedMs = performance.now() - start;
	const out: Record<string, (number | null)[]> = {};
	// NaN (never received) becomes null in JSON.
	for (const [id, times] of received) out[id] = Array.from(times);
	const used = process.cpuUsage(sinceConnected.cpu);
	const cpu = {
		ms: (used.user + used.system) / 1000,
		wallMs: performance.now() - sinceConnected.at
	};
	await send({ type: 'result', received: out, events, disconnects, waitedMs, cpu });
	// Exiting now could beat the message to the parent; it disconnects once it has it.
	for (const s of sockets) s?.close();
}

process.on('message', (msg: Finish) => {
	if (msg.type === 'finish') void finish(msg);
});
process.on('disconnect', () => process.exit(0)); // the parent has the result, or is gone
const connected = await connectAll();
const sinceConnected = { cpu: process.cpuUsage(), at: performance.now() };
await send(connected);
