import { chmod, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { readPasswords } from '../../src/lib/server/db/embedded.ts';
import { TEST_INGEST_KEY } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';
import { startServer, type RunningServer } from '../support/server.ts';

/**
 * `kill -9` of Vigil under load, on its embedded PostgreSQL (no DATABASE_URL): the postmaster
 * outlives it, orphaned. The next start on the same data directory must stop that orphan and
 * be up at once (it used to fail for a minute), keep every webhook it answered 2xx, and finish
 * the jobs that were running at the kill. The embedded database must not be open to other
 * local users: generated superuser password (file 0600), loopback only, app role no superuser.
 */
const SENDERS = 20;
const LOAD_MS = 4000;
const RESTART_LIMIT_S = 15;
/** Jobs a killed worker held come back when pg-boss expires them (src/lib/server/jobs/). */
const TRIAGE_LIMIT_S = 30;

const BODY = fixture('generic/airflow-task-failed.json');

interface Delivery {
	runId: string;
	status: number;
	ticketId: string | null;
	failure: string | null;
}

async function send(baseUrl: string, runId: string): Promise<Delivery> {
	try {
		const res = await fetch(`${baseUrl}/api/webhooks/generic`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-api-key': TEST_INGEST_KEY },
			body: JSON.stringify({ ...BODY, run_id: runId }),
			signal: AbortSignal.timeout(15_000)
		});
		const text = await res.text();
		let json: { ticket_id?: string } = {};
		try {
			json = JSON.parse(text);
		} catch {
			// kept below
		}
		return {
			runId,
			status: res.status,
			ticketId: json.ticket_id ?? null,
			failure: res.status >= 500 ? text.slice(0, 300) : null
		};
	} catch (err) {
		const e = err as Error & { cause?: { code?: string } };
		return { runId, status: 0, ticketId: null, failure: e.cause?.code ?? e.message };
	}
}

function load(baseUrl: string, tag: string) {
	const deliveries: Delivery[] = [];
	let running = true;
	const senders = Array.from({ length: SENDERS }, async (_, s) => {
		for (let n = 0; running; n++) {
			const d = await send(baseUrl, `${tag}-${s}-${n}`);
			deliveries.push(d);
			if (d.status === 0) await sleep(20);
		}
	});
	return {
		deliveries,
		async stop() {
			running = false;
			await Promise.all(senders);
			return deliveries;
		}
	};
}

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch {
		return false;
	}
	try {
		const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return s.slice(s.lastIndexOf(')') + 2)[0] !== 'Z';
	} catch {
		return true;
	}
}

async function postmaster(pgDir: string): Promise<{ pid: number; port: number }> {
	const lines = (await readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).split('\n');
	return { pid: Number(lines[0]), port: Number(lines[3]) };
}

async function healthy(url: string): Promise<boolean> {
	return fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
		(r) => r.status === 200,
		() => false
	);
}

let root: string | undefined;
const servers: RunningServer[] = [];
afterAll(async () => {
	for (const s of servers)
		if (s.proc.exitCode === null && s.proc.signalCode === null) await s.stop();
	if (root) {
		// Whatever is left on the data directory (a failed run's orphan) goes with it.
		const pid = await postmaster(path.join(root, 'data', 'pg')).then(
			(p) => p.pid,
			() => 0
		);
		if (pid && alive(pid)) process.kill(pid, 'SIGQUIT');
		await rm(root, { recursive: true, force: true });
	}
});

describe('Vigil killed with SIGKILL on its embedded PostgreSQL', () => {
	it('starts again at once, keeps every acknowledged webhook and resumes its jobs', async () => {
		root = await mkdtemp(path.join(os.tmpdir(), `vigil-fault-kill9-${process.pid}-`));
		// mkdtemp makes it 0700; the postgres system user (when run as root) must reach it.
		await chmod(root, 0o755);
		const dataDir = path.join(root, 'data');
		const pgDir = path.join(dataDir, 'pg');
		const env = { VIGIL_DATA_DIR: dataDir };

		const first = await startServer(null, env);
		servers.push(first);
		const traffic = load(first.url, 'kill9');
		await sleep(LOAD_MS);
		const before = await postmaster(pgDir);
		first.proc.kill('SIGKILL');
		await new Promise((r) => first.proc.once('exit', r));
		const deliveries = await traffic.stop();
		// The situation this test is about: the postmaster outlived Vigil.
		const orphaned = alive(before.pid);

		const restartAt = Date.now();
		const second = await startServer(null, env);
		servers.push(second);
		while (!(await healthy(second.url))) {
			if (Date.now() - restartAt > 60_000) throw new Error('no /healthz 200 within 60 s');
			await sleep(50);
		}
		const restartSeconds = (Date.now() - restartAt) / 1000;
		const after = await postmaster(pgDir);

		const passwords = await readPasswords(pgDir);
		const appUrl = `postgres://vigil:${encodeURIComponent(passwords.app)}@127.0.0.1:${after.port}/vigil`;
		const db = new pg.Client(appUrl);
		await db.connect();
		try {
			const acked = deliveries.filter((d) => d.status >= 200 && d.status <= 299);
			const ids = acked.map((d) => d.ticketId).filter((id): id is string => !!id);
			const found = await db.query<{ id: string }>(
				`select id from tickets where id = any($1::text[])`,
				[ids]
			);
			const pendingAt = Date.now();
			const pendingNow = async () =>
				(
					await db.query<{ n: number }>(
						`select count(*)::int as n from tickets where triage_status = 'pending'`
					)
				).rows[0]!.n;
			const pendingAtRestart = await pendingNow();
			let pending = pendingAtRestart;
			while (pending > 0 && Date.now() - pendingAt < TRIAGE_LIMIT_S * 1000) {
				await sleep(500);
				pending = await pendingNow();
			}
			const pendingSeconds = (Date.now() - pendingAt) / 1000;
			// Still taking webhooks.
			const probe = await send(second.url, 'kill9-after-restart');

			// Only this process's user reaches the database, and not as superuser.
			const fileMode = (await stat(path.join(dataDir, 'pg.passwords.json'))).mode & 0o777;
			const legacy = await new pg.Client(
				`postgres://postgres:postgres@127.0.0.1:${after.port}/postgres`
			)
				.connect()
				.then(
					() => 'accepted',
					(err: { code?: string }) => err.code ?? 'refused'
				);
			const settings = (
				await db.query<{ listen: string; su: boolean }>(
					`select current_setting('listen_addresses') as listen,
						(select rolsuper from pg_roles where rolname = current_user) as su`
				)
			).rows[0]!;
			const admin = new pg.Client(
				`postgres://postgres:${encodeURIComponent(passwords.superuser)}@127.0.0.1:${after.port}/postgres`
			);
			await admin.connect();
			const sockets = (
				await admin.query<{ d: string }>(`select current_setting('unix_socket_directories') as d`)
			).rows[0]!.d;
			await admin.end();

			const failures = new Map<string, number>();
			for (const d of deliveries.filter((x) => x.status < 200 || x.status > 299)) {
				const k = `${d.status}${d.failure ? ` ${d.failure}` : ''}`;
				failures.set(k, (failures.get(k) ?? 0) + 1);
			}
			console.log(
				`[kill9] webhooks=${deliveries.length} answered_2xx=${acked.length} ` +
					`tickets_found=${found.rowCount}/${ids.length} ` +
					`not_2xx=${[...failures].map(([k, n]) => `${n}× ${k}`).join('; ') || 0} ` +
					`orphaned_postmaster=${orphaned} restart_s=${restartSeconds.toFixed(2)} ` +
					`(orphan stopped in ${/the orphan stopped in ([\d.]+) s/.exec(second.output())?.[1] ?? '?'} s) ` +
					`pending_at_restart=${pendingAtRestart} pending_after=${pending} ` +
					`(waited ${pendingSeconds.toFixed(1)} s) ` +
					`password_file=${fileMode.toString(8)} legacy_superuser_login=${legacy} ` +
					`listen_addresses=${settings.listen} unix_sockets='${sockets}' app_superuser=${settings.su}`
			);

			if ([...failures.keys()].some((k) => !k.startsWith('0 ')))
				console.log(`[kill9] server output before the kill:\n${first.output().slice(-3000)}`);
			if (probe.status !== 201)
				console.log(
					`[kill9] probe after the restart: ${probe.status} ${probe.failure}\n${second.output().slice(-3000)}`
				);

			expect(orphaned).toBe(true);
			expect(alive(before.pid)).toBe(false);
			expect(after.pid).not.toBe(before.pid);
			expect(restartSeconds).toBeLessThan(RESTART_LIMIT_S);
			expect(acked.length).toBeGreaterThan(SENDERS);
			expect(ids.length).toBe(acked.length);
			expect(found.rowCount).toBe(ids.length);
			// Nothing but what the kill cut off: no answer (reset/refused), never an error status.
			expect([...failures.keys()].every((k) => k.startsWith('0 '))).toBe(true);
			expect(probe.status).toBe(201);
			expect(pending).toBe(0);
			expect(fileMode).toBe(0o600);
			expect(legacy).toBe('28P01');
			expect(settings).toEqual({ listen: '127.0.0.1', su: false });
			expect(sockets).toBe('');
		} finally {
			await db.end();
		}
		expect(await second.stop()).toBe(0);
	});
});
