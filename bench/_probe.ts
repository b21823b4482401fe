import path from 'node:path';
import { startDatabase, benchPool } from './lib/database.ts';
import { startServer } from './lib/server.ts';
import { installCleanupHandlers, removeTempDirs } from './lib/cleanup.ts';
import { runSender } from './lib/run-sender.ts';
import { plainInsert, createPlainTable } from './lib/baselines.ts';
installCleanupHandlers();
const db = await startDatabase(undefined);
const server = await startServer({ databaseUrl: db.url, dataDir: path.join(db.tempDir, 'data'), ingestKey: 'vik_bench_ingest_key_0123456789abcdef' });
const pool = benchPool(db.url, 52);
try {
	await createPlainTable(pool);
	console.log('plain', await plainInsert(pool, { concurrency: 50, warmupMs: 1000, durationMs: 3000 }));
	const conc = Number(process.env.C ?? 50);
	const p = runSender({ baseUrl: server.baseUrl, apiKey: 'vik_bench_ingest_key_0123456789abcdef', mode: 'load', concurrency: conc, warmupMs: 1000, durationMs: 3000, intervalMs: 0 });
	for (let i = 0; i < 3; i++) {
		await new Promise((r) => setTimeout(r, 1200));
		const a = await pool.query(`select application_name, state, wait_event_type, wait_event, count(*)::int n, max(now()-query_start) age, left(max(query), 80) q from pg_stat_activity where datname='postgres' and pid <> pg_backend_pid() group by 1,2,3,4 order by n desc`);

	}
	const r = await p;
	console.log(JSON.stringify(r).slice(0, 600));
	console.log((await pool.query(`select name, state, count(*) from pgboss.job group by 1,2`)).rows);
	const t0 = Date.now();
	for (let i = 0; i < 14; i++) { await new Promise((r) => setTimeout(r, 5000)); console.log(((Date.now() - t0) / 1000).toFixed(0), JSON.stringify((await pool.query(`select state, count(*)::int n, max(started_on)::text last from pgboss.job where name='triage.analyze' group by 1`)).rows)); }
	console.log(server.output());
} finally {
	await server.stop();
	await pool.end();
	await db.stop();
	removeTempDirs();
}
