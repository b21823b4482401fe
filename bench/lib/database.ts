import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '#lib/server/db/embedded.ts';
import { ownTempDir, stopOnInterrupt } from './cleanup.ts';

export interface BenchDatabase {
	url: string;
	kind: 'embedded' | 'external';
	/** Scratch space for the server's data dir. */
	tempDir: string;
	stop(): Promise<void>;
}

export interface DatabaseFacts {
	version: string;
	synchronousCommit: string;
	fsync: string;
}

/** BENCH_DATABASE_URL when given (a throwaway database: the bench writes tickets), else a fresh embedded cluster. */
export async function startDatabase(external: string | undefined): Promise<BenchDatabase> {
	const tempDir = ownTempDir(await mkdtemp(path.join(os.tmpdir(), 'vigil-bench-')));
	// Running as root, postgres runs as its own system user, which must reach the data dir.
	await chmod(tempDir, 0o755);
	if (external) return { url: external, kind: 'external', tempDir, stop: async () => {} };
	const db = await startEmbeddedPostgres(path.join(tempDir, 'pg'), { persistent: false });
	stopOnInterrupt(db.stop);
	return { url: db.url, kind: 'embedded', tempDir, stop: db.stop };
}

export async function databaseFacts(pool: pg.Pool): Promise<DatabaseFacts> {
	const r = await pool.query<{ version: string; sc: string; fsync: string }>(
		`select current_setting('server_version') as version, current_setting('synchronous_commit') as sc,
			current_setting('fsync') as fsync`
	);
	const row = r.rows[0]!;
	return { version: row.version, synchronousCommit: row.sc, fsync: row.fsync };
}

export function benchPool(url: string, max: number): pg.Pool {
	const pool = new pg.Pool({ connectionString: url, max, application_name: 'vigil-bench' });
	// A connection cut while checked out (PostgreSQL stopping on Ctrl-C) fails its query;
	// without a listener it would also crash the process before cleanup.
	pool.on('error', () => {});
	pool.on('connect', (client) => client.on('error', () => {}));
	return pool;
}
