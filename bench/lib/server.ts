import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ownChild } from './cleanup.ts';
import { freePort } from './net.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const HANDLER = path.join(ROOT, 'build/handler.js');

export interface ServerEnv {
	databaseUrl: string;
	dataDir: string;
	ingestKey: string;
	/** Extra Node flags for the server process (e.g. --cpu-prof), from BENCH_SERVER_NODE_ARGS. */
	nodeArgs?: string[];
}

export interface RunningServer {
	baseUrl: string;
	pid: number;
	/** The server's recent output, for error messages. */
	output(): string;
	stop(): Promise<void>;
}

function newest(dir: string): number {
	let max = 0;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const p = path.join(dir, entry.name);
		max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
	}
	return max;
}

/** Builds when there is no build or BENCH_REBUILD=1; a stale build is measured, with a warning. */
export function ensureBuild(rebuild: boolean, log: (line: string) => void): void {
	const missing = !existsSync(HANDLER);
	if (!missing && !rebuild) {
		const sources = Math.max(newest(path.join(ROOT, 'src')), newest(path.join(ROOT, 'migrations')));
		if (statSync(HANDLER).mtimeMs < sources)
			log(
				'warning: build/ is older than src/; measuring it anyway (BENCH_REBUILD=1 rebuilds first)'
			);
		return;
	}
	log('building Vigil (vite build)…');
	const r = spawnSync(
		process.execPath,
		[path.join(ROOT, 'node_modules/vite/bin/vite.js'), 'build'],
		{
			cwd: ROOT,
			stdio: ['ignore', 'ignore', 'inherit']
		}
	);
	if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status})`);
}

/** The admin the bench's Vigil is bootstrapped with (VIGIL_ADMIN_EMAIL / _PASSWORD). */
export const BENCH_ADMIN = { email: 'bench@vigil.local', password: 'bench-admin-password-1' };

/** Signs in as the bench admin: the session cookie, for admin calls and sockets. */
export async function signIn(baseUrl: string): Promise<string> {
	const res = await fetch(`${baseUrl}/api/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(BENCH_ADMIN)
	});
	if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
	return res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ');
}

export interface HttpProcessOptions {
	/** What the error messages call it. */
	label: string;
	script: string;
	args?: string[];
	nodeArgs?: string[];
	/** The child's environment on top of ours; it must listen on `port`. */
	env: (port: number, baseUrl: string) => Record<string, string>;
}

/** Starts a Node script as its own process and waits until its GET /readyz answers 200. */
export async function startHttpProcess(opts: HttpProcessOptions): Promise<RunningServer> {
	const port = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const child: ChildProcess = ownChild(
		spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.script, ...(opts.args ?? [])], {
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'pipe'],
			env: { ...process.env, ...opts.env(port, baseUrl) }
		})
	);
	let tail = '';
	const keep = (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-8000));
	child.stdout?.on('data', keep);
	child.stderr?.on('data', keep);
	let exited: number | null = null;
	const gone = new Promise<void>((resolve) =>
		child.once('exit', (code, signal) => {
			exited = code ?? (signal ? 128 : 1);
			resolve();
		})
	);

	const deadline = Date.now() + 180_000;
	for (;;) {
		if (exited !== null) throw new Error(`${opts.label} exited (${exited}) before ready:\n${tail}`);
		if (Date.now() > deadline) throw new Error(`${opts.label} not ready after 180 s:\n${tail}`);
		const ok = await fetch(`${baseUrl}/readyz`).then(
			(r) => r.status === 200,
			() => false
		);
		if (ok) break;
		await new Promise((r) => setTimeout(r, 250));
	}

	return {
		baseUrl,
		pid: child.pid!,
		output: () => tail,
		async stop() {
			if (exited !== null) return;
			child.kill('SIGTERM');
			const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
			await gone;
			clearTimeout(killer);
		}
	};
}

/** Starts `node server/index.ts` as its own process and waits until GET /readyz answers 200. */
export async function startServer(env: ServerEnv): Promise<RunningServer> {
	return startHttpProcess({
		label: 'server',
		script: path.join(ROOT, 'server/index.ts'),
		nodeArgs: env.nodeArgs,
		env: (port, baseUrl) => ({
			NODE_ENV: 'production',
			DATABASE_URL: env.databaseUrl,
			HOST: '127.0.0.1',
			PORT: String(port),
			ORIGIN: baseUrl,
			VIGIL_INGEST_API_KEY: env.ingestKey,
			VIGIL_ADMIN_EMAIL: BENCH_ADMIN.email,
			VIGIL_ADMIN_PASSWORD: BENCH_ADMIN.password,
			VIGIL_DATA_DIR: env.dataDir,
			VIGIL_ENCRYPTION_KEY: 'b'.repeat(64),
			LOG_LEVEL: 'warn'
		})
	});
}
