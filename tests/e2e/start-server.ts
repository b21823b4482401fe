/**
 * Starts Vigil for the e2e run on a database of its own: a fresh database on
 * DATABASE_URL's server when given, else an embedded PostgreSQL in a temp dir.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { E2E } from './env.ts';

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'vigil-e2e-'));
await chmod(dataDir, 0o755);

let databaseUrl: string | undefined;
let dropDb: (() => Promise<void>) | undefined;
if (process.env.DATABASE_URL) {
	const name = `vigil_e2e_${process.pid}`;
	const admin = new pg.Client(process.env.DATABASE_URL);
	await admin.connect();
	await admin.query(`drop database if exists ${name}`);
	await admin.query(`create database ${name}`);
	await admin.end();
	const u = new URL(process.env.DATABASE_URL);
	u.pathname = `/${name}`;
	databaseUrl = u.toString();
	dropDb = async () => {
		const c = new pg.Client(process.env.DATABASE_URL);
		await c.connect();
		await c.query(`drop database if exists ${name} with (force)`);
		await c.end();
	};
}

const child = spawn(process.execPath, [path.join(root, 'server/index.ts')], {
	cwd: root,
	stdio: 'inherit',
	env: {
		...process.env,
		...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '' }),
		PORT: process.env.E2E_PORT ?? '3199',
		HOST: '127.0.0.1',
		VIGIL_DATA_DIR: dataDir,
		VIGIL_ADMIN_EMAIL: E2E.admin.email,
		VIGIL_ADMIN_PASSWORD: E2E.admin.password,
		VIGIL_INGEST_API_KEY: E2E.ingestKey,
		ALLOWED_EMAIL_DOMAINS: E2E.allowedDomain,
		LOG_LEVEL: 'warn'
	}
});

async function cleanup() {
	await dropDb?.().catch(() => {});
	await rm(dataDir, { recursive: true, force: true }).catch(() => {});
}

for (const signal of ['SIGTERM', 'SIGINT'] as const)
	process.on(signal, () => {
		child.kill(signal);
	});
child.on('exit', (code) => {
	void cleanup().then(() => process.exit(code ?? 0));
});
