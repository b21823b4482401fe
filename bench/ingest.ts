/**
 * `npm run bench:ingest`: Vigil's sustained webhook ingest against two bare-`pg`
 * baselines measured in the same run, plus the delay from a webhook being
 * accepted to its triage job starting. See bench/README.md.
 */
import path from 'node:path';
import type { PgBoss } from 'pg-boss';
import type pg from 'pg';
import { createPlainTable, PLAIN_TABLE, plainInsert, sameTransaction } from './lib/baselines.ts';
import { captureIngest, MIRROR_QUEUES, startBenchBoss } from './lib/capture.ts';
import { installCleanupHandlers, removeTempDirs } from './lib/cleanup.ts';
import { benchPool, databaseFacts, startDatabase, type BenchDatabase } from './lib/database.ts';
import type { LoopOptions, LoopResult } from './lib/loop.ts';
import { formatReport, type Report } from './lib/report.ts';
import { runSender } from './lib/run-sender.ts';
import type { SenderConfig } from './lib/sender.ts';
import { ensureBuild, startServer, type RunningServer } from './lib/server.ts';
import { delayFigures, summarize, type Round } from './lib/summary.ts';
import { queueDelays, triageJobsBetween, triageJobsFor, waitForTriageIdle } from './lib/triage-delay.ts';

const env = process.env;
const CONCURRENCY = Number(env.BENCH_CONCURRENCY ?? 50);
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(env.BENCH_WARMUP_SECONDS ?? 2);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const JSON_ONLY = env.BENCH_JSON === '1';
const INGEST_KEY = 'vik_bench_ingest_key_0123456789abcdef';
const POLL_SECONDS = 2; // work() in src/lib/server/jobs/boss.ts
const LIGHT = { intervalMs: 200, durationMs: 5000 };
const DRAIN_LIMIT_MS = 300_000;

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const loop: LoopOptions = { concurrency: CONCURRENCY, warmupMs: WARMUP_SECONDS * 1000, durationMs: SECONDS * 1000 };

async function vigilLoad(server: RunningServer): Promise<LoopResult> {
	const cfg: SenderConfig = { baseUrl: server.baseUrl, apiKey: INGEST_KEY, mode: 'load', intervalMs: 0, ...loop };
	const result = await runSender(cfg);
	if (!('load' in result)) throw new Error('sender answered without load figures');
	return result.load;
}

async function drain(pool: pg.Pool): Promise<number | null> {
	const ms = await waitForTriageIdle(pool, DRAIN_LIMIT_MS);
	if (ms === null) log(`!!! triage backlog not drained after ${DRAIN_LIMIT_MS / 1000} s; continuing`);
	return ms;
}

async function rounds(server: RunningServer, pool: pg.Pool, captured: Awaited<ReturnType<typeof captureIngest>>) {
	const done: Round[] = [];
	const loadDelays: number[] = [];
	let notStarted = 0;
	for (let i = 1; i <= ROUNDS; i++) {
		const step = (what: string) => log(`round ${i}/${ROUNDS}: ${what}`);
		step('same-transaction baseline');
		const same1 = await sameTransaction(pool, captured, loop);
		step('one-row INSERT baseline');
		const plain1 = await plainInsert(pool, loop);
		step('Vigil');
		const vigil = await vigilLoad(server);
		step(`${vigil.opsPerSec.toFixed(0)} webhooks/s; waiting for the triage backlog to drain`);
		const triageDrainMs = await drain(pool);
		const jobs = await triageJobsBetween(pool, vigil.windowStartMs, vigil.windowEndMs);
		loadDelays.push(...queueDelays(jobs));
		notStarted += jobs.filter((j) => j.startedMs === null).length;
		step('one-row INSERT baseline');
		const plain2 = await plainInsert(pool, loop);
		step('same-transaction baseline');
		const same2 = await sameTransaction(pool, captured, loop);
		done.push({ vigil, sameTransaction: [same1, same2], plainInsert: [plain1, plain2], triageDrainMs });
	}
	return { done, loadDelays, notStarted };
}

/** One webhook every 200 ms with idle workers: the delay NOTIFY wake-up gives, not queueing. */
async function lightPhase(server: RunningServer, pool: pg.Pool) {
	await drain(pool);
	// Idle long enough that every worker is parked in its poll wait.
	await new Promise((r) => setTimeout(r, (POLL_SECONDS + 1) * 1000));
	log(`light load: 1 webhook every ${LIGHT.intervalMs} ms for ${LIGHT.durationMs / 1000} s`);
	const result = await runSender({
		baseUrl: server.baseUrl,
		apiKey: INGEST_KEY,
		mode: 'paced',
		concurrency: 1,
		warmupMs: 0,
		...LIGHT
	});
	if (!('paced' in result)) throw new Error('sender answered without paced figures');
	await drain(pool);
	const { accepted } = result.paced;
	const jobs = await triageJobsFor(
		pool,
		accepted.map((a) => a.ticketId)
	);
	const acceptedAt = new Map(accepted.map((a) => [a.ticketId, a.acceptedAtMs]));
	const started = jobs.filter((j) => j.startedMs !== null);
	const notStarted = accepted.length - started.length;
	return {
		intervalMs: LIGHT.intervalMs,
		queue: delayFigures(queueDelays(jobs), notStarted),
		acceptedToStart: delayFigures(
			started.map((j) => j.startedMs! - acceptedAt.get(j.ticketId)!),
			notStarted
		),
		failures: result.paced.failures
	};
}

async function main(db: BenchDatabase, held: { server?: RunningServer; pool?: pg.Pool; boss?: PgBoss }) {
	log(`database: ${db.kind}; starting Vigil`);
	const server = (held.server = await startServer({
		databaseUrl: db.url,
		dataDir: path.join(db.tempDir, 'data'),
		ingestKey: INGEST_KEY
	}));
	const pool = (held.pool = benchPool(db.url, CONCURRENCY + 2));
	const facts = await databaseFacts(pool);
	log(`PostgreSQL ${facts.version}, synchronous_commit=${facts.synchronousCommit}, fsync=${facts.fsync}`);
	if (facts.synchronousCommit !== 'on')
		throw new Error(`synchronous_commit is ${facts.synchronousCommit}; the benchmark needs it on`);

	const boss = (held.boss = await startBenchBoss(db.url));
	const captured = await captureIngest(pool, boss, INGEST_KEY);
	log(`captured Vigil's ingest transaction: ${captured.templates.map((t) => t.statements.length).join('/')} statements per fixture`);
	await createPlainTable(pool);

	const { done, loadDelays, notStarted } = await rounds(server, pool, captured);
	const light = await lightPhase(server, pool);
	const summary = summarize(done);
	if (Object.keys(light.failures).length) Object.assign(summary.non201, light.failures);

	const report: Report = {
		config: {
			concurrency: CONCURRENCY,
			seconds: SECONDS,
			warmupSeconds: WARMUP_SECONDS,
			rounds: ROUNDS,
			database: { ...facts, kind: db.kind }
		},
		summary,
		triage: {
			pollingIntervalSeconds: POLL_SECONDS,
			underLoad: {
				...delayFigures(loadDelays, notStarted),
				drainSeconds: done.map((r) => (r.triageDrainMs === null ? null : r.triageDrainMs / 1000))
			},
			light: { intervalMs: light.intervalMs, queue: light.queue, acceptedToStart: light.acceptedToStart },
			// Polling would spread starts evenly over the interval (p50 ≈ 1 s); NOTIFY keeps them to milliseconds.
			wokenByNotify: light.queue.n > 0 && light.queue.p95 < (POLL_SECONDS * 1000) / 4
		}
	};
	if (!JSON_ONLY) process.stdout.write(formatReport(report) + '\n');
	process.stdout.write(JSON.stringify(report) + '\n');
}

async function run(): Promise<number> {
	installCleanupHandlers();
	ensureBuild(env.BENCH_REBUILD === '1', log);
	const db = await startDatabase(env.BENCH_DATABASE_URL || undefined);
	const held: { server?: RunningServer; pool?: pg.Pool; boss?: PgBoss } = {};
	try {
		await main(db, held);
		return 0;
	} catch (err) {
		log(`failed: ${(err as Error).stack ?? err}`);
		if (held.server) log(`server output (tail):\n${held.server.output()}`);
		return 1;
	} finally {
		await held.server?.stop().catch(() => {});
		if (db.kind === 'external' && held.pool) {
			// A shared database keeps Vigil's own rows (audit_log is append-only) but not the bench's scaffolding.
			for (const q of MIRROR_QUEUES) await held.boss?.deleteQueue(q).catch(() => {});
			await held.pool.query(`drop table if exists ${PLAIN_TABLE}`).catch(() => {});
		}
		await held.boss?.stop({ graceful: false, close: true }).catch(() => {});
		await held.pool?.end().catch(() => {});
		await db.stop().catch(() => {});
		removeTempDirs();
	}
}

process.exit(await run());
