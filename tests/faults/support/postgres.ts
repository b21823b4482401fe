import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
	startEmbeddedPostgres,
	type EmbeddedDatabase
} from '../../../src/lib/server/db/embedded.ts';

/**
 * A PostgreSQL of the test's own that it may stop, start again on the same port (so the
 * DATABASE_URL handed to Vigil stays valid), freeze and kill.
 */
export interface RestartablePostgres {
	url: string;
	port: number;
	dataDir: string;
	running(): boolean;
	/** Fast shutdown (SIGINT to the postmaster): clients see 57P01, then ECONNREFUSED. */
	stop(): Promise<void>;
	start(): Promise<void>;
	/** The postmaster and its children, from postmaster.pid (for SIGSTOP/SIGKILL faults). */
	pids(): Promise<number[]>;
	/** Stops it and removes its directory. */
	destroy(): Promise<void>;
}

export async function startRestartablePostgres(
	prefix = 'vigil-fault-'
): Promise<RestartablePostgres> {
	const root = await mkdtemp(path.join(os.tmpdir(), `${prefix}${process.pid}-`));
	// mkdtemp makes it 0700; the postgres system user (when run as root) must reach it.
	await chmod(root, 0o755);
	const dataDir = path.join(root, 'pg');
	let db: EmbeddedDatabase | null = await startEmbeddedPostgres(dataDir, { persistent: true });
	const url = db.url;
	const port = Number(new URL(url).port);
	const stop = async () => {
		const d = db;
		db = null;
		await d?.stop();
	};
	return {
		url,
		port,
		dataDir,
		running: () => db !== null,
		stop,
		async start() {
			if (db) return;
			db = await startEmbeddedPostgres(dataDir, { persistent: true, port });
		},
		async pids() {
			const text = await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8').catch(() => '');
			const master = Number(text.split('\n')[0]);
			if (!Number.isInteger(master) || master <= 0) return [];
			let children: number[] = [];
			try {
				children = execFileSync('pgrep', ['-P', String(master)], { encoding: 'utf8' })
					.split('\n')
					.filter(Boolean)
					.map(Number);
			} catch {
				// pgrep exits 1 when there are none
			}
			return [master, ...children];
		},
		async destroy() {
			await stop().catch(() => {});
			await rm(root, { recursive: true, force: true });
		}
	};
}
