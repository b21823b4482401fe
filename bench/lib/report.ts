import type { BacklogOutcome } from './backlog.ts';
import type { DatabaseFacts } from './database.ts';
import type { DelayFigures, Figures, Ratio, Summary } from './summary.ts';

export interface Report {
	config: {
		concurrency: number;
		seconds: number;
		warmupSeconds: number;
		rounds: number;
		database: DatabaseFacts & { kind: 'embedded' | 'external' };
	};
	summary: Summary;
	triage: {
		pollingIntervalSeconds: number;
		/** How often workers on a notify queue poll when no NOTIFY comes (jobs/boss.ts work()). */
		notifyBackstopSeconds: number;
		underLoad: DelayFigures & {
			jobs: number[];
			queuedAtLoadEnd: number[];
			drainSeconds: (number | null)[];
		};
		light: {
			intervalMs: number;
			/** created_on → started_on, database clock. */
			queue: DelayFigures;
			/** The client receiving the 201 → started_on (same machine clock; may be < 0). */
			acceptedToStart: DelayFigures;
		};
		/** Light-load delays far below the polling interval: workers were woken by NOTIFY. */
		wokenByNotify: boolean;
		/** A backlog of offline triage jobs enqueued at once, drained by the server's workers. */
		backlog: BacklogOutcome | null;
	};
}

const num = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const pad = (s: string, n: number) => s.padStart(n);

function row(label: string, f: Figures): string {
	return `  ${label.padEnd(36)}${pad(num(f.opsPerSec), 10)}${pad(num(f.p50, 2), 10)}${pad(num(f.p95, 2), 10)}${pad(num(f.p99, 2), 10)}`;
}

function ratioRow(label: string, r: Ratio): string {
	return `  ${label.padEnd(36)}${pad(num(r.throughput, 2) + '×', 10)}${pad(num(r.p50, 2) + '×', 10)}${pad(num(r.p95, 2) + '×', 10)}${pad(num(r.p99, 2) + '×', 10)}`;
}

function delayRow(label: string, d: DelayFigures): string {
	const missing = d.notStarted ? `, ${d.notStarted} never started` : '';
	return `  ${label.padEnd(36)}p50 ${num(d.p50)} ms   p95 ${num(d.p95)} ms   p99 ${num(d.p99)} ms   (n=${d.n}${missing})`;
}

const counts = (c: Record<string, number>) =>
	Object.keys(c).length
		? Object.entries(c)
				.map(([k, v]) => `${v}× ${k}`)
				.join('; ')
		: '0';

function backlogLines(b: BacklogOutcome): string[] {
	const drained =
		b.drainMs === null
			? 'NOT drained within the limit'
			: `drained in ${num(b.drainMs / 1000, 2)} s (${num(b.jobsPerSecond ?? NaN, 0)} jobs/s), first created → last completed`;
	const lines = [
		'',
		`Backlog: ${b.jobs} offline triage jobs enqueued at once (one insert, one NOTIFY)`,
		`  ${drained}`
	];
	if (b.stillPending > 0)
		lines.push(`!!! ${b.stillPending} tickets still pending triage afterwards`);
	return lines;
}

export function formatReport(r: Report): string {
	const { config: c, summary: s, triage: t } = r;
	const head = `${''.padEnd(38)}${pad('ops/s', 10)}${pad('p50 ms', 10)}${pad('p95 ms', 10)}${pad('p99 ms', 10)}`;
	const lines = [
		'',
		`Vigil ingest benchmark: ${c.concurrency} concurrent senders, ${c.seconds} s per sample after ${c.warmupSeconds} s warm-up, ${c.rounds} rounds`,
		`PostgreSQL ${c.database.version} (${c.database.kind}), synchronous_commit=${c.database.synchronousCommit}, fsync=${c.database.fsync}`,
		'',
		`Median of ${c.rounds} rounds (each round: same-tx, plain, Vigil, plain, same-tx; a baseline's round figure is its two samples' mean)`,
		head,
		row('Vigil webhooks (HTTP → 201)', s.vigil),
		row('Baseline: same SQL transaction', s.sameTransaction),
		row('Baseline: one-row INSERT transaction', s.plainInsert),
		'',
		'Ratios (median of same-round ratios; throughput < 1× and latency > 1× mean Vigil is slower)',
		`${''.padEnd(38)}${pad('ops/s', 10)}${pad('p50', 10)}${pad('p95', 10)}${pad('p99', 10)}`,
		ratioRow('Vigil / same-transaction baseline', s.ratios.vigilOverSameTransaction),
		ratioRow('Vigil / one-row INSERT baseline', s.ratios.vigilOverPlainInsert),
		'',
		'Per round (ops/s): Vigil | same-tx | plain',
		...s.perRound.map(
			(p, i) =>
				`  round ${i + 1}: ${num(p.vigil.opsPerSec)} | ${num(p.sameTransaction.opsPerSec)} | ${num(p.plainInsert.opsPerSec)}`
		),
		'',
		`Non-201 webhook answers: ${counts(s.non201)}; baseline failures: ${counts(s.baselineFailures)}`,
		'',
		`Server CPU per accepted webhook under load: ${num(s.serverCpuMsPerWebhook)} ms (median of rounds)`,
		'',
		`Webhook accepted → triage job started (pg-boss poll ${t.pollingIntervalSeconds} s; notify queues: NOTIFY, else a ${t.notifyBackstopSeconds} s backstop poll)`,
		delayRow(`light (1 webhook / ${t.light.intervalMs} ms), queue`, t.light.queue),
		delayRow('light, client got 201 → job started', t.light.acceptedToStart),
		delayRow(`under load (${c.concurrency} senders), queue`, t.underLoad),
		`  triage jobs per load sample: ${t.underLoad.jobs.join(', ')}; still queued when the load stopped: ${t.underLoad.queuedAtLoadEnd.join(', ')}`,
		`  what was still queued cleared (no help from the bench) in ${t.underLoad.drainSeconds.map((d) => (d === null ? 'NOT within limit' : `${num(d)} s`)).join(', ')}`,
		...(t.backlog ? backlogLines(t.backlog) : [])
	];
	if (!t.wokenByNotify)
		lines.push(
			'',
			`!!! Light-load triage start delay is not far below the ${t.pollingIntervalSeconds} s poll interval:`,
			'!!! workers look like they wait for the next poll instead of being woken by NOTIFY.'
		);
	lines.push(
		'',
		'Only the same-run ratios mean anything: absolute figures drift 2–3× on these machines.',
		''
	);
	return lines.join('\n');
}
