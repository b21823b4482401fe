/** One fan-out sample: N sockets on a server, webhooks at a steady rate, every delivery timed. */
import os from 'node:os';
import { cpuSeconds } from './cpu.ts';
import { summarizeDeliveries, type Deliveries } from './fanout-summary.ts';
import { rssOf, type Rss } from './memory.ts';
import { runSender } from './run-sender.ts';
import { startSocketClients } from './run-socket-clients.ts';
import type { RunningServer } from './server.ts';
import type { Connected } from './socket-clients.ts';

export interface FanoutOptions {
	clients: number;
	/** Webhooks per second. */
	rate: number;
	/** Measured seconds, after `warmupSeconds` at the same rate that only count towards missing deliveries. */
	seconds: number;
	warmupSeconds: number;
	/** How long to wait after the last webhook for deliveries still on their way. */
	graceMs: number;
	connectConcurrency: number;
	log: (line: string) => void;
}

export interface FanoutTarget {
	name: string;
	server: RunningServer;
	apiKey: string;
	cookie?: string;
}

export interface FanoutSample {
	name: string;
	connect: Omit<Connected, 'type'>;
	webhooks: { accepted: number; failures: Record<string, number> };
	deliveries: Deliveries;
	/** Events each client received per accepted webhook, by name. */
	eventsPerWebhook: Record<string, number>;
	disconnects: Record<string, number>;
	/** Server process memory: before the clients connect, once they have, after the last delivery. */
	rss: { before: Rss | null; connected: Rss | null; end: Rss | null };
	/** (connected − before) RSS over connected clients, bytes; null without /proc. */
	rssPerClient: number | null;
	/**
	 * CPU time over wall time (1 = one core busy): the server's from the first webhook to the last
	 * delivery (null without /proc), the clients' from connected to the last delivery.
	 */
	cpu: { server: number | null; clients: number; serverMsPerWebhook: number | null };
	/** The machine's 1-minute load average when the sample ended: other work competes for the CPUs. */
	load: number;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureFanout(
	target: FanoutTarget,
	opts: FanoutOptions
): Promise<FanoutSample> {
	const step = (what: string) => opts.log(`${target.name}: ${what}`);
	const pid = target.server.pid;
	const before = rssOf(pid);
	step(`connecting ${opts.clients} socket clients`);
	const clients = await startSocketClients({
		url: target.server.baseUrl,
		clients: opts.clients,
		cookie: target.cookie,
		connectConcurrency: opts.connectConcurrency,
		connectTimeoutMs: 30_000
	});
	const { type: _, ...connect } = clients.connected;
	// Handshake garbage settles before the "connected" reading.
	await pause(1000);
	const connected = rssOf(pid);
	step(
		`${connect.connected} connected in ${(connect.wallMs / 1000).toFixed(1)} s; ${opts.rate} webhooks/s for ${opts.warmupSeconds} + ${opts.seconds} s`
	);
	const cpuStart = { at: performance.now(), server: cpuSeconds(pid) };
	const sent = await runSender({
		baseUrl: target.server.baseUrl,
		apiKey: target.apiKey,
		mode: 'paced',
		endpoint: 'generic',
		concurrency: 1,
		warmupMs: 0,
		intervalMs: 1000 / opts.rate,
		durationMs: (opts.warmupSeconds + opts.seconds) * 1000
	});
	if (!('paced' in sent)) throw new Error('sender answered without paced figures');
	const { accepted, failures } = sent.paced;
	const result = await clients.finish(
		accepted.map((a) => a.ticketId),
		opts.graceMs
	);
	const end = rssOf(pid);
	const cpuEnd = { at: performance.now(), server: cpuSeconds(pid) };
	const serverCpu =
		cpuStart.server !== null && cpuEnd.server !== null ? cpuEnd.server - cpuStart.server : null;
	const cpu = {
		server: serverCpu === null ? null : serverCpu / ((cpuEnd.at - cpuStart.at) / 1000),
		clients: result.cpu.ms / result.cpu.wallMs,
		serverMsPerWebhook: serverCpu === null ? null : (serverCpu * 1000) / accepted.length
	};
	const deliveries = summarizeDeliveries(
		accepted,
		result.received,
		connect.connected,
		Math.round(opts.warmupSeconds * opts.rate)
	);
	const perConnectedWebhook = connect.connected * accepted.length;
	return {
		name: target.name,
		connect,
		webhooks: { accepted: accepted.length, failures },
		deliveries,
		eventsPerWebhook: Object.fromEntries(
			Object.entries(result.events).map(([k, v]) => [k, v / perConnectedWebhook])
		),
		disconnects: result.disconnects,
		rss: { before, connected, end },
		rssPerClient:
			before && connected && connect.connected > 0
				? (connected.rss - before.rss) / connect.connected
				: null,
		cpu,
		load: os.loadavg()[0]!
	};
}
