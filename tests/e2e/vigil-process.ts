/**
 * Vigil's production server (server/index.ts over the build) as a child process
 * for the e2e run: on a fresh database of DATABASE_URL's server when given,
 * else on an embedded PostgreSQL in its data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { E2E } from './env.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** A new, empty database on DATABASE_URL's server (null without one), and how to drop it. */
export async function freshDatabase(
	name: string
): Promise<{ url: string | null; drop: () => Promise<void> }> {
	if (!process.env.DATABASE_URL) return { url: null, drop: async () => {} };
	const admin = new pg.Client(process.env.DATABASE_URL);
	await admin.connect();
	await admin.query(`drop database if exists ${name}`);
	await admin.query(`create database ${name}`);
	await admin.end();
	const u = new URL(process.env.DATABASE_URL);
	u.pathname = `/${name}`;
	return {
		url: u.toString(),
		drop: async () => {
			const c = new pg.Client(process.env.DATABASE_URL);
			await c.connect();
			await c.query(`drop database if exists ${name} with (force)`);
			await c.end();
		}
	};
}

/** Starts the server on this port; `databaseUrl` null: the embedded PostgreSQL in `dataDir`. */
export function spawnVigil(opts: {
	port: number;
	databaseUrl: string | null;
	dataDir: string;
	stdio?: 'inherit' | 'pipe';
}): ChildProcess {
	return spawn(process.execPath, [path.join(root, 'server/index.ts')], {
		cwd: root,
		stdio: opts.stdio ?? 'inherit',
		env: {
			...process.env,
			DATABASE_URL: opts.databaseUrl ?? '',
			PORT: String(opts.port),
			HOST: '127.0.0.1',
			VIGIL_DATA_DIR: opts.dataDir,
			VIGIL_ADMIN_EMAIL: E2E.admin.email,
			VIGIL_ADMIN_PASSWORD: E2E.admin.password,
			VIGIL_INGEST_API_KEY: E2E.ingestKey,
			ALLOWED_EMAIL_DOMAINS: E2E.allowedDomain,
			LOG_LEVEL: 'warn'
		}
	});
}
