import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TEST_ADMIN, TEST_INGEST_KEY } from './db.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface RunningServer {
	url: string;
	proc: ChildProcess;
	output: () => string;
	stop(): Promise<number | null>;
}

/**
 * Starts the production server (`server/index.ts` over the built app) as its own process.
 * `databaseUrl` null: no DATABASE_URL, so it starts its embedded PostgreSQL in VIGIL_DATA_DIR
 * (give it one of the test's own in `env`).
 */
export async function startServer(
	databaseUrl: string | null,
	env: Record<string, string> = {}
): Promise<RunningServer> {
	if (!existsSync(path.join(ROOT, 'build/handler.js')))
		throw new Error('build/ is missing: run `npm test` (it builds first) or `npm run build`');
	const proc = spawn(process.execPath, [path.join(ROOT, 'server/index.ts')], {
		cwd: ROOT,
		env: {
			...process.env,
			DATABASE_URL: databaseUrl ?? '',
			PORT: '0',
			HOST: '127.0.0.1',
			VIGIL_DATA_DIR: `/tmp/vigil-test-server-${process.pid}`,
			VIGIL_ENCRYPTION_KEY: 'cd'.repeat(32),
			VIGIL_ADMIN_EMAIL: TEST_ADMIN.email,
			VIGIL_ADMIN_PASSWORD: TEST_ADMIN.password,
			VIGIL_INGEST_API_KEY: TEST_INGEST_KEY,
			ALLOWED_EMAIL_DOMAINS: 'contoso.example',
			LOG_LEVEL: 'warn',
			...env
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	proc.stdout!.on('data', (d) => (out += d));
	proc.stderr!.on('data', (d) => (out += d));
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
		proc.stdout!.on('data', () => {
			const m = /listening on (http:\/\/\S+)/.exec(out);
			if (m) {
				clearTimeout(timer);
				resolve(m[1]!.replace('localhost', '127.0.0.1'));
			}
		});
		proc.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
	});
	return {
		url,
		proc,
		output: () => out,
		stop: () =>
			new Promise((resolve) => {
				if (proc.exitCode !== null) return resolve(proc.exitCode);
				proc.once('exit', (code) => resolve(code));
				proc.kill('SIGTERM');
			})
	};
}

/** Signs in through the API and returns the session cookie header. */
export async function login(
	url: string,
	email = TEST_ADMIN.email,
	password = TEST_ADMIN.password
): Promise<string> {
	const res = await fetch(`${url}/api/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ email, password })
	});
	if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
	const cookie = res.headers.get('set-cookie');
	if (!cookie) throw new Error('no session cookie');
	return cookie.split(';')[0]!;
}
