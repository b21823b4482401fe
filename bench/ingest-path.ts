/**
 * `npm run bench:ingest-path`: Vigil's ingest path in one process, without HTTP, job
 * workers or sockets: `handleWebhook` with group commit (the runtime's batcher) against
 * the same call writing each webhook in a transaction of its own, alternating in the
 * same run. It isolates what group commit changes from what the server around it costs
 * (bench:ingest measures everything together). See bench/README.md.
 */
import os from 'node:os';
import pg from 'pg';
import { createIngestKey } from '#lib/server/auth/ingest-keys.ts';
import { createOrm, migrate } from '#lib/server/db/orm.ts';
import { createPool, DB_TIMEOUTS } from '#lib/server/db/pool.ts';
import { ENTITIES } from '#lib/server/entities.ts';
import { handleWebhook, type WebhookDeps } from '#lib/server/http/webhooks.ts';
import { createGinMerger } from '#lib/server/db/gin-merges.ts';
import { createIngestBatcher, INGEST_BATCHES_IN_FLIGHT } from '#lib/server/ingest/batch.ts';
import { startBoss } from '#lib/server/jobs/boss.ts';
import { installCleanupHandlers, removeTempDirs } from './lib/cleanup.ts';
import { databaseFacts, startDatabase } from './lib/database.ts';
import { payload } from './lib/fixtures.ts';

const env = process.env;
const CONCURRENCY = Number(env.BENCH_CONCURRENCY ?? 50);
const SECONDS = Number(env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 3);
const KEY = 'vik_bench_ingest_path_key_0123456789';
/**
 * BENCH_OUTLETS=1: Slack and Jira count as connected (a row each with secrets), so every
 * failure born triaged also has its alert and its issue queued in its transaction. No
 * worker runs here, so nothing is sent anywhere.
 */
const OUTLETS = env.BENCH_OUTLETS === '1';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

interface Sample {
	opsPerSec: number;
	p50: number;
	p99: number;
	cpuMsPerWebhook: number;
	other: number;
}

const quantile = (sorted: number[], q: number) =>
	sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]! : NaN;
const median = (xs: number[]) =>
	quantile(
		[...xs].sort((a, b) => a - b),
		0.5
	);

let seq = 0;
async function sample(deps: WebhookDeps): Promise<Sample> {
	const latencies: number[] = [];
	let ok = 0;
	let other = 0;
	const until = performance.now() + SECONDS * 1000;
	const cpu = process.cpuUsage();
	const started = performance.now();
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (performance.now() < until) {
				const p = payload(seq++);
				const request = new Request(`http://vigil.bench/api/webhooks/${p.endpoint}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'x-api-key': KEY },
					body: p.body
				});
				const t = performance.now();
				const res = await handleWebhook(deps, p.endpoint, request, null);
				await res.arrayBuffer();
				if (res.status === 201) {
					ok++;
					latencies.push(performance.now() - t);
				} else other++;
			}
		})
	);
	const elapsed = (performance.now() - started) / 1000;
	const used = process.cpuUsage(cpu);
	latencies.sort((a, b) => a - b);
	return {
		opsPerSec: ok / elapsed,
		p50: quantile(latencies, 0.5),
		p99: quantile(latencies, 0.99),
		cpuMsPerWebhook: (used.user + used.system) / 1000 / Math.max(1, ok),
		other
	};
}

const fmt = (s: Sample) =>
	`${s.opsPerSec.toFixed(0).padStart(6)}/s  p50 ${s.p50.toFixed(1).padStart(7)} ms  p99 ${s.p99
		.toFixed(1)
		.padStart(7)} ms  CPU ${s.cpuMsPerWebhook.toFixed(2)} ms/webhook`;

async function run(): Promise<number> {
	installCleanupHandlers();
	const db = await startDatabase(env.BENCH_DATABASE_URL || undefined);
	const orm = await createOrm(db.url, ENTITIES);
	const pool = createPool(db.url, 40);
	// As the runtime makes it: the batches on a pipelined pool of their own (sendTogether).
	const batchPool = createPool(db.url, INGEST_BATCHES_IN_FLIGHT, DB_TIMEOUTS, { pipeline: true });
	const ginMerger = createGinMerger(pool);
	let boss: Awaited<ReturnType<typeof startBoss>> | null = null;
	try {
		await migrate(orm);
		boss = await startBoss(db.url);
		await createIngestKey(orm.em.fork(), 'bench ingest path', null, KEY);
		if (OUTLETS)
			await pool.query(
				`insert into connections (kind, secrets) values ('slack', 'bench'), ('jira', 'bench')
				on conflict (kind) do update set secrets = excluded.secrets`
			);
		const facts = await databaseFacts(pool as unknown as pg.Pool);
		if (facts.synchronousCommit !== 'on')
			throw new Error(
				`synchronous_commit is ${facts.synchronousCommit}; the benchmark needs it on`
			);
		const base = { pool, boss, hasConnection: () => false, databricksHost: () => null };
		const batched: WebhookDeps = {
			...base,
			ingestBatcher: createIngestBatcher({ pool: batchPool, boss, ginMerger })
		};
		log(`PostgreSQL ${facts.version} (${db.kind}), ${os.cpus().length} CPUs; warming up`);
		await sample(batched);
		const rounds: { batched: Sample; alone: Sample }[] = [];
		for (let r = 1; r <= ROUNDS; r++) {
			// Alternating, so a machine that slows down mid-run weighs on both alike.
			const first = r % 2 ? 'batched' : 'alone';
			const a = await sample(first === 'batched' ? batched : base);
			const b = await sample(first === 'batched' ? base : batched);
			const round = first === 'batched' ? { batched: a, alone: b } : { batched: b, alone: a };
			rounds.push(round);
			log(`round ${r}/${ROUNDS}: group commit ${fmt(round.batched)}`);
			log(`round ${r}/${ROUNDS}: one tx each   ${fmt(round.alone)}`);
		}
		const ratio = (f: (s: Sample) => number) =>
			median(rounds.map((r) => f(r.batched) / f(r.alone)));
		const report = {
			config: {
				concurrency: CONCURRENCY,
				seconds: SECONDS,
				rounds: ROUNDS,
				outlets: OUTLETS,
				database: facts
			},
			rounds,
			ratios: {
				throughput: ratio((s) => s.opsPerSec),
				p50: ratio((s) => s.p50),
				p99: ratio((s) => s.p99),
				cpuPerWebhook: ratio((s) => s.cpuMsPerWebhook)
			},
			non201: rounds.reduce((n, r) => n + r.batched.other + r.alone.other, 0)
		};
		process.stdout.write(
			[
				`Ingest path in one process, ${CONCURRENCY} concurrent callers, ${SECONDS} s per sample, ${ROUNDS} rounds${OUTLETS ? ', Slack and Jira connected' : ''}`,
				`Group commit / one transaction per webhook (median of same-round ratios):`,
				`  throughput ${report.ratios.throughput.toFixed(2)}×   p50 ${report.ratios.p50.toFixed(2)}×   p99 ${report.ratios.p99.toFixed(2)}×   CPU per webhook ${report.ratios.cpuPerWebhook.toFixed(2)}×`,
				`Non-201 answers: ${report.non201}`,
				JSON.stringify(report)
			].join('\n') + '\n'
		);
		return 0;
	} catch (err) {
		log(`failed: ${(err as Error).stack ?? err}`);
		return 1;
	} finally {
		await boss?.stop({ graceful: false, close: true }).catch(() => {});
		await ginMerger.stop();
		await batchPool.end().catch(() => {});
		await pool.end().catch(() => {});
		await orm.close().catch(() => {});
		await db.stop().catch(() => {});
		removeTempDirs();
	}
}

process.exit(await run());
