/**
 * `npm run bench:scale`: one Vigil instance against two on the same PostgreSQL, in the same
 * run. Ingest throughput (closed-loop senders, split over the instances) and broadcast
 * latency (socket clients split over the instances, webhooks to both, so half the deliveries
 * cross from one instance to the other through the database). Reported as two ÷ one.
 * See bench/README.md.
 */
import os from 'node:os';
import path from 'node:path';
import { installCleanupHandlers, removeTempDirs } from './lib/cleanup.ts';
import { benchPool, databaseFacts, startDatabase, type BenchDatabase } from './lib/database.ts';
import { summarizeDeliveries, type Deliveries } from './lib/fanout-summary.ts';
import type { LoopResult } from './lib/loop.ts';
import { runSender } from './lib/run-sender.ts';
import { startSocketClients } from './lib/run-socket-clients.ts';
import type { Accepted } from './lib/sender.ts';
import {
	BENCH_ADMIN,
	signIn,
	ensureBuild,
	ROOT,
	startHttpProcess,
	type RunningServer
} from './lib/server.ts';

const env = process.env;
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(env.BENCH_WARMUP_SECONDS ?? 2);
const CONCURRENCY = Number(env.BENCH_CONCURRENCY ?? 50);
const CLIENTS = Number(env.SCALE_CLIENTS ?? 200);
const RATE = Number(env.SCALE_RATE ?? 10);
const JSON_ONLY = env.BENCH_JSON === '1';
const INGEST_KEY = 'vik_bench_ingest_key_0123456789abcdef';
const GRACE_MS = 15_000;

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

function startInstance(db: BenchDatabase, id: string): Promise<RunningServer> {
	return startHttpProcess({
		label: `Vigil ${id}`,
		script: path.join(ROOT, 'server/index.ts'),
		nodeArgs: env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean),
		env: (port, baseUrl) => ({
			NODE_ENV: 'production',
			DATABASE_URL: db.url,
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: baseUrl,
			VIGIL_INSTANCE_ID: id,
			VIGIL_INGEST_API_KEY: INGEST_KEY,
			VIGIL_ADMIN_EMAIL: BENCH_ADMIN.email,
			VIGIL_ADMIN_PASSWORD: BENCH_ADMIN.password,
			// One data dir, one encryption key: as several instances must share them.
			VIGIL_DATA_DIR: path.join(db.tempDir, 'data'),
			VIGIL_ENCRYPTION_KEY: 'b'.repeat(64),
			LOG_LEVEL: 'warn'
		})
	});
}

interface IngestFigures {
	webhooksPerSec: number;
	p50: number;
	p99: number;
	failures: Record<string, number>;
}

/** Closed-loop senders, the concurrency split evenly over the instances, at the same time. */
async function ingest(servers: RunningServer[]): Promise<IngestFigures> {
	const share = Math.max(1, Math.round(CONCURRENCY / servers.length));
	const results = await Promise.all(
		servers.map((s) =>
			runSender({
				baseUrl: s.baseUrl,
				apiKey: INGEST_KEY,
				mode: 'load',
				concurrency: share,
				warmupMs: WARMUP_SECONDS * 1000,
				durationMs: SECONDS * 1000,
				intervalMs: 0
			})
		)
	);
	const loads = results.map((r) => {
		if (!('load' in r)) throw new Error('sender answered without load figures');
		return r.load;
	});
	const failures: Record<string, number> = {};
	for (const l of loads)
		for (const [k, v] of Object.entries(l.failures)) failures[k] = (failures[k] ?? 0) + v;
	// Percentiles of separate senders cannot be merged exactly: the worst sender's is shown.
	const worst = (pick: (l: LoopResult) => number) => Math.max(...loads.map(pick));
	return {
		webhooksPerSec: loads.reduce((sum, l) => sum + l.opsPerSec, 0),
		p50: worst((l) => l.p50),
		p99: worst((l) => l.p99),
		failures
	};
}

interface BroadcastFigures {
	clients: number;
	deliveries: Deliveries;
}

/**
 * Socket clients split over the instances, webhooks at RATE in all, split over them too: with
 * two, half of what each client receives was ingested by the other instance.
 */
async function broadcast(servers: RunningServer[], cookie: string): Promise<BroadcastFigures> {
	const clientSets = await Promise.all(
		servers.map((s, i) =>
			startSocketClients({
				url: s.baseUrl,
				clients: Math.floor(CLIENTS / servers.length) + (i < CLIENTS % servers.length ? 1 : 0),
				cookie,
				connectConcurrency: 50,
				connectTimeoutMs: 30_000
			})
		)
	);
	const connected = clientSets.reduce((n, c) => n + c.connected.connected, 0);
	await new Promise((r) => setTimeout(r, 1000));
	const sent = await Promise.all(
		servers.map((s) =>
			runSender({
				baseUrl: s.baseUrl,
				apiKey: INGEST_KEY,
				mode: 'paced',
				endpoint: 'generic',
				concurrency: 1,
				warmupMs: 0,
				intervalMs: (1000 * servers.length) / RATE,
				durationMs: (WARMUP_SECONDS + SECONDS) * 1000
			})
		)
	);
	const accepted: Accepted[] = sent.flatMap((r) => {
		if (!('paced' in r)) throw new Error('sender answered without paced figures');
		return r.paced.accepted;
	});
	const ids = accepted.map((a) => a.ticketId);
	const results = await Promise.all(clientSets.map((c) => c.finish(ids, GRACE_MS)));
	const received: Record<string, (number | null)[]> = {};
	for (const id of ids) received[id] = results.flatMap((r) => r.received[id] ?? []);
	return {
		clients: connected,
		deliveries: summarizeDeliveries(accepted, received, connected, WARMUP_SECONDS * RATE)
	};
}

interface Phase {
	instances: number;
	ingest: IngestFigures;
	broadcast: BroadcastFigures;
}

const ratio = (two: number, one: number) => Math.round((two / one) * 100) / 100;

function format(r: {
	config: Record<string, unknown>;
	one: Phase;
	two: Phase;
	ratios: Record<string, number>;
}): string {
	const row = (p: Phase) => {
		const d = p.broadcast.deliveries;
		return [
			String(p.instances).padEnd(10),
			p.ingest.webhooksPerSec.toFixed(0).padStart(10),
			p.ingest.p99.toFixed(0).padStart(12),
			d.fromAccepted.p50.toFixed(1).padStart(14),
			d.fromAccepted.p99.toFixed(1).padStart(14),
			`${d.missing}/${d.expected}`.padStart(12)
		].join(' ');
	};
	return [
		`bench:scale — ${JSON.stringify(r.config)}`,
		'',
		`${'instances'.padEnd(10)} ${'webhooks/s'.padStart(10)} ${'ingest p99'.padStart(12)} ${'bcast p50 ms'.padStart(14)} ${'bcast p99 ms'.padStart(14)} ${'missing'.padStart(12)}`,
		row(r.one),
		row(r.two),
		'',
		`two ÷ one: ${Object.entries(r.ratios)
			.map(([k, v]) => `${k} ${v}×`)
			.join(', ')}`
	].join('\n');
}

async function main(db: BenchDatabase, held: RunningServer[]): Promise<void> {
	const pool = benchPool(db.url, 1);
	const facts = await databaseFacts(pool).finally(() => pool.end());
	log(`database: ${db.kind}, PostgreSQL ${facts.version}; starting instance A`);
	const a = await startInstance(db, 'vigil-a');
	held.push(a);
	const cookie = await signIn(a.baseUrl);

	log(`one instance: ingest, ${CONCURRENCY} senders for ${WARMUP_SECONDS} + ${SECONDS} s`);
	const oneIngest = await ingest([a]);
	log(`one instance: broadcast, ${CLIENTS} clients, ${RATE} webhooks/s`);
	const oneBroadcast = await broadcast([a], cookie);

	log('starting instance B on the same database');
	const b = await startInstance(db, 'vigil-b');
	held.push(b);
	log(`two instances: ingest, ${CONCURRENCY} senders split over A and B`);
	const twoIngest = await ingest([a, b]);
	log(`two instances: broadcast, ${CLIENTS} clients and ${RATE} webhooks/s split over A and B`);
	const twoBroadcast = await broadcast([a, b], cookie);

	const one: Phase = { instances: 1, ingest: oneIngest, broadcast: oneBroadcast };
	const two: Phase = { instances: 2, ingest: twoIngest, broadcast: twoBroadcast };
	const report = {
		config: {
			seconds: SECONDS,
			warmupSeconds: WARMUP_SECONDS,
			concurrency: CONCURRENCY,
			clients: CLIENTS,
			rate: RATE,
			cpus: os.availableParallelism(),
			database: { ...facts, kind: db.kind }
		},
		one,
		two,
		ratios: {
			throughput: ratio(twoIngest.webhooksPerSec, oneIngest.webhooksPerSec),
			ingestP99: ratio(twoIngest.p99, oneIngest.p99),
			broadcastP50: ratio(
				twoBroadcast.deliveries.fromAccepted.p50,
				oneBroadcast.deliveries.fromAccepted.p50
			),
			broadcastP99: ratio(
				twoBroadcast.deliveries.fromAccepted.p99,
				oneBroadcast.deliveries.fromAccepted.p99
			)
		}
	};
	if (!JSON_ONLY) process.stdout.write(format(report) + '\n');
	process.stdout.write(JSON.stringify(report) + '\n');
}

async function run(): Promise<number> {
	installCleanupHandlers();
	ensureBuild(env.BENCH_REBUILD === '1', log);
	const db = await startDatabase(env.BENCH_DATABASE_URL || undefined);
	const held: RunningServer[] = [];
	try {
		await main(db, held);
		return 0;
	} catch (err) {
		log(`failed: ${(err as Error).stack ?? err}`);
		for (const s of held) log(`server ${s.pid} output (tail):\n${s.output()}`);
		return 1;
	} finally {
		await Promise.all(held.map((s) => s.stop().catch(() => {})));
		await db.stop().catch(() => {});
		removeTempDirs();
	}
}

process.exit(await run());
