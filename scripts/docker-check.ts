/**
 * `npm run check:docker`: the Dockerfile, checked where no Docker daemon runs.
 *
 * Parses ./Dockerfile and replays it on this machine, so the check follows the file:
 * the build context is the working tree (git-tracked and untracked-not-ignored files,
 * minus .dockerignore) in a temporary directory; each stage gets its own temporary
 * directory standing in for the container's `/`, where its WORKDIR, COPY (from the
 * context or `--from` a stage), ENV, ARG and RUN steps are carried out in order. The
 * final stage's CMD then starts with its ENV (PORT moved to a free port, HOST to
 * loopback, VOLUME paths inside the temporary root) as an unprivileged user when the
 * Dockerfile names one; the check waits for /healthz, runs the HEALTHCHECK command, sends
 * the STOPSIGNAL and expects exit code 0, no process left behind, nothing written outside
 * the volumes, and the HEALTHCHECK failing once the server is gone.
 *
 * The host stands in for the base image: `node` resolves to the Node running this script
 * (Node 24 under `npm run`, whose PATH starts with node_modules/.bin), which must have the
 * major version the FROM lines name. Steps that only make sense inside an image (package
 * managers, creating users) are skipped; `chown` to the Dockerfile's USER is applied to
 * the stand-in user. Both are listed in the report.
 *
 * Usage: node scripts/docker-check.ts [--keep]   (--keep leaves the temporary tree)
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import {
	chmodSync,
	chownSync,
	closeSync,
	copyFileSync,
	cpSync,
	existsSync,
	lstatSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readFileSync,
	readdirSync,
	readlinkSync,
	rmSync,
	symlinkSync
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const keep = process.argv.includes('--keep');
const HEALTH_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 20_000;

// ---------------------------------------------------------------- Dockerfile parsing

export interface Instruction {
	keyword: string;
	args: string;
	line: number;
}

export interface Stage {
	index: number;
	name: string | null;
	image: string;
	line: number;
	instructions: Instruction[];
}

/** Splits a Dockerfile into instructions (continuations joined, comments dropped) and stages. */
export function parseDockerfile(text: string): { globalArgs: Instruction[]; stages: Stage[] } {
	const instructions: Instruction[] = [];
	const lines = text.split(/\r?\n/);
	for (let i = 0; i < lines.length; i++) {
		const first = lines[i]!;
		if (/^\s*(#|$)/.test(first)) continue;
		const start = i + 1;
		let joined = '';
		let current = first;
		// A trailing backslash continues the instruction; comment and blank lines inside are skipped.
		while (/\\\s*$/.test(current) && i + 1 < lines.length) {
			joined += current.replace(/\\\s*$/, '');
			current = lines[++i]!;
			while (/^\s*(#|$)/.test(current) && i + 1 < lines.length) current = lines[++i]!;
		}
		joined += current;
		const m = /^\s*([A-Za-z]+)\s*(.*?)\s*$/s.exec(joined);
		if (!m) throw new Error(`Dockerfile:${start}: cannot read "${joined.trim()}"`);
		instructions.push({ keyword: m[1]!.toUpperCase(), args: m[2]!, line: start });
	}
	const globalArgs: Instruction[] = [];
	const stages: Stage[] = [];
	for (const ins of instructions) {
		if (ins.keyword === 'FROM') {
			const parts = ins.args.split(/\s+/).filter((p) => !p.startsWith('--'));
			const as = parts.findIndex((p) => p.toUpperCase() === 'AS');
			stages.push({
				index: stages.length,
				image: parts[0] ?? '',
				name: as >= 0 ? (parts[as + 1] ?? null) : null,
				line: ins.line,
				instructions: []
			});
		} else if (stages.length === 0) {
			if (ins.keyword !== 'ARG')
				throw new Error(`Dockerfile:${ins.line}: ${ins.keyword} before the first FROM`);
			globalArgs.push(ins);
		} else stages.at(-1)!.instructions.push(ins);
	}
	if (stages.length === 0) throw new Error('Dockerfile: no FROM');
	return { globalArgs, stages };
}

/** Exec form (`["a", "b"]`) or shell form of RUN, CMD, ENTRYPOINT and HEALTHCHECK CMD. */
export type Command = { exec: string[] } | { shell: string };

export function parseCommand(args: string): Command {
	if (args.startsWith('[')) {
		try {
			const parsed: unknown = JSON.parse(args);
			if (Array.isArray(parsed) && parsed.every((a) => typeof a === 'string'))
				return { exec: parsed };
		} catch {
			// Not JSON: Docker falls back to the shell form too.
		}
	}
	return { shell: args };
}

/** Leading `--flag=value` options of COPY, RUN and HEALTHCHECK. */
export function takeFlags(args: string): { flags: Map<string, string>; rest: string } {
	const flags = new Map<string, string>();
	let rest = args;
	for (let m; (m = /^--([a-z-]+)(?:=(\S*))?\s*/.exec(rest));) {
		flags.set(m[1]!, m[2] ?? 'true');
		rest = rest.slice(m[0].length);
	}
	return { flags, rest };
}

/** Shell-like words: quotes group, backslash escapes (used for ENV and COPY's shell form). */
export function words(input: string): string[] {
	const out: string[] = [];
	let cur = '';
	let inWord = false;
	let quote: '"' | "'" | null = null;
	for (let i = 0; i < input.length; i++) {
		const c = input[i]!;
		if (quote) {
			if (c === quote) quote = null;
			else if (c === '\\' && quote === '"' && i + 1 < input.length) cur += input[++i];
			else cur += c;
		} else if (c === '"' || c === "'") {
			quote = c;
			inWord = true;
		} else if (c === '\\' && i + 1 < input.length) {
			cur += input[++i];
			inWord = true;
		} else if (/\s/.test(c)) {
			if (inWord) out.push(cur);
			cur = '';
			inWord = false;
		} else {
			cur += c;
			inWord = true;
		}
	}
	if (quote) throw new Error(`unterminated quote in: ${input}`);
	if (inWord) out.push(cur);
	return out;
}

/** `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}` as Docker expands them. */
export function expand(input: string, vars: Map<string, string>): string {
	return input.replace(
		/\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
		(all, braced: string | undefined, op: string | undefined, word: string | undefined, bare) => {
			if (all === '\\$') return '\\$';
			const name = (braced ?? bare) as string;
			const value = vars.get(name);
			if (op === '-') return value ? value : (word ?? '');
			if (op === '+') return value ? (word ?? '') : '';
			return value ?? '';
		}
	);
}

/** `KEY=value KEY2="two words"`, or the legacy `KEY value`. */
export function parseEnv(args: string): [string, string][] {
	const first = /^(\S+)\s+(.*)$/s.exec(args);
	if (first && !first[1]!.includes('=')) return [[first[1]!, first[2]!.trim()]];
	return words(args).map((w) => {
		const eq = w.indexOf('=');
		if (eq <= 0) throw new Error(`ENV/ARG entry without "=": ${w}`);
		return [w.slice(0, eq), w.slice(eq + 1)] as [string, string];
	});
}

// ---------------------------------------------------------------- .dockerignore

/** One .dockerignore pattern as a RegExp (Go filepath.Match plus `**`, as Docker reads them). */
export function ignorePattern(pattern: string): RegExp {
	let re = '';
	const p = path.posix.normalize(pattern).replace(/^\/+/, '').replace(/\/+$/, '');
	for (let i = 0; i < p.length; i++) {
		const c = p[i]!;
		if (c === '*' && p[i + 1] === '*') {
			i++;
			if (p[i + 1] === '/') {
				i++;
				re += '(?:.*/)?';
			} else re += '.*';
		} else if (c === '*') re += '[^/]*';
		else if (c === '?') re += '[^/]';
		else if (c === '[') {
			const end = p.indexOf(']', i + 1);
			if (end < 0) re += '\\[';
			else {
				re +=
					'[' +
					p
						.slice(i + 1, end)
						.replace(/^!/, '^')
						.replace(/\\/g, '\\\\') +
					']';
				i = end;
			}
		} else if (c === '\\' && i + 1 < p.length) re += '\\' + p[++i];
		else re += c.replace(/[.+^${}()|\]\\]/g, '\\$&');
	}
	return new RegExp(`^${re}$`);
}

export function dockerIgnore(text: string): (rel: string) => boolean {
	const rules = text
		.split(/\r?\n/)
		.map((l) => l.trim())
		.filter((l) => l && !l.startsWith('#'))
		.map((l) => {
			const negate = l.startsWith('!');
			return { negate, re: ignorePattern(negate ? l.slice(1).trim() : l) };
		});
	return (rel) => {
		// A path is excluded when it or one of its parent directories matches; the last rule wins.
		const parts = rel.split('/');
		const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
		let excluded = false;
		for (const rule of rules) if (candidates.some((c) => rule.re.test(c))) excluded = !rule.negate;
		return excluded;
	};
}

// ---------------------------------------------------------------- shell helpers

/** Splits a shell command at top-level `&&` (outside quotes). */
export function splitAnd(cmd: string): string[] {
	const out: string[] = [];
	let quote: string | null = null;
	let start = 0;
	for (let i = 0; i < cmd.length; i++) {
		const c = cmd[i]!;
		if (quote) {
			if (c === quote) quote = null;
			else if (c === '\\' && quote === '"') i++;
		} else if (c === '"' || c === "'") quote = c;
		else if (c === '\\') i++;
		else if (c === '&' && cmd[i + 1] === '&') {
			out.push(cmd.slice(start, i).trim());
			start = i + 2;
			i++;
		}
	}
	out.push(cmd.slice(start).trim());
	return out.filter(Boolean);
}

/** Commands that configure an image's OS; the host is not theirs to change. */
const CONTAINER_ONLY = new Set([
	'apt-get',
	'apt',
	'apk',
	'dnf',
	'yum',
	'microdnf',
	'useradd',
	'adduser',
	'groupadd',
	'addgroup',
	'usermod',
	'groupmod',
	'passwd',
	'locale-gen',
	'update-ca-certificates'
]);

function commandName(segment: string): string {
	const w = words(segment.replace(/[;|<>()].*$/s, ''));
	const i = w.findIndex((x) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(x));
	return path.posix.basename(w[i] ?? '');
}

// ---------------------------------------------------------------- replay

interface Health {
	command: Command;
	timeoutMs: number;
	graceMs: number;
	options: string;
}

/** A Docker duration such as `30s`, `1m30s` or `500ms`. */
export function duration(text: string): number | null {
	const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
	let total = 0;
	const rest = text.replace(/(\d+(?:\.\d+)?)(ms|s|m|h)/g, (_, n: string, u: string) => {
		total += Number(n) * units[u]!;
		return '';
	});
	return rest === '' && text !== '' ? total : null;
}

interface StageState {
	stage: Stage;
	rootfs: string;
	workdir: string;
	env: Map<string, string>;
	args: Map<string, string>;
	user: string | null;
	volumes: string[];
	owned: Set<string>;
	cmd: Command | null;
	entrypoint: Command | null;
	health: Health | 'NONE' | null;
	stopSignal: string;
	exposed: string[];
}

interface StandIn {
	uid: number;
	gid: number;
	label: string;
}

const skipped: string[] = [];
/** The process group of the started CMD, killed whatever happens. */
let serverGroup: number | null = null;
const emulated: string[] = [];

function say(line: string) {
	process.stdout.write(line + '\n');
}

function secs(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}

function short(text: string, max = 90): string {
	const one = text.replace(/\s+/g, ' ').trim();
	return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

class CheckFailed extends Error {}

function fail(message: string): never {
	throw new CheckFailed(message);
}

function tail(text: string, lines = 40): string {
	return text.trimEnd().split('\n').slice(-lines).join('\n');
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'vigil-docker-check-'));
// The stand-in user must be able to reach the stage roots inside.
chmodSync(tmp, 0o755);
const binDir = path.join(tmp, 'bin');
mkdirSync(binDir);
// `node` inside the "image" is the Node running this check.
symlinkSync(process.execPath, path.join(binDir, 'node'));
// The host's PATH without any node_modules/.bin (npm run adds the repository's): in the
// image only what the stage installed is on PATH.
const hostPath = (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
	.split(path.delimiter)
	.filter((p) => p && !p.includes('node_modules'))
	.join(path.delimiter);

function isRoot(): boolean {
	return process.getuid?.() === 0;
}

/** The host user standing in for the Dockerfile's USER when this check runs as root. */
function standInFor(user: string | null): StandIn | null {
	if (!isRoot() || !user) return null;
	const name = user.split(':')[0]!;
	if (name === 'root' || name === '0') return null;
	const id = (flag: string, who: string) => {
		const r = spawnSync('id', [flag, who], { encoding: 'utf8' });
		return r.status === 0 ? Number(r.stdout.trim()) : NaN;
	};
	const uid = /^\d+$/.test(name) ? Number(name) : id('-u', name);
	if (Number.isInteger(uid) && uid > 0)
		return { uid, gid: /^\d+$/.test(name) ? uid : id('-g', name), label: `${name} (${uid})` };
	return { uid: 65534, gid: 65534, label: `nobody (65534), for "${name}"` };
}

function containerPath(state: StageState, p: string): string {
	return path.posix.resolve(state.workdir, p);
}

function hostPathOf(state: StageState, p: string): string {
	return path.join(state.rootfs, containerPath(state, p));
}

/** Absolute paths the stage owns (WORKDIR, VOLUME, COPY targets, ENV values) move into its root. */
function mapPaths(state: StageState, text: string): string {
	return text.replace(/(^|[\s=:'"])(\/[^\s'":;|&]*)/g, (all, pre: string, p: string) => {
		const top = p.split('/')[1] ?? '';
		if (!top || !(state.owned.has(top) || existsSync(path.join(state.rootfs, top)))) return all;
		return pre + path.join(state.rootfs, p);
	});
}

const HOST_NETWORK_ENV =
	/^(https?_proxy|no_proxy|all_proxy|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR|npm_config_(registry|cafile|strict_ssl|proxy|https_proxy|cache))$/i;

/** The environment of a RUN step (with the stage's ARGs) or of the container (without). */
function envFor(
	state: StageState,
	extra: Record<string, string> = {},
	withArgs = true
): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {
		HOME: process.env.HOME ?? os.homedir(),
		PATH: `${binDir}${path.delimiter}${hostPath}`
	};
	// The build host's network settings (a proxy, a registry mirror's CA) reach RUN steps
	// as they would reach `docker build`; nothing else of this shell's environment does.
	if (withArgs)
		for (const [k, v] of Object.entries(process.env))
			if (v !== undefined && HOST_NETWORK_ENV.test(k)) env[k] = v;
	if (withArgs) for (const [k, v] of state.args) env[k] = v;
	for (const [k, v] of state.env) env[k] = k === 'PATH' ? `${binDir}${path.delimiter}${v}` : v;
	for (const [k, v] of Object.entries(env))
		if (k !== 'PATH' && v?.startsWith('/')) env[k] = mapPaths(state, v);
	return { ...env, ...extra };
}

async function run(
	argv: string[],
	opts: SpawnOptions,
	label: string
): Promise<{ code: number | null; signal: string | null; output: string; ms: number }> {
	const started = Date.now();
	return new Promise((resolve, reject) => {
		const child = spawn(argv[0]!, argv.slice(1), { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
		child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
		child.once('error', (err) => reject(new CheckFailed(`${label}: ${err.message}`)));
		child.once('close', (code, signal) =>
			resolve({ code, signal, output, ms: Date.now() - started })
		);
	});
}

function resolveArgv(command: Command): string[] {
	const argv = 'exec' in command ? [...command.exec] : ['/bin/sh', '-c', command.shell];
	if (argv[0] === 'node') argv[0] = process.execPath;
	return argv;
}

function copyInto(src: string, dest: string, destIsDir: boolean) {
	const st = lstatSync(src);
	if (st.isDirectory()) {
		// Docker copies a directory's contents, not the directory itself.
		mkdirSync(dest, { recursive: true });
		cpSync(src, dest, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
	} else {
		const target = destIsDir ? path.join(dest, path.basename(src)) : dest;
		mkdirSync(path.dirname(target), { recursive: true });
		if (st.isSymbolicLink()) symlinkSync(readlinkSync(src), target);
		else copyFileSync(src, target);
	}
}

function chownTree(target: string, uid: number, gid: number) {
	const st = lstatSync(target);
	chownSync(target, uid, gid);
	if (st.isDirectory())
		for (const entry of readdirSync(target)) chownTree(path.join(target, entry), uid, gid);
}

/** `user[:group]` of a chown: root stays root, another user becomes its stand-in. */
function owner(spec: string): { uid: number; gid: number } | null {
	const name = spec.split(':')[0]!;
	if (name === 'root' || name === '0') return { uid: 0, gid: 0 };
	const standIn = standInFor(name);
	return standIn ? { uid: standIn.uid, gid: standIn.gid } : null;
}

function fileList(dir: string, skip: Set<string>, rel = ''): Map<string, number> {
	const out = new Map<string, number>();
	for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
		const r = rel ? `${rel}/${entry.name}` : entry.name;
		if (skip.has(r)) continue;
		if (entry.isDirectory()) for (const [k, v] of fileList(dir, skip, r)) out.set(k, v);
		else out.set(r, lstatSync(path.join(dir, r)).mtimeMs);
	}
	return out;
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject()));
		});
	});
}

function groupAlive(pgid: number): boolean {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch {
		return false;
	}
}

// ---------------------------------------------------------------- the check

function buildContext(): { dir: string; count: number } {
	const dir = path.join(tmp, 'context');
	mkdirSync(dir);
	const ignoreFile = path.join(root, '.dockerignore');
	const ignored = dockerIgnore(existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : '');
	const ls = spawnSync('git', ['ls-files', '-z', '-c', '-o', '--exclude-standard'], {
		cwd: root,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024
	});
	if (ls.status !== 0) fail(`git ls-files failed: ${ls.stderr}`);
	let count = 0;
	for (const rel of new Set(ls.stdout.split('\0').filter(Boolean))) {
		const src = path.join(root, rel);
		if (ignored(rel) || !existsSync(src)) continue;
		copyInto(src, path.join(dir, rel), false);
		count++;
	}
	// Docker does not read .gitignore: whatever git ignores and exists here would reach the
	// build context (and `COPY . .`) unless .dockerignore excludes it too.
	const gitIgnored = spawnSync(
		'git',
		['ls-files', '-z', '-o', '-i', '--exclude-standard', '--directory'],
		{ cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }
	);
	const leaks = gitIgnored.stdout
		.split('\0')
		.map((p) => p.replace(/\/$/, ''))
		.filter((p) => p && !ignored(p));
	if (leaks.length)
		fail(`.dockerignore lets these git-ignored paths into the build context: ${leaks.join(', ')}`);
	return { dir, count };
}

function dependencies(stages: Stage[], target: Stage): Stage[] {
	const byRef = (ref: string) =>
		stages.find((s) => s.name === ref || String(s.index) === ref) ?? null;
	const needed = new Set<Stage>([target]);
	const visit = (s: Stage) => {
		const refs = [byRef(s.image)];
		for (const ins of s.instructions)
			if (ins.keyword === 'COPY') {
				const from = takeFlags(ins.args).flags.get('from');
				if (from) refs.push(byRef(from));
			}
		for (const r of refs)
			if (r && !needed.has(r)) {
				needed.add(r);
				visit(r);
			}
	};
	visit(target);
	return stages.filter((s) => needed.has(s));
}

async function replayStage(
	stage: Stage,
	globalArgs: Map<string, string>,
	done: Map<Stage, StageState>,
	stages: Stage[],
	context: string
): Promise<StageState> {
	const label = stage.name ?? String(stage.index);
	const base = stages.find((s) => s.name === stage.image && s.index < stage.index);
	const rootfs = path.join(tmp, `stage-${stage.index}-${label}`);
	mkdirSync(rootfs, { mode: 0o755 });
	const parent = base ? done.get(base)! : null;
	const state: StageState = parent
		? {
				...parent,
				stage,
				rootfs,
				env: new Map(parent.env),
				args: new Map(parent.args),
				volumes: [...parent.volumes],
				owned: new Set(parent.owned),
				exposed: [...parent.exposed]
			}
		: {
				stage,
				rootfs,
				workdir: '/',
				// The host's tools (npm, sh) stand in for the base image's.
				env: new Map([['PATH', hostPath]]),
				args: new Map(),
				user: null,
				volumes: [],
				owned: new Set(),
				cmd: null,
				entrypoint: null,
				health: null,
				stopSignal: 'SIGTERM',
				exposed: []
			};
	if (parent) cpSync(parent.rootfs, rootfs, { recursive: true, verbatimSymlinks: true });
	else {
		const major = /^node:(\d+)/.exec(stage.image)?.[1];
		const ours = process.versions.node.split('.')[0];
		if (major !== ours)
			fail(
				`FROM ${stage.image} (Dockerfile:${stage.line}): this check stands in for it with Node ${process.versions.node}; ` +
					`it needs a node:<major> image matching that (run it through npm run check:docker)`
			);
	}
	// Container paths the stage names anywhere are "its" paths, mapped into its root.
	for (const ins of stage.instructions) {
		if (!['WORKDIR', 'VOLUME', 'ENV', 'COPY'].includes(ins.keyword)) continue;
		for (const m of ins.args.matchAll(/(?:^|[\s="[,])\/([A-Za-z0-9._-]+)/g)) state.owned.add(m[1]!);
	}
	say(`stage ${label} (FROM ${stage.image}, Dockerfile:${stage.line})`);

	for (const ins of stage.instructions) {
		// Global ARGs reach a stage only where it declares them again, as in Docker.
		const vars = new Map([...state.args, ...state.env]);
		const where = `Dockerfile:${ins.line}`;
		const head = `  ${ins.keyword} ${short(ins.args, 70)}`;
		const standIn = standInFor(state.user);
		switch (ins.keyword) {
			case 'ARG': {
				for (const w of words(ins.args)) {
					const eq = w.indexOf('=');
					const name = eq < 0 ? w : w.slice(0, eq);
					const value = eq < 0 ? globalArgs.get(name) : expand(w.slice(eq + 1), vars);
					if (value !== undefined) state.args.set(name, value);
				}
				say(head);
				break;
			}
			case 'ENV':
				for (const [k, v] of parseEnv(ins.args)) state.env.set(k, expand(v, vars));
				say(head);
				break;
			case 'WORKDIR':
				state.workdir = containerPath(state, expand(ins.args, vars));
				mkdirSync(path.join(rootfs, state.workdir), { recursive: true });
				say(head);
				break;
			case 'USER':
				state.user = expand(ins.args, vars);
				say(`${head}    (stand-in: ${standInFor(state.user)?.label ?? 'this user'})`);
				break;
			case 'VOLUME': {
				const cmd = parseCommand(expand(ins.args, vars));
				const paths = 'exec' in cmd ? cmd.exec : words(cmd.shell);
				for (const p of paths) {
					const cp = containerPath(state, p);
					state.volumes.push(cp);
					mkdirSync(path.join(rootfs, cp), { recursive: true });
				}
				say(head);
				break;
			}
			case 'EXPOSE':
				state.exposed.push(...words(expand(ins.args, vars)));
				say(head);
				break;
			case 'STOPSIGNAL': {
				const sig = expand(ins.args, vars).trim();
				state.stopSignal = /^\d+$/.test(sig)
					? (Object.entries(os.constants.signals).find(([, n]) => n === Number(sig))?.[0] ?? sig)
					: sig.startsWith('SIG')
						? sig
						: `SIG${sig}`;
				say(head);
				break;
			}
			case 'LABEL':
			case 'MAINTAINER':
				say(head);
				break;
			case 'CMD':
				state.cmd = parseCommand(ins.args);
				say(head);
				break;
			case 'ENTRYPOINT':
				state.entrypoint = parseCommand(ins.args);
				say(head);
				break;
			case 'HEALTHCHECK': {
				const { flags, rest } = takeFlags(ins.args);
				if (/^NONE$/i.test(rest)) state.health = 'NONE';
				else {
					const m = /^CMD\s+(.*)$/is.exec(rest);
					if (!m) fail(`${where}: HEALTHCHECK needs CMD or NONE`);
					const ms = (flag: string, fallback: string) => {
						const value = flags.get(flag) ?? fallback;
						const d = duration(value);
						if (d === null) fail(`${where}: cannot read HEALTHCHECK --${flag}=${value}`);
						return d;
					};
					// Docker's defaults: 30 s interval and timeout, no start period, 3 retries.
					state.health = {
						command: parseCommand(m[1]!),
						timeoutMs: ms('timeout', '30s'),
						// Docker calls the container unhealthy after this long without a pass.
						graceMs:
							ms('start-period', '0s') + ms('interval', '30s') * Number(flags.get('retries') ?? 3),
						options: [...flags].map(([k, v]) => `--${k}=${v}`).join(' ')
					};
				}
				say(head);
				break;
			}
			case 'COPY': {
				const { flags, rest } = takeFlags(ins.args);
				const parsed = parseCommand(expand(rest, vars));
				const list = 'exec' in parsed ? parsed.exec : words(parsed.shell);
				if (list.length < 2) fail(`${where}: COPY needs a source and a destination`);
				const dest = list.at(-1)!;
				const sources = list.slice(0, -1);
				const from = flags.get('from');
				let srcRoot = context;
				if (from) {
					const s = stages.find((x) => x.name === from || String(x.index) === from);
					if (!s) fail(`${where}: COPY --from=${from}: an image, not a stage of this file`);
					srcRoot = done.get(s)!.rootfs;
				}
				for (const f of flags.keys())
					if (!['from', 'chown', 'chmod', 'link'].includes(f))
						fail(`${where}: COPY --${f} is not understood by this check`);
				const destHost = hostPathOf(state, dest);
				const destIsDir = dest.endsWith('/') || dest === '.' || sources.length > 1;
				const started = Date.now();
				let n = 0;
				for (const src of sources) {
					if (/[*?[]/.test(src))
						fail(`${where}: wildcards in COPY are not understood by this check`);
					const abs = path.join(srcRoot, path.posix.resolve('/', src));
					if (!abs.startsWith(srcRoot) || !existsSync(abs))
						fail(
							`${where}: COPY ${src}: not found in ${from ? `stage ${from}` : 'the build context (check .dockerignore)'}`
						);
					copyInto(abs, destHost, destIsDir);
					n++;
				}
				const chown = flags.get('chown');
				if (chown) {
					const o = owner(expand(chown, vars));
					if (o && isRoot()) {
						for (const src of sources)
							chownTree(
								lstatSync(path.join(srcRoot, src)).isDirectory() || !destIsDir
									? destHost
									: path.join(destHost, path.basename(src)),
								o.uid,
								o.gid
							);
						emulated.push(`${where}: COPY --chown=${chown} → uid ${o.uid}`);
					} else skipped.push(`${where}: COPY --chown=${chown} (not running as root)`);
				}
				say(`${head.padEnd(76)} ${n} source(s), ${secs(Date.now() - started)}`);
				break;
			}
			case 'RUN': {
				const { flags, rest } = takeFlags(ins.args);
				for (const [k, v] of flags)
					if (k === 'mount' && v.includes('type=cache'))
						emulated.push(`${where}: RUN --mount=${v} → the host's npm/tool caches`);
					else if (k !== 'network') fail(`${where}: RUN --${k} is not understood by this check`);
				if (/<<-?\s*['"]?\w+/.test(rest))
					fail(`${where}: RUN heredocs are not understood by this check`);
				const command = parseCommand(rest);
				let argv: string[];
				if ('exec' in command) {
					if (CONTAINER_ONLY.has(path.posix.basename(command.exec[0] ?? ''))) {
						skipped.push(`${where}: RUN ${short(rest, 60)} (configures the image's OS)`);
						say(`${head.padEnd(76)} skipped`);
						break;
					}
					argv = resolveArgv(command);
				} else {
					const kept: string[] = [];
					for (const segment of splitAnd(command.shell)) {
						const name = commandName(segment);
						if (CONTAINER_ONLY.has(name)) {
							skipped.push(`${where}: ${short(segment, 60)} (configures the image's OS)`);
						} else if (name === 'chown') {
							const w = words(segment).slice(1);
							const opts = w.filter((x) => x.startsWith('-'));
							const [spec, ...targets] = w.filter((x) => !x.startsWith('-'));
							const o = spec ? owner(spec) : null;
							if (o && isRoot() && targets.length) {
								const mapped = targets.map((t) => mapPaths(state, containerPath(state, t)));
								kept.push(['chown', ...opts, `${o.uid}:${o.gid}`, ...mapped].join(' '));
								emulated.push(`${where}: ${short(segment, 60)} → uid ${o.uid}`);
							} else
								skipped.push(
									`${where}: ${short(segment, 60)} (${isRoot() ? 'unknown owner' : 'not running as root'})`
								);
						} else kept.push(mapPaths(state, segment));
					}
					if (!kept.length) {
						say(`${head.padEnd(76)} skipped`);
						break;
					}
					argv = ['/bin/sh', '-c', kept.join(' && ')];
				}
				const cwd = path.join(rootfs, state.workdir);
				mkdirSync(cwd, { recursive: true });
				const r = await run(
					argv,
					{
						cwd,
						env: envFor(state),
						...(standIn ? { uid: standIn.uid, gid: standIn.gid } : {})
					},
					where
				);
				if (r.code !== 0)
					fail(`${where}: RUN ${short(rest, 70)} exited ${r.code ?? r.signal}\n${tail(r.output)}`);
				say(`${head.padEnd(76)} ${secs(r.ms)}`);
				break;
			}
			default:
				fail(
					`${where}: ${ins.keyword} is not understood by this check (teach scripts/docker-check.ts)`
				);
		}
	}
	return state;
}

async function runImage(state: StageState) {
	const where = 'final stage';
	// Static expectations first: they hold in any container, whatever the host.
	if (!state.user || /^(root|0)(:|$)/.test(state.user))
		fail(`${where}: runs as root; add USER with an unprivileged user`);
	if (!state.cmd && !state.entrypoint) fail(`${where}: no CMD`);
	for (const [name, c] of [
		['ENTRYPOINT', state.entrypoint],
		['CMD', state.cmd]
	] as const)
		if (c && 'shell' in c && (name === 'ENTRYPOINT' || !state.entrypoint))
			fail(
				`${where}: ${name} in shell form runs under /bin/sh, which does not pass SIGTERM on; use the exec form ["node", …]`
			);
	if (!state.health || state.health === 'NONE') fail(`${where}: no HEALTHCHECK`);
	const health = state.health;
	const dataDir = state.env.get('VIGIL_DATA_DIR');
	if (
		!dataDir ||
		!state.volumes.some((v) => dataDir === v || dataDir.startsWith(v.replace(/\/?$/, '/')))
	)
		fail(
			`${where}: VIGIL_DATA_DIR (${dataDir ?? 'unset: ./.vigil in the container layer'}) is not in a VOLUME`
		);

	const entry = state.entrypoint && 'exec' in state.entrypoint ? state.entrypoint.exec : [];
	const cmd = state.cmd
		? 'exec' in state.cmd
			? state.cmd.exec
			: ['/bin/sh', '-c', state.cmd.shell]
		: [];
	const argv = resolveArgv({ exec: [...entry, ...cmd] });
	const port = await freePort();
	const standIn = standInFor(state.user);
	const extra: Record<string, string> = { PORT: String(port), HOST: '127.0.0.1' };
	if (state.user && !/^(root|0)(:|$)/.test(state.user)) {
		const home = path.join(state.rootfs, 'home', state.user.split(':')[0]!);
		mkdirSync(home, { recursive: true });
		if (standIn) chownSync(home, standIn.uid, standIn.gid);
		extra.HOME = home;
	}
	const env = envFor(state, extra, false);
	const cwd = path.join(state.rootfs, state.workdir);
	const ids = standIn ? { uid: standIn.uid, gid: standIn.gid } : {};

	// What the server writes outside its volumes would land in the container layer.
	const skip = new Set(
		[...state.volumes, '/tmp', '/home', '/root'].map((v) => v.replace(/^\/+/, ''))
	);
	const before = fileList(state.rootfs, skip);

	say('run');
	say(
		`  CMD ${argv.map((a) => (a === process.execPath ? 'node' : a)).join(' ')}   as ${standIn?.label ?? `uid ${process.getuid?.() ?? '?'}`}, ` +
			`PORT=${port} (Dockerfile: ${state.env.get('PORT') ?? 'unset'}), HOST=127.0.0.1, ` +
			`VIGIL_DATA_DIR=${dataDir} → ${env.VIGIL_DATA_DIR}`
	);
	const logFile = path.join(tmp, 'server.log');
	const logFd = openSync(logFile, 'w');
	const started = Date.now();
	let child: ChildProcess;
	try {
		child = spawn(argv[0]!, argv.slice(1), {
			cwd,
			env,
			...ids,
			detached: true,
			stdio: ['ignore', logFd, logFd]
		});
	} finally {
		closeSync(logFd);
	}
	const serverLog = () => tail(readFileSync(logFile, 'utf8'));
	let exit: { code: number | null; signal: string | null } | null = null;
	const exited = new Promise<void>((resolve) =>
		child.once('exit', (code, signal) => {
			exit = { code, signal };
			resolve();
		})
	);
	const pgid = child.pid!;
	serverGroup = pgid;
	try {
		// 1. /healthz answers 200.
		let healthy = false;
		while (Date.now() - started < HEALTH_TIMEOUT_MS) {
			if (exit) fail(`the server exited early (${JSON.stringify(exit)})\n${serverLog()}`);
			const status = await fetch(`http://127.0.0.1:${port}/healthz`, {
				signal: AbortSignal.timeout(2000)
			}).then(
				(r) => r.status,
				() => 0
			);
			if (status === 200) {
				healthy = true;
				break;
			}
			await new Promise((r) => setTimeout(r, 250));
		}
		if (!healthy)
			fail(`/healthz did not answer 200 within ${secs(HEALTH_TIMEOUT_MS)}\n${serverLog()}`);
		const healthyAfter = Date.now() - started;
		if (healthyAfter > health.graceMs)
			fail(
				`/healthz took ${secs(healthyAfter)}; Docker would call the container unhealthy after ${secs(health.graceMs)} (HEALTHCHECK ${health.options})`
			);
		say(`  GET /healthz → 200 after ${secs(healthyAfter)}`);

		// 2. The HEALTHCHECK command itself, as Docker would run it inside the container.
		const hc = await run(resolveArgv(health.command), { cwd, env, ...ids }, 'HEALTHCHECK');
		if (hc.code !== 0)
			fail(`HEALTHCHECK ${health.options} exited ${hc.code ?? hc.signal}\n${tail(hc.output)}`);
		if (hc.ms > health.timeoutMs)
			fail(`HEALTHCHECK took ${secs(hc.ms)}, over its --timeout of ${secs(health.timeoutMs)}`);
		say(`  HEALTHCHECK (${health.options}) → exit 0 in ${secs(hc.ms)}`);

		// 3. docker stop: the STOPSIGNAL to PID 1 only, then a clean exit.
		const stopAt = Date.now();
		process.kill(child.pid!, state.stopSignal as NodeJS.Signals);
		await Promise.race([exited, new Promise((r) => setTimeout(r, STOP_TIMEOUT_MS))]);
		const result = exit as { code: number | null; signal: string | null } | null;
		if (!result)
			fail(`no exit within ${secs(STOP_TIMEOUT_MS)} of ${state.stopSignal}\n${serverLog()}`);
		if (result.code !== 0)
			fail(`${state.stopSignal} → exit ${result.code ?? result.signal}, not 0\n${serverLog()}`);
		say(`  ${state.stopSignal} → exit 0 after ${secs(Date.now() - stopAt)}`);

		// 4. Nothing of the server's left running (e.g. the embedded PostgreSQL).
		const deadline = Date.now() + 5000;
		while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
		if (groupAlive(pgid)) {
			const ps = spawnSync('ps', ['-e', '-o', 'pgid=,pid=,args='], { encoding: 'utf8' });
			const left = ps.stdout.split('\n').filter((l) => l.trim().split(/\s+/)[0] === String(pgid));
			fail(`processes still running after the server exited:\n${left.join('\n')}`);
		}
		say('  no process left behind');

		// 5. The probe is real: with the server gone the HEALTHCHECK fails.
		const down = await run(resolveArgv(health.command), { cwd, env, ...ids }, 'HEALTHCHECK');
		if (down.code === 0) fail('HEALTHCHECK exits 0 with the server stopped: it checks nothing');
		say(`  HEALTHCHECK with the server stopped → exit ${down.code ?? down.signal}`);

		// 6. State went to the volumes, not the container layer.
		const after = fileList(state.rootfs, skip);
		const written = [...after].filter(([f, m]) => before.get(f) !== m).map(([f]) => '/' + f);
		if (written.length)
			fail(
				`written outside the VOLUMEs (${state.volumes.join(', ')}), into the container layer: ${written.slice(0, 10).join(', ')}`
			);
		const volumes = state.volumes.map(
			(v) => `${v}: ${readdirSync(path.join(state.rootfs, v)).join(', ') || '(empty)'}`
		);
		say(`  container layer unchanged; ${volumes.join('; ')}`);
	} finally {
		if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
	}
}

async function main() {
	const t0 = Date.now();
	const dockerfile = path.join(root, 'Dockerfile');
	const { globalArgs, stages } = parseDockerfile(readFileSync(dockerfile, 'utf8'));
	say(
		`check:docker: replaying Dockerfile (${stages.length} stages) on Node ${process.versions.node}, in ${tmp}`
	);
	const args = new Map<string, string>();
	for (const a of globalArgs)
		for (const w of words(a.args)) {
			const eq = w.indexOf('=');
			if (eq > 0) args.set(w.slice(0, eq), w.slice(eq + 1));
		}
	const context = buildContext();
	say(
		`context: ${context.count} files (git-tracked and untracked-not-ignored, minus .dockerignore)`
	);
	const final = stages.at(-1)!;
	const done = new Map<Stage, StageState>();
	for (const stage of dependencies(stages, final))
		done.set(stage, await replayStage(stage, args, done, stages, context.dir));
	await runImage(done.get(final)!);
	for (const s of skipped) say(`skipped  ${s}`);
	for (const e of emulated) say(`emulated ${e}`);
	say(`check:docker: ok in ${secs(Date.now() - t0)}`);
}

// Ctrl-C or a CI timeout: no server or temporary tree left behind.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
	process.once(signal, () => {
		if (serverGroup !== null && groupAlive(serverGroup)) process.kill(-serverGroup, 'SIGKILL');
		rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
		process.exit(130);
	});

let code = 0;
try {
	await main();
} catch (err) {
	code = 1;
	if (err instanceof CheckFailed) {
		for (const s of skipped) process.stdout.write(`skipped  ${s}\n`);
		for (const e of emulated) process.stdout.write(`emulated ${e}\n`);
		process.stderr.write(`check:docker: FAILED\n${err.message}\n`);
	} else process.stderr.write(`check:docker: ${(err as Error).stack ?? String(err)}\n`);
} finally {
	if (keep) process.stdout.write(`kept ${tmp}\n`);
	else rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
}
process.exit(code);
