/**
 * `npx node bench/jira.ts`: the Jira sync's latencies on the real runtime (startRuntime:
 * workers, pg-boss, rate limit, breaker) on a real PostgreSQL, against the Jira stand-in in
 * its own process. (a) webhook 201 → the ticket's jira_key reaches the board; (b) a Jira
 * webhook (an issue moved to Done) → the ticket closed on the board; both as ratios to
 * (c) webhook 201 → offline triage done, the same job machinery without a vendor, measured
 * on the same tickets. See bench/README.md.
 */
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { JiraWebhookEvent } from '../tests/support/jira-standin.ts';
import { installCleanupHandlers, removeTempDirs, stopOnInterrupt } from './lib/cleanup.ts';
import { startDatabase, type BenchDatabase } from './lib/database.ts';
import {
	figures,
	formatJiraReport,
	ratio,
	type JiraReport,
	type PhaseResult
} from './lib/jira-report.ts';
import { startRemoteStandin, type RemoteStandin } from './lib/jira-standin-client.ts';
import { TicketTracker, type Outcome } from './lib/jira-tracker.ts';
import type { Runtime } from '#lib/server/runtime.ts';

const env = process.env;
const TICKETS = Number(env.BENCH_TICKETS ?? 100);
const CONCURRENCY = Number(env.BENCH_CONCURRENCY ?? 20);
const WARMUP = Number(env.BENCH_WARMUP ?? 5);
const TIMEOUT_MS = Number(env.BENCH_TIMEOUT_SECONDS ?? 60) * 1000;
const JSON_ONLY = env.BENCH_JSON === '1';
const RATE = env.BENCH_JIRA_RATE ? Number(env.BENCH_JIRA_RATE) : undefined;
/** work() in src/lib/server/jobs/boss.ts: startJira registers each Jira queue with its default. */
const JIRA_WORKERS = 2;
const INGEST_KEY = 'vik_bench_ingest_key_0123456789abcdef';
const SECRET = 'jira-bench-webhook-secret-0123456789';
const ORIGIN = 'https://vigil.bench.example';

// Vigil's logger reads LOG_LEVEL when it is first imported, and writes to stdout, where the
// table and the JSON line go: quiet unless asked. Hence the dynamic imports below.
env.LOG_LEVEL ||= 'silent';
register('./lib/jira-raw-imports.ts', import.meta.url);
const [{ parseConfig }, { startRuntime }, { handleWebhook }, { handleJiraWebhook }, events, jira] =
	await Promise.all([
		import('#lib/server/config.ts'),
		import('#lib/server/runtime.ts'),
		import('#lib/server/http/webhooks.ts'),
		import('#lib/server/http/jira-webhook.ts'),
		import('#lib/server/events.ts'),
		import('#lib/server/jira/connection.ts')
	]);

const ratePerSecond = RATE ?? jira.DEFAULT_TUNING.ratePerSecond;
// One ticket at a time, but never faster than 4/5 of the rate limit: one Jira call per
// ticket and path, so the sequential phase never waits for a rate-limit slot.
const SEQUENTIAL_GAP_MS = Math.ceil(1250 / ratePerSecond);
// The limit counts calls per 1 s window: each wave (and the first ticket of a phase) starts
// on a fresh one, so waves are alike.
const SETTLE_MS = 1100;

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

let seq = 0;
const BODY = JSON.parse(
	readFileSync(
		path.join(import.meta.dirname, '../tests/support/fixtures/generic/airflow-task-failed.json'),
		'utf8'
	)
) as Record<string, unknown>;

/** A generic webhook as a scheduler sends it; a run id never sent before. */
function ticketRequest(): Request {
	const body = { ...BODY, run_id: `bench-${process.pid}-${seq++}`, pipeline: `pl_jira_${seq}` };
	return new Request('http://vigil.bench/api/webhooks/generic', {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': INGEST_KEY },
		body: JSON.stringify(body)
	});
}

/** The delivery as Jira Cloud posts it (tests/support/jira-standin.ts deliverWebhook): secret in the URL. */
function jiraRequest(event: JiraWebhookEvent): Request {
	return new Request(`http://vigil.bench/api/webhooks/jira?secret=${encodeURIComponent(SECRET)}`, {
		method: 'POST',
		headers: {
			'content-type': 'application/json; charset=UTF-8',
			'user-agent': 'Atlassian Webhook HTTP Client',
			'x-atlassian-webhook-identifier': event.identifier,
			'x-atlassian-webhook-flow': 'Primary'
		},
		body: JSON.stringify(event.body)
	});
}

interface Created {
	id: string;
	/** performance.now() when handleWebhook answered 201. */
	accepted: number;
	triaged: Outcome;
	linked: Outcome;
	key: string | null;
}

interface Closed {
	/** performance.now() when the delivery was handed to the handler, and when it answered. */
	posted: number;
	answered: number;
	closed: Outcome;
}

class Bench {
	readonly tracker = new TicketTracker();
	private readonly rt: Runtime;
	private readonly standin: RemoteStandin;
	constructor(rt: Runtime, standin: RemoteStandin) {
		this.rt = rt;
		this.standin = standin;
	}

	/** (a) and (c) for one ticket: the webhook, then its triage and its Jira issue. */
	async create(): Promise<Created> {
		const res = await handleWebhook(this.rt, 'generic', ticketRequest(), null);
		const accepted = performance.now();
		const answer = (await res.json()) as { ticket_id?: string };
		if (res.status !== 201 || !answer.ticket_id)
			throw new Error(`webhook answered ${res.status}: ${JSON.stringify(answer)}`);
		const id = answer.ticket_id;
		const [triaged, linked] = await Promise.all([
			this.tracker.waitFor(id, 'triaged', TIMEOUT_MS),
			this.tracker.waitFor(id, 'linked', TIMEOUT_MS)
		]);
		const key = 'at' in linked ? await this.keyOf(id) : null;
		return { id, accepted, triaged, linked, key };
	}

	private async keyOf(id: string): Promise<string | null> {
		const r = await this.rt.pool.query(`select jira_key from tickets where id = $1`, [id]);
		return (r.rows[0]?.jira_key as string | null) ?? null;
	}

	/** (b) for one ticket: the issue moved to Done in Jira, Jira's webhook through the real handler. */
	async close(id: string, event: JiraWebhookEvent): Promise<Closed> {
		const posted = performance.now();
		const res = await handleJiraWebhook(this.rt, jiraRequest(event));
		const answered = performance.now();
		if (res.status !== 200)
			throw new Error(`Jira webhook answered ${res.status}: ${await res.text()}`);
		const closed = await this.tracker.waitFor(id, 'closed', TIMEOUT_MS);
		return { posted, answered, closed };
	}

	transition(key: string): Promise<JiraWebhookEvent> {
		return this.standin.transition(key, 'Done');
	}
}

function phaseResult(
	name: string,
	description: string,
	created: Created[],
	closed: { ticket: Created; result: Closed }[]
): PhaseResult {
	const failures: Record<string, number> = {};
	const fail = (why: string) => (failures[why] = (failures[why] ?? 0) + 1);
	const toIssue: number[] = [];
	const triage: number[] = [];
	const triageToIssue: number[] = [];
	for (const t of created) {
		if ('at' in t.triaged) triage.push(t.triaged.at - t.accepted);
		else fail(`(c) ${t.triaged.failed}`);
		if ('at' in t.linked) toIssue.push(t.linked.at - t.accepted);
		else fail(`(a) ${t.linked.failed}`);
		if ('at' in t.triaged && 'at' in t.linked) triageToIssue.push(t.linked.at - t.triaged.at);
	}
	const fromJira: number[] = [];
	const answered: number[] = [];
	for (const { result } of closed) {
		answered.push(result.answered - result.posted);
		if ('at' in result.closed) fromJira.push(result.closed.at - result.posted);
		else fail(`(b) ${result.closed.failed}`);
	}
	const f = {
		toIssue: figures(toIssue),
		fromJira: figures(fromJira),
		jiraAnswered: figures(answered),
		triage: figures(triage),
		triageToIssue: figures(triageToIssue)
	};
	return {
		name,
		description,
		...f,
		ratios: {
			toIssue: ratio(f.toIssue, f.triage),
			fromJira: ratio(f.fromJira, f.triage),
			triageToIssue: ratio(f.triageToIssue, f.triage)
		},
		failures
	};
}

/** One ticket at a time: each created and linked, then each closed from Jira. */
async function sequential(b: Bench, n: number): Promise<PhaseResult> {
	const created: Created[] = [];
	for (let i = 0; i < n; i++) {
		const started = performance.now();
		created.push(await b.create());
		await sleep(SEQUENTIAL_GAP_MS - (performance.now() - started));
	}
	await sleep(SETTLE_MS);
	const closed: { ticket: Created; result: Closed }[] = [];
	for (const ticket of created) {
		if (!ticket.key) continue;
		const event = await b.transition(ticket.key);
		const started = performance.now();
		closed.push({ ticket, result: await b.close(ticket.id, event) });
		await sleep(SEQUENTIAL_GAP_MS - (performance.now() - started));
	}
	return phaseResult(
		'Sequential',
		`one ticket at a time, ≥ ${SEQUENTIAL_GAP_MS} ms apart (under the rate limit)`,
		created,
		closed
	);
}

/** Waves of `size` tickets at once: all created, then all their issues moved to Done at once. */
async function waves(b: Bench, n: number, size: number): Promise<PhaseResult> {
	const created: Created[] = [];
	const closed: { ticket: Created; result: Closed }[] = [];
	for (let done = 0; done < n; done += size) {
		const count = Math.min(size, n - done);
		await sleep(SETTLE_MS);
		const wave = await Promise.all(Array.from({ length: count }, () => b.create()));
		created.push(...wave);
		const linked = wave.filter((t): t is Created & { key: string } => t.key !== null);
		const deliveries = [];
		for (const t of linked) deliveries.push({ ticket: t, event: await b.transition(t.key) });
		await sleep(SETTLE_MS);
		closed.push(
			...(await Promise.all(
				deliveries.map(async (d) => ({
					ticket: d.ticket,
					result: await b.close(d.ticket.id, d.event)
				}))
			))
		);
		log(`  wave ${done / size + 1}: ${count} tickets`);
	}
	return phaseResult(
		'Concurrent',
		`waves of ${size} webhooks at once, then their ${size} Jira webhooks at once`,
		created,
		closed
	);
}

async function tally(rt: Runtime, sql: string): Promise<Record<string, number>> {
	const r = await rt.pool.query(sql);
	return Object.fromEntries(r.rows.map((row) => [String(row.k), Number(row.n)]));
}

interface Held {
	rt?: Runtime;
	standin?: RemoteStandin;
	off?: () => void;
}

async function main(db: BenchDatabase, held: Held): Promise<void> {
	log('starting the Jira stand-in');
	const standin = (held.standin = await startRemoteStandin());
	log(`embedded PostgreSQL up; starting Vigil's runtime`);
	const config = parseConfig({
		VIGIL_DATA_DIR: path.join(db.tempDir, 'data'),
		VIGIL_ENCRYPTION_KEY: 'ab'.repeat(32),
		VIGIL_ADMIN_EMAIL: 'admin@contoso.example',
		VIGIL_ADMIN_PASSWORD: 'correct horse battery staple',
		VIGIL_INGEST_API_KEY: INGEST_KEY,
		ALLOWED_EMAIL_DOMAINS: 'contoso.example',
		JIRA_BASE_URL: standin.url,
		JIRA_DEPLOYMENT: 'cloud',
		JIRA_EMAIL: standin.email,
		JIRA_API_TOKEN: standin.apiToken,
		JIRA_PROJECT_KEY: 'OPS',
		JIRA_ISSUE_TYPE: 'Bug',
		JIRA_WEBHOOK_SECRET: SECRET,
		ORIGIN
	});
	const rt = (held.rt = await startRuntime(config, {
		databaseUrl: db.url,
		jira: RATE === undefined ? {} : { tuning: { ratePerSecond: RATE } }
	}));
	stopOnInterrupt(() => rt.stop());
	const facts = (
		await rt.pool.query(
			`select current_setting('server_version') as version, current_setting('synchronous_commit') as sc`
		)
	).rows[0] as { version: string; sc: string };
	log(`PostgreSQL ${facts.version}, synchronous_commit=${facts.sc}`);

	const b = new Bench(rt, standin);
	held.off = events.subscribe('ticket:updated', b.tracker.onUpdated);

	log(`warm-up: ${WARMUP} tickets through both paths`);
	await sequential(b, WARMUP);
	log(`sequential: ${TICKETS} tickets`);
	const seq = await sequential(b, TICKETS);
	log(`concurrent: ${TICKETS} tickets in waves of ${CONCURRENCY}`);
	const conc = await waves(b, TICKETS, CONCURRENCY);

	const report: JiraReport = {
		config: {
			tickets: TICKETS,
			concurrency: CONCURRENCY,
			warmup: WARMUP,
			sequentialGapMs: SEQUENTIAL_GAP_MS,
			timeoutMs: TIMEOUT_MS,
			jira: {
				mode: 'cloud',
				ratePerSecond,
				rateSource: RATE === undefined ? 'production default' : 'BENCH_JIRA_RATE',
				workers: JIRA_WORKERS
			},
			database: { kind: 'embedded', version: facts.version, synchronousCommit: facts.sc },
			machine: { cpus: os.availableParallelism(), loadAverage: os.loadavg()[0]! }
		},
		phases: [seq, conc],
		standin: await standin.report(),
		deferredJobs: await tally(
			rt,
			`select name as k, count(*) as n from pgboss.job where name like 'jira.%' and data ? 'deferred' group by name`
		),
		tickets: {
			status: await tally(rt, `select status as k, count(*) as n from tickets group by 1`),
			jiraStatus: await tally(
				rt,
				`select coalesce(jira_status, 'none') as k, count(*) as n from tickets group by 1`
			)
		}
	};
	if (!JSON_ONLY) process.stdout.write(formatJiraReport(report) + '\n');
	process.stdout.write(JSON.stringify(report) + '\n');
}

async function run(): Promise<number> {
	installCleanupHandlers();
	// On Ctrl-C the cleanup handlers stop the runtime under the running phase: not a failure.
	let interrupted = false;
	for (const signal of ['SIGINT', 'SIGTERM'] as const)
		process.once(signal, () => (interrupted = true));
	// Always a fresh cluster: the stand-in numbers issues from OPS-1 each run, and an old
	// ticket linked to the same key would take the Jira deliveries meant for a new one.
	const db = await startDatabase(undefined);
	const held: Held = {};
	try {
		await main(db, held);
		return 0;
	} catch (err) {
		if (!interrupted) log(`failed: ${(err as Error).stack ?? err}`);
		return 1;
	} finally {
		held.off?.();
		await held.rt?.stop().catch(() => {});
		await held.standin?.close().catch(() => {});
		await db.stop().catch(() => {});
		removeTempDirs();
	}
}

process.exit(await run());
