/**
 * Starts Vigil for the e2e run on a database of its own: a fresh database on
 * DATABASE_URL's server when given, else an embedded PostgreSQL in a temp dir.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freshDatabase, spawnVigil } from './vigil-process.ts';

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vigil-e2e-'));
await chmod(dataDir, 0o755);

const db = await freshDatabase(`vigil_e2e_${process.pid}`);
const child = spawnVigil({
	port: Number(process.env.E2E_PORT ?? '3199'),
	databaseUrl: db.url,
	dataDir
});

async function cleanup() {
	await db.drop().catch(() => {});
	await rm(dataDir, { recursive: true, force: true }).catch(() => {});
}

for (const signal of ['SIGTERM', 'SIGINT'] as const)
	process.on(signal, () => {
		child.kill(signal);
	});
child.on('exit', (code) => {
	void cleanup().then(() => process.exit(code ?? 0));
});
