/**
 * `npm run bench:fanout`: N Socket.IO clients on Vigil, webhooks at a steady
 * rate, the delay from a webhook being accepted to each client receiving its
 * `ticket:created`, and the server's memory; next to a bare Socket.IO server
 * measured in the same run. See bench/README.md.
 */
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import type { BareSample } from './lib/bare-socket-server.ts';
import { installCleanupHandlers, removeTempDirs } from './lib/cleanup.ts';
import { benchPool, databaseFacts, startDatabase, type BenchDatabase } from './lib/database.ts';
import { socketBudget } from './lib/fd-limit.ts';
import { measureFanout, type FanoutOptions, type FanoutSample } from './lib/fanout-phase.ts';
import { fanoutRatios, formatFanoutReport, type FanoutReport } from './lib/fanout-report.ts';
import { payload } from './lib/fixtures.ts';
import {
	signIn,
	ensureBuild,
	startHttpProcess,
	startServer,
	type RunningServer
} from './lib/server.ts';

const env = process.env;
const CLIENTS_WANTED = Number(env.FANOUT_CLIENTS ?? 1000);
const RATE = Number(env.FANOUT_RATE ?? 5);
const SECONDS = Number(env.FANOUT_SECONDS ?? 20);
const WARMUP_SECONDS = Number(env.FANOUT_WARMUP_SECONDS ?? 2);
const JSON_ONLY = env.BENCH_JSON === '1';
const INGEST_KEY = 'vik_bench_ingest_key_0123456789abcdef';
const GRACE_MS = 15_000;

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

interface Held {
	servers: RunningServer[];
}

/**
 * Posts one webhook with one socket listening: proves the cookie opens a socket
 * before a thousand try, warms the path, and yields the exact payloads Vigil emits.
 */
async function capturePayloads(baseUrl: string, cookie: string): Promise<BareSample> {
	// A browser sends its page's Origin; a cookie handshake without one is refused.
	const socket = io(baseUrl, {
		transports: ['websocket'],
		extraHeaders: { cookie, origin: new URL(baseUrl).origin }
	});
	try {
		await new Promise<void>((resolve, reject) => {
			socket.once('connect', resolve);
			socket.once('connect_error', (err) => reject(new Error(`socket refused: ${err.message}`)));
		});
		const ticket = new Promise<TicketDto>((r) => socket.once('ticket:created', r));
		const audit = new Promise<AuditEntryDto>((r) => socket.once('audit:appended', r));
		const p = payload(0, 'generic');
		const res = await fetch(`${baseUrl}/api/webhooks/${p.endpoint}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-api-key': INGEST_KEY },
			body: p.body
		});
		if (res.status !== 201) throw new Error(`warm-up webhook answered ${res.status}`);
		const timeout = new Promise<never>((_, reject) =>
			setTimeout(() => reject(new Error('no ticket:created within 10 s')), 10_000).unref()
		);
		return await Promise.race([Promise.all([ticket, audit]), timeout]).then(([t, a]) => ({
			ticket: t,
			audit: a
		}));
	} finally {
		socket.close();
	}
}

async function main(db: BenchDatabase, held: Held, clients: number): Promise<void> {
	const pool = benchPool(db.url, 1);
	const facts = await databaseFacts(pool).finally(() => pool.end());
	log(`database: ${db.kind}, PostgreSQL ${facts.version}; starting Vigil`);
	const vigil = await startServer({
		databaseUrl: db.url,
		dataDir: path.join(db.tempDir, 'data'),
		ingestKey: INGEST_KEY,
		nodeArgs: env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean)
	});
	held.servers.push(vigil);
	const cookie = await signIn(vigil.baseUrl);
	const sample = await capturePayloads(vigil.baseUrl, cookie);
	const opts: FanoutOptions = {
		clients,
		rate: RATE,
		seconds: SECONDS,
		warmupSeconds: WARMUP_SECONDS,
		graceMs: GRACE_MS,
		connectConcurrency: 50,
		log
	};
	// A fresh process each time: a reused one would already hold the memory the RSS figures look for.
	const bareSample = async (name: string): Promise<FanoutSample> => {
		const bare = await startHttpProcess({
			label: 'bare Socket.IO server',
			script: path.join(import.meta.dirname, 'lib/bare-socket-server.ts'),
			args: [JSON.stringify(sample)],
			env: (port) => ({ PORT: String(port) })
		});
		held.servers.push(bare);
		try {
			return await measureFanout({ name, server: bare, apiKey: INGEST_KEY }, opts);
		} finally {
			await bare.stop();
		}
	};
	// The bare server brackets Vigil in time, so drift during the run shows as two differing bare lines.
	const bareSamples = [await bareSample('bare Socket.IO (before)')];
	const vigilSample = await measureFanout(
		{ name: 'Vigil', server: vigil, apiKey: INGEST_KEY, cookie },
		opts
	);
	bareSamples.push(await bareSample('bare Socket.IO (after)'));

	const report: FanoutReport = {
		config: {
			clients,
			clientsWanted: CLIENTS_WANTED,
			rate: RATE,
			seconds: SECONDS,
			warmupSeconds: WARMUP_SECONDS,
			database: { ...facts, kind: db.kind },
			cpus: os.availableParallelism(),
			ticketPayloadBytes: Buffer.byteLength(JSON.stringify(sample.ticket))
		},
		vigil: vigilSample,
		bare: bareSamples,
		ratios: fanoutRatios(vigilSample, bareSamples)
	};
	if (!JSON_ONLY) process.stdout.write(formatFanoutReport(report) + '\n');
	process.stdout.write(JSON.stringify(report) + '\n');
}

async function run(): Promise<number> {
	installCleanupHandlers();
	const clients = socketBudget(CLIENTS_WANTED, log);
	if (clients < 1) throw new Error('no socket fits under the open-file limit');
	ensureBuild(env.BENCH_REBUILD === '1', log);
	const db = await startDatabase(env.BENCH_DATABASE_URL || undefined);
	const held: Held = { servers: [] };
	try {
		await main(db, held, clients);
		return 0;
	} catch (err) {
		log(`failed: ${(err as Error).stack ?? err}`);
		for (const s of held.servers) log(`server ${s.pid} output (tail):\n${s.output()}`);
		return 1;
	} finally {
		await Promise.all(held.servers.map((s) => s.stop().catch(() => {})));
		await db.stop().catch(() => {});
		removeTempDirs();
	}
}

process.exit(await run());
