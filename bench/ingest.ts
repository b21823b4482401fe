/**
 * `npm run bench:ingest`: Vigil's sustained webhook ingest against two bare-`pg`
 * baselines measured in the same run, plus the delay from a webhook being
 * accepted to its triage job starting. See bench/README.md.
 */
import path from 'node:path';
import type pg from 'pg';
import type { PgBoss } from 'pg-boss';
import { runBacklog, type BacklogOutcome } from './lib/backlog.ts';
import { createPlainTable, PLAIN_TABLE } from './lib/baselines.ts';
import { captureIngest, MIRROR_QUEUES, startBenchBoss } from './lib/capture.ts';
import { installCleanupHandlers, removeTempDirs } from './lib/cleanup.ts';
import { benchPool, databaseFacts, startDatabase, type BenchDatabase } from './lib/database.ts';
import { withAiConnection } from './lib/ai-switch.ts';
import { runLight, runRounds, type PhaseContext } from './lib/phases.ts';
import { formatReport, type Report } from './lib/report.ts';
import { ensureBuild, startServer, type RunningServer } from './lib/server.ts';
import { delayFigures, summarize } from './lib/summary.ts';

const env = process.env;
const CONCURRENCY = Number(env.BENCH_CONCURRENCY ?? 50);
const SECONDS = Number(env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = Number(env.BENCH_WARMUP_SECONDS ?? 2);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const JSON_ONLY = env.BENCH_JSON === '1';
/** Offline triage jobs enqueued at once at the end (0 skips the backlog phase). */
const BACKLOG = Number(env.BENCH_BACKLOG ?? 5000);
const BACKLOG_LIMIT_MS = 300_000;
const INGEST_KEY = 'vik_bench_ingest_key_0123456789abcdef';
// Both as work() in src/lib/server/jobs/boss.ts sets them (pg-boss's own notify backstop is 30 s).
const POLL_SECONDS = 2; // pollingIntervalSeconds
const NOTIFY_BACKSTOP_SECONDS = 2; // notifyPollingIntervalSeconds
const LIGHT = { intervalMs: 200, durationMs: 5000, parkMs: (POLL_SECONDS + 1) * 1000 };

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

interface Held {
	server?: RunningServer;
	pool?: pg.Pool;
	boss?: PgBoss;
}

async function main(db: BenchDatabase, held: Held): Promise<void> {
	log(`database: ${db.kind}; starting Vigil`);
	const server = (held.server = await startServer({
		databaseUrl: db.url,
		dataDir: path.join(db.tempDir, 'data'),
		ingestKey: INGEST_KEY,
		nodeArgs: env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean)
	}));
	const pool = (held.pool = benchPool(db.url, CONCURRENCY + 2));
	const facts = await databaseFacts(pool);
	log(
		`PostgreSQL ${facts.version}, synchronous_commit=${facts.synchronousCommit}, fsync=${facts.fsync}`
	);
	if (facts.synchronousCommit !== 'on')
		throw new Error(`synchronous_commit is ${facts.synchronousCommit}; the benchmark needs it on`);

	const boss = (held.boss = await startBenchBoss(db.url));
	const captured = await captureIngest(pool, boss, INGEST_KEY);
	log(
		`captured Vigil's ingest transaction (${captured.templates[0]?.statements.length} statements) for ${captured.templates.length} fixtures`
	);
	await createPlainTable(pool);

	const ctx: PhaseContext = {
		server,
		pool,
		apiKey: INGEST_KEY,
		log,
		loop: { concurrency: CONCURRENCY, warmupMs: WARMUP_SECONDS * 1000, durationMs: SECONDS * 1000 }
	};
	// First, while the queue is empty: later phases leave nothing behind, but this must see no backlog at all.
	const light = await withAiConnection({ baseUrl: server.baseUrl, pool, apiKey: INGEST_KEY }, () =>
		runLight(ctx, LIGHT)
	);
	const { rounds, loadDelays } = await runRounds(ctx, captured, ROUNDS);
	let backlog: BacklogOutcome | null = null;
	if (BACKLOG > 0) {
		log(`backlog: ${BACKLOG} offline triage jobs at once`);
		backlog = await runBacklog(pool, boss, BACKLOG, BACKLOG_LIMIT_MS);
	}
	const summary = summarize(rounds);
	for (const [k, v] of Object.entries(light.failures))
		summary.non201[k] = (summary.non201[k] ?? 0) + v;

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
			notifyBackstopSeconds: NOTIFY_BACKSTOP_SECONDS,
			light: {
				intervalMs: light.intervalMs,
				queue: light.queue,
				acceptedToStart: light.acceptedToStart
			},
			underLoad: {
				...delayFigures(loadDelays, 0),
				jobs: rounds.map((r) => r.triage.jobs),
				queuedAtLoadEnd: rounds.map((r) => r.triage.queuedAtLoadEnd),
				drainSeconds: rounds.map((r) =>
					r.triage.drainMs === null ? null : r.triage.drainMs / 1000
				)
			},
			// Polling would spread starts over the interval (p50 ≈ half of it); NOTIFY keeps them to milliseconds.
			wokenByNotify:
				light.queue.n > 0 &&
				light.queue.notStarted === 0 &&
				light.queue.p95 < (POLL_SECONDS * 1000) / 4,
			backlog
		}
	};
	if (!JSON_ONLY) process.stdout.write(formatReport(report) + '\n');
	process.stdout.write(JSON.stringify(report) + '\n');
}

async function run(): Promise<number> {
	installCleanupHandlers();
	ensureBuild(env.BENCH_REBUILD === '1', log);
	const db = await startDatabase(env.BENCH_DATABASE_URL || undefined);
	const held: Held = {};
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
			// Vigil's own rows stay (audit_log is append-only); the bench's scaffolding does not.
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
