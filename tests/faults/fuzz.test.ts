import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/lib/server/db/embedded.ts';
import { TEST_INGEST_KEY } from '../support/db.ts';
import { fixture, fixtureNames } from '../support/fixtures.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { rng, type Rng } from '../support/random.ts';

/**
 * Fuzzed webhooks (issue #8): thousands of requests with a valid key across the three
 * endpoints, built from the real fixtures and then broken every way a sender (or an
 * attacker) can: fields deleted or of the wrong type, huge strings, NUL, lone surrogates,
 * emoji, deep nesting, arrays for objects, numbers out of range, run ids of 1–20 KB,
 * bodies near and over 1 MiB, gzip (valid, corrupt, bombs), other encodings, wrong
 * content types, invalid JSON, invalid UTF-8, empty bodies. Through the production server
 * (adapter-node in front), every request must be answered, none with a 5xx, and every one
 * must leave exactly one raw event (matched by its x-request-id).
 *
 * FUZZ_REQUESTS and FUZZ_SEED change the run (the seed is printed with the summary);
 * FUZZ_DEBUG=1 adds the mean latency per mutation.
 */
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 5000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);
const CONCURRENCY = 12;
const TIMEOUT_MS = 30_000;
const MIB = 1024 * 1024;

type Endpoint = 'azure-monitor' | 'databricks' | 'generic';
const ENDPOINTS: Endpoint[] = ['azure-monitor', 'databricks', 'generic'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const BASES: Record<Endpoint, Obj[]> = {
	'azure-monitor': fixtureNames('azure-monitor').map((f) => fixture<Obj>(`azure-monitor/${f}`)),
	databricks: [
		fixture<Obj>('databricks/webhook.job-failure.json'),
		fixture<Obj>('databricks/webhook.task-failure.json'),
		{
			event_type: 'jobs.on_failure',
			workspace_id: 4412093817265530,
			run_id: 5551234,
			job_id: 42,
			job_name: 'flat_job',
			run_page_url: 'https://adb-1.azuredatabricks.net/#job/42/run/5551234',
			error: 'Task failed with NullPointerException'
		}
	],
	generic: [fixture<Obj>('generic/airflow-task-failed.json')]
};

/** Sets a run id where the body's shape keeps it, so most valid bodies create a ticket. */
function setRunId(body: Obj, runId: string, digits: string) {
	if ('PipelineRunId' in body) body.PipelineRunId = runId;
	else if ('pipelineName' in body) body.message = `${String(body.message)} ${runId}`;
	else if ('schemaId' in body) {
		const essentials = (body.data as Obj | undefined)?.essentials as Obj | undefined;
		if (essentials && typeof essentials === 'object') essentials.alertId = `/alerts/${runId}`;
	} else if ('run' in body && body.run && typeof body.run === 'object' && !Array.isArray(body.run))
		body.run.run_id = digits;
	else if ('event_type' in body) body.run_id = digits;
	else body.run_id = runId;
}

/** Every path to a value (objects and arrays), up to a depth. */
function paths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
	if (prefix.length > 8 || value === null || typeof value !== 'object') return out;
	const entries: [string | number, Json][] = Array.isArray(value)
		? value.map((v, i) => [i, v])
		: Object.entries(value);
	for (const [k, v] of entries) {
		out.push([...prefix, k]);
		paths(v, [...prefix, k], out);
	}
	return out;
}

function parentOf(body: Json, p: (string | number)[]): { parent: Json; key: string | number } {
	let parent = body;
	for (const k of p.slice(0, -1)) parent = (parent as Record<string | number, Json>)[k]!;
	return { parent, key: p.at(-1)! };
}

function setAt(body: Json, p: (string | number)[], value: Json | undefined) {
	const { parent, key } = parentOf(body, p);
	if (parent === null || typeof parent !== 'object') return;
	if (value === undefined) {
		if (Array.isArray(parent)) parent.splice(Number(key), 1);
		else delete parent[key as string];
	} else (parent as Record<string | number, Json>)[key] = value;
}

const ODD_TEXT = [
	'\u0000',
	'a\u0000b',
	'\ud800',
	'\udfff',
	'x\udc00\ud800y',
	'😀🔥👩‍👩‍👧‍👦',
	'\u202e\u200b\ufeff',
	'e\u0301\u0301\u0301',
	'ｆｕｌｌ＝１',
	"'; drop table tickets; --",
	'<script>alert(1)</script>',
	'=HYPERLINK("http://evil.example")',
	'\\u0000',
	'%00%ud800',
	'\t\r\n\f\v',
	'\u0085\u2028\u2029',
	'𝕳𝖊𝖑𝖑𝖔'
];

function randomText(r: Rng, length: number): string {
	const alphabets = [
		'abcdefghijklmnopqrstuvwxyz0123456789-_.:/ ',
		'äöüßéèçñ€£¥©®',
		'日本語中文한국어',
		'😀🔥🚀🧪'
	];
	const alphabet = [...r.pick(alphabets)];
	let s = '';
	while (s.length < length) s += alphabet[r.int(alphabet.length)];
	return s.slice(0, length).isWellFormed() ? s.slice(0, length) : s.slice(0, length - 1);
}

function randomValue(r: Rng): Json {
	switch (r.int(9)) {
		case 0:
			return null;
		case 1:
			return r.chance(0.5);
		case 2:
			return r.pick([0, -1, 1.5, 2 ** 53 + 1, 1e308, -1e308, 5e-324, -0, 2 ** 64]);
		case 3:
			return [];
		case 4:
			return {};
		case 5:
			return [randomText(r, 5), 1, null];
		case 6:
			return r.pick(ODD_TEXT);
		case 7:
			return randomText(r, r.int(200));
		default:
			return { nested: { value: randomText(r, 10) } };
	}
}

/** Placeholders replaced in the JSON text, for what JSON.stringify cannot write. */
const TEXT_LEVEL: Record<string, (r: Rng) => string> = {
	'"@@deep@@"': (r) => {
		const depth = r.pick([100, 1000, 10_000, 50_000]);
		return r.chance(0.5)
			? '['.repeat(depth) + ']'.repeat(depth)
			: '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
	},
	'"@@bignum@@"': (r) =>
		r.pick(['1e999', '-1e999', '123456789012345678901234567890', '0.' + '1'.repeat(400), '1e-999'])
};

interface Case {
	endpoint: Endpoint;
	body: Uint8Array<ArrayBuffer>;
	headers: Record<string, string>;
	mutations: string[];
}

/** A corrupt gzip, a gzip bomb and an over-limit gzip, made once. */
const GZIP_BOMB = gzipSync(Buffer.alloc(40 * MIB, ' '));

function mutateValue(r: Rng, body: Obj, runLength: () => number): string {
	const all = paths(body);
	const target = all.length ? r.pick(all) : null;
	const kind = r.int(12);
	if (!target) return 'none';
	switch (kind) {
		case 0:
			setAt(body, target, undefined);
			return 'delete';
		case 1:
			setAt(body, target, randomValue(r));
			return 'retype';
		case 2:
			setAt(body, target, randomText(r, r.pick([1000, 50_000, 300_000])));
			return 'huge-string';
		case 3: {
			const { parent, key } = parentOf(body, target);
			const old = (parent as Record<string | number, Json>)[key];
			setAt(body, target, typeof old === 'string' ? old + r.pick(ODD_TEXT) : r.pick(ODD_TEXT));
			return 'odd-text';
		}
		case 4: {
			const { parent } = parentOf(body, target);
			if (parent && typeof parent === 'object' && !Array.isArray(parent))
				parent[`${r.pick(ODD_TEXT)}key`] = r.pick(ODD_TEXT);
			return 'odd-key';
		}
		case 5:
			setAt(body, target, '@@deep@@');
			return 'deep';
		case 6: {
			const { parent, key } = parentOf(body, target);
			const old = (parent as Record<string | number, Json>)[key];
			setAt(body, target, old && typeof old === 'object' ? [old] : [old ?? null]);
			return 'array-for-value';
		}
		case 7:
			setAt(body, target, '@@bignum@@');
			return 'big-number';
		case 8:
			setAt(
				body,
				target,
				r.pick([-1, 2 ** 63, -(2 ** 63), 1e21, 0.5, Number.MAX_SAFE_INTEGER + 2])
			);
			return 'number-range';
		case 9:
			// Own keys, as JSON.parse makes them (an assignment would set the prototype instead).
			Object.defineProperty(body, '__proto__', {
				value: { polluted: true },
				enumerable: true,
				writable: true,
				configurable: true
			});
			body['constructor'] = 'x';
			return 'proto-keys';
		case 10: {
			const labels: Obj = {};
			for (let i = 0; i < r.pick([100, 2000, 20_000]); i++) labels[`l${i}`] = i;
			body.labels = labels;
			return 'many-bad-fields';
		}
		default:
			setAt(body, target, randomText(r, runLength()));
			return 'long-value';
	}
}

/** Request `i` of the run: the same for a seed whatever order the senders take them in. */
function buildCase(i: number): Case {
	const r = rng(SEED * 100_003 + i);
	const endpoint = r.pick(ENDPOINTS);
	// Now and then a body of another endpoint, to hit "not recognised".
	const from = r.chance(0.08) ? r.pick(ENDPOINTS) : endpoint;
	const body = structuredClone(r.pick(BASES[from]));
	const mutations: string[] = [];
	const runLength = () => 1000 + r.int(19_001);
	const runId = r.chance(0.1) ? randomText(r, runLength()) : `fuzz-${SEED}-${i}`;
	if (runId.length > 100) mutations.push('long-run-id');
	const digits = r.chance(0.05) ? '9'.repeat(runLength()) : String(1_000_000_000 + i);
	if (!r.chance(0.1)) setRunId(body, runId, digits);
	else mutations.push('repeat-run');
	const rounds = r.chance(0.35) ? 0 : 1 + r.int(3);
	for (let n = 0; n < rounds; n++) mutations.push(mutateValue(r, body, runLength));

	let root: Json = body;
	if (r.chance(0.03)) {
		root = r.pick<Json>([[body], 'string', 42, null, []]);
		mutations.push('not-an-object');
	}
	let text = JSON.stringify(root);
	for (const [placeholder, make] of Object.entries(TEXT_LEVEL))
		while (text.includes(placeholder)) text = text.replace(placeholder, make(r));

	// The body as text, then as bytes.
	const textMutation = r.int(100);
	if (textMutation < 5) {
		text = text.slice(0, r.int(text.length));
		mutations.push('truncated-json');
	} else if (textMutation < 8) {
		text = text + r.pick([',', '}', ' garbage', '\u0000', "{'single': 'quotes'}"]);
		mutations.push('trailing-garbage');
	} else if (textMutation < 10) {
		text = text.replace('"', '"\u0000');
		mutations.push('raw-nul');
	} else if (textMutation < 12) {
		text = '';
		mutations.push('empty');
	} else if (textMutation < 15) {
		const target = r.pick([MIB - 2048, MIB - 200, MIB + 1, MIB + 50_000, MIB + 100_000, 2 * MIB]);
		const pad = Math.max(0, target - Buffer.byteLength(text) - 12);
		text = text.replace(/^\{/, `{"pad":"${'p'.repeat(pad)}",`);
		mutations.push(`size-${target}`);
	}
	let bytes: Uint8Array<ArrayBuffer> = Buffer.from(text, 'utf8');
	if (r.chance(0.02)) {
		const broken = Buffer.from(bytes);
		broken[r.int(broken.length || 1)] = 0xff;
		bytes = broken;
		mutations.push('invalid-utf8');
	}

	const headers: Record<string, string> = {
		'x-api-key': TEST_INGEST_KEY,
		'x-request-id': `fuzz-${SEED}-${i}`
	};
	const type = r.int(100);
	if (type < 88) headers['content-type'] = 'application/json';
	else if (type < 91) headers['content-type'] = 'application/json; charset=utf-8';
	else if (type < 93) headers['content-type'] = 'application/vnd.vigil+json';
	else if (type < 95) headers['content-type'] = 'text/plain';
	else if (type < 97) headers['content-type'] = 'application/x-www-form-urlencoded';
	else if (type < 98) headers['content-type'] = 'application/json\u00e9';
	if (!headers['content-type']) mutations.push('no-content-type');
	else if (type >= 93) mutations.push('wrong-content-type');

	const encoding = r.int(100);
	if (encoding < 10) {
		bytes = gzipSync(bytes);
		headers['content-encoding'] = r.pick(['gzip', 'x-gzip', 'GZip']);
		mutations.push('gzip');
	} else if (encoding < 12) {
		const gz = gzipSync(bytes);
		bytes = gz.subarray(0, Math.max(1, r.int(gz.length)));
		headers['content-encoding'] = 'gzip';
		mutations.push('gzip-corrupt');
	} else if (encoding < 13) {
		headers['content-encoding'] = 'gzip';
		mutations.push('gzip-not-gzipped');
	} else if (encoding < 14) {
		bytes = GZIP_BOMB;
		headers['content-encoding'] = 'gzip';
		mutations.push('gzip-bomb');
	} else if (encoding < 15) {
		headers['content-encoding'] = r.pick(['br', 'deflate', 'zstd', 'gzip, br', 'compress']);
		mutations.push('other-encoding');
	}
	return { endpoint, body: bytes, headers, mutations };
}

interface Outcome {
	requestId: string;
	endpoint: Endpoint;
	status: number;
	ms: number;
	failure: string | null;
	errorShape: boolean;
	mutations: string[];
}

async function sendCase(url: string, c: Case): Promise<Outcome> {
	const started = performance.now();
	const requestId = c.headers['x-request-id']!;
	try {
		const res = await fetch(`${url}/api/webhooks/${c.endpoint}`, {
			method: 'POST',
			headers: c.headers,
			body: c.body,
			signal: AbortSignal.timeout(TIMEOUT_MS)
		});
		const text = await res.text();
		let errorShape = true;
		if (res.status >= 400) {
			try {
				const e = JSON.parse(text).error;
				errorShape = typeof e?.code === 'string' && typeof e?.message === 'string';
			} catch {
				errorShape = false;
			}
		}
		return {
			requestId,
			endpoint: c.endpoint,
			status: res.status,
			ms: performance.now() - started,
			failure: res.status >= 500 ? text.slice(0, 300) : null,
			errorShape,
			mutations: c.mutations
		};
	} catch (err) {
		const e = err as Error & { cause?: { code?: string; message?: string } };
		return {
			requestId,
			endpoint: c.endpoint,
			status: 0,
			ms: performance.now() - started,
			failure: e.cause?.code ?? e.cause?.message ?? e.message,
			errorShape: false,
			mutations: c.mutations
		};
	}
}

let root: string;
let db: EmbeddedDatabase;
let databaseUrl: string;
let server: RunningServer;

beforeAll(async () => {
	root = await mkdtemp(path.join(os.tmpdir(), `vigil-fuzz-${process.pid}-`));
	// mkdtemp makes it 0700; the postgres system user (when run as root) must reach it.
	await chmod(root, 0o755);
	db = await startEmbeddedPostgres(path.join(root, 'pg'), { persistent: false });
	databaseUrl = db.url;
	server = await startServer(databaseUrl, { VIGIL_DATA_DIR: path.join(root, 'data') });
});

afterAll(async () => {
	await server?.stop();
	await db?.stop();
	if (root) await rm(root, { recursive: true, force: true });
});

describe('fuzzed webhooks with a valid key', () => {
	it(`answers and stores all ${REQUESTS}, none with a 5xx`, async () => {
		const outcomes: Outcome[] = [];
		let next = 0;
		const started = performance.now();
		await Promise.all(
			Array.from({ length: CONCURRENCY }, async () => {
				while (next < REQUESTS) {
					const i = next++;
					outcomes.push(await sendCase(server.url, buildCase(i)));
				}
			})
		);
		const seconds = (performance.now() - started) / 1000;

		const client = new pg.Client(databaseUrl);
		client.on('error', () => {});
		await client.connect();
		let stored: { request_id: string; n: number; header_ok: boolean; unstorable: boolean }[];
		let sanitized: { note: string; n: number }[];
		try {
			stored = (
				await client.query(
					`select request_id, count(*)::int as n,
						bool_and(headers->>'x-request-id' = request_id) as header_ok,
						bool_or(error->>'code' = 'unstorable_payload') as unstorable
					from webhook_events where request_id like $1 group by request_id`,
					[`fuzz-${SEED}-%`]
				)
			).rows;
			sanitized = (
				await client.query(
					`select unnest(sanitized) as note, count(*)::int as n
					from webhook_events group by 1 order by 1`
				)
			).rows;
		} finally {
			await client.end();
		}

		const byRequest = new Map(stored.map((s) => [s.request_id, s]));
		const byStatus = new Map<number, number>();
		for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
		const fiveXx = outcomes.filter((o) => o.status >= 500);
		const unanswered = outcomes.filter((o) => o.status === 0);
		const badShape = outcomes.filter((o) => o.status >= 400 && !o.errorShape);
		const notStored = outcomes.filter((o) => byRequest.get(o.requestId)?.n !== 1);
		const unstorable = stored.filter((s) => s.unstorable);
		const maxMs = Math.max(...outcomes.map((o) => o.ms));

		process.stdout.write(
			`fuzz: ${outcomes.length} requests (seed ${SEED}, ${CONCURRENCY} at a time) in ${seconds.toFixed(1)} s; ` +
				`by status ${[...byStatus]
					.sort(([a], [b]) => a - b)
					.map(([s, n]) => `${s}×${n}`)
					.join(' ')}; ` +
				`stored ${outcomes.length - notStored.length}/${outcomes.length}; ` +
				`unstorable ${unstorable.length}; max latency ${Math.round(maxMs)} ms; ` +
				`sanitized ${sanitized.map((s) => `${s.note}×${s.n}`).join(' ') || 'none'}\n`
		);
		if (process.env.FUZZ_DEBUG) {
			const cost: Record<string, [number, number]> = {};
			for (const o of outcomes)
				for (const m of o.mutations.length ? o.mutations : ['none']) {
					const c = (cost[m] ??= [0, 0]);
					c[0] += o.ms;
					c[1]++;
				}
			process.stdout.write(
				Object.entries(cost)
					.sort((a, b) => b[1][0] - a[1][0])
					.map(([m, [ms, n]]) => `${m}: ${n} × ${Math.round(ms / n)} ms`)
					.join('\n') + '\n'
			);
		}
		const show = (list: Outcome[]) =>
			list
				.slice(0, 5)
				.map(
					(o) =>
						`${o.requestId} ${o.endpoint} ${o.status} [${o.mutations.join(',')}] ${o.failure ?? ''}`
				)
				.join('\n');

		expect(outcomes).toHaveLength(REQUESTS);
		expect(unanswered, show(unanswered)).toEqual([]);
		expect(fiveXx, `${show(fiveXx)}\n${server.output().slice(-3000)}`).toEqual([]);
		expect(badShape, show(badShape)).toEqual([]);
		expect(notStored, show(notStored)).toEqual([]);
		expect(stored.every((s) => s.header_ok)).toBe(true);
		expect(stored).toHaveLength(REQUESTS);
		expect(unstorable).toEqual([]);
		expect(server.proc.exitCode).toBeNull();
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
	});
});
