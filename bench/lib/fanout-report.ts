import type { DatabaseFacts } from './database.ts';
import type { FanoutSample } from './fanout-phase.ts';
import type { LatencyFigures } from './fanout-summary.ts';

export interface FanoutReport {
	config: {
		clients: number;
		/** FANOUT_CLIENTS before the open-file limit capped it. */
		clientsWanted: number;
		rate: number;
		seconds: number;
		warmupSeconds: number;
		database: DatabaseFacts & { kind: 'embedded' | 'external' };
		/** Logical CPUs shared by the servers, the clients, the sender and PostgreSQL. */
		cpus: number;
		/** Bytes of the ticket:created payload both servers emit. */
		ticketPayloadBytes: number;
	};
	vigil: FanoutSample;
	/** The bare Socket.IO server, measured before and after Vigil. */
	bare: FanoutSample[];
	ratios: FanoutRatio[];
}

type Key = 'p50' | 'p95' | 'p99' | 'max';
const KEYS: Key[] = ['p50', 'p95', 'p99', 'max'];
/** A webhook answer slower than this means requests were queueing: the rate outran the server. */
const SATURATED_MS = 1000;

/** Vigil over one bare sample: latency above 1× and memory above 1× mean Vigil costs more. */
export interface FanoutRatio {
	bare: string;
	/** Request sent → received: the accepted reference can be ≤ 0, which no ratio survives. */
	p50: number;
	p95: number;
	p99: number;
	max: number;
	rssPerClient: number | null;
}

/** One ratio per bare sample, not their mean: one disturbed sample would otherwise hide in it. */
export function fanoutRatios(vigil: FanoutSample, bare: FanoutSample[]): FanoutRatio[] {
	return bare.map((b) => {
		const over = (k: Key) => vigil.deliveries.fromSent[k] / b.deliveries.fromSent[k];
		return {
			bare: b.name,
			p50: over('p50'),
			p95: over('p95'),
			p99: over('p99'),
			max: over('max'),
			rssPerClient:
				vigil.rssPerClient !== null && b.rssPerClient !== null
					? vigil.rssPerClient / b.rssPerClient
					: null
		};
	});
}

const num = (v: number | null, digits = 1) =>
	v !== null && Number.isFinite(v) ? v.toFixed(digits) : 'n/a';
const mib = (bytes: number | undefined) => num(bytes === undefined ? null : bytes / 2 ** 20);
const counts = (c: Record<string, number>) =>
	Object.entries(c)
		.map(([k, v]) => `${v}× ${k}`)
		.join('; ') || '0';
const col = (s: string, n = 9) => s.padStart(n);

function latencyRow(label: string, deliveries: number, f: LatencyFigures): string {
	return `  ${label.padEnd(28)}${col(String(deliveries), 10)}${KEYS.map((k) => col(num(f[k]))).join('')}${col(num(f.min))}${col(String(f.negative))}`;
}

function latencyTable(
	title: string,
	samples: FanoutSample[],
	pick: 'fromAccepted' | 'fromSent' | 'answeredIn'
) {
	return [
		title,
		`  ${''.padEnd(28)}${col('n', 10)}${['p50', 'p95', 'p99', 'max', 'min', '< 0'].map((h) => col(h)).join('')}`,
		...samples.map((s) => latencyRow(s.name, s.deliveries[pick].n, s.deliveries[pick]))
	];
}

function loudLines(s: FanoutSample): string[] {
	const out: string[] = [];
	const d = s.deliveries;
	if (d.missing > 0)
		out.push(
			`!!! ${s.name}: ${d.missing} of ${d.expected} deliveries MISSING (${d.ticketsWithMissing} webhooks not delivered to every client)`
		);
	if (Object.keys(s.connect.failures).length)
		out.push(`!!! ${s.name}: failed handshakes: ${counts(s.connect.failures)}`);
	if (Object.keys(s.webhooks.failures).length)
		out.push(`!!! ${s.name}: webhooks not answered 201: ${counts(s.webhooks.failures)}`);
	if (Object.keys(s.disconnects).length)
		out.push(`!!! ${s.name}: sockets dropped during the run: ${counts(s.disconnects)}`);
	if (d.answeredIn.max > SATURATED_MS)
		out.push(
			`!!! ${s.name}: webhook answers took up to ${num(d.answeredIn.max / 1000)} s: requests queued behind a busy server`,
			`!!!   (server ${num(s.cpu.server, 2)} cores, load average ${num(s.load)}); its figures measure that queue, not the fan-out`
		);
	return out;
}

export function formatFanoutReport(r: FanoutReport): string {
	const c = r.config;
	const all = [r.vigil, ...r.bare];
	const capped =
		c.clients < c.clientsWanted ? ` (capped from ${c.clientsWanted} by the open-file limit)` : '';
	const lines = [
		'',
		`Vigil fan-out benchmark: ${c.clients} socket clients${capped}, ${c.rate} webhooks/s for ${c.seconds} s after ${c.warmupSeconds} s warm-up`,
		`PostgreSQL ${c.database.version} (${c.database.kind}); ticket:created payload ${c.ticketPayloadBytes} bytes`,
		'',
		`Connections${''.padEnd(19)}${col('clients', 10)}${col('wall s')}${col('p50 ms')}${col('p99 ms')}${col('max ms')}`,
		...all.map(
			(s) =>
				`  ${s.name.padEnd(28)}${col(String(s.connect.connected), 10)}${col(num(s.connect.wallMs / 1000))}${col(num(s.connect.handshake.p50))}${col(num(s.connect.handshake.p99))}${col(num(s.connect.handshake.max))}`
		),
		'',
		...latencyTable(
			'Webhook accepted (201 at the sender) → ticket:created at each client, ms (may be < 0: the server emits before its answer lands)',
			all,
			'fromAccepted'
		),
		'',
		...latencyTable('Request sent → ticket:created at each client, ms', all, 'fromSent'),
		'',
		...latencyTable('Webhook answered (request sent → 201), ms', all, 'answeredIn'),
		'',
		'Vigil / bare, request sent → received (above 1× means Vigil is slower)',
		...r.ratios.map(
			(q) =>
				`  Vigil / ${q.bare.padEnd(26)}p50 ${num(q.p50, 2)}×  p95 ${num(q.p95, 2)}×  p99 ${num(q.p99, 2)}×  max ${num(q.max, 2)}×  RSS per client ${num(q.rssPerClient, 2)}×`
		),
		'',
		'Deliveries (connected clients × accepted webhooks, warm-up included)',
		...all.map(
			(s) =>
				`  ${s.name.padEnd(28)}expected ${s.deliveries.expected}, received ${s.deliveries.received}, missing ${s.deliveries.missing}`
		),
		'Events per client per webhook',
		...all.map(
			(s) =>
				`  ${s.name.padEnd(28)}${Object.entries(s.eventsPerWebhook)
					.map(([k, v]) => `${k} ${num(v, 2)}`)
					.join(', ')}`
		),
		'',
		`Server RSS, MiB${''.padEnd(15)}${col('before', 10)}${col('connected', 11)}${col('end')}${col('peak')}${col('KiB/client', 12)}`,
		...all.map(
			(s) =>
				`  ${s.name.padEnd(28)}${col(mib(s.rss.before?.rss), 10)}${col(mib(s.rss.connected?.rss), 11)}${col(mib(s.rss.end?.rss))}${col(mib(s.rss.end?.peak))}${col(num(s.rssPerClient === null ? null : s.rssPerClient / 1024), 12)}`
		),
		'',
		`CPU while webhooks flowed (cores busy; this machine has ${r.config.cpus}, shared with whatever else runs)`,
		...all.map(
			(s) =>
				`  ${s.name.padEnd(28)}server ${num(s.cpu.server, 2)}, clients ${num(s.cpu.clients, 2)}; server ${num(s.cpu.serverMsPerWebhook)} ms CPU per webhook; load average ${num(s.load, 1)} at the end`
		)
	];
	const loud = all.flatMap(loudLines);
	if (loud.length) lines.push('', ...loud);
	lines.push(
		'',
		'Only same-run ratios mean anything: the clients, both servers and PostgreSQL share these CPUs.',
		''
	);
	return lines.join('\n');
}
