import { percentile } from './stats.ts';

/** Latency of one measured path, in milliseconds (nearest-rank percentiles). */
export interface Figures {
	n: number;
	p50: number;
	p95: number;
	max: number;
}

export interface Ratio {
	p50: number;
	p95: number;
}

export function figures(values: number[]): Figures {
	const sorted = Float64Array.from(values).sort();
	return {
		n: sorted.length,
		p50: percentile(sorted, 0.5),
		p95: percentile(sorted, 0.95),
		max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN
	};
}

export const ratio = (f: Figures, base: Figures): Ratio => ({
	p50: f.p50 / base.p50,
	p95: f.p95 / base.p95
});

/** One phase: each path measured over the same tickets, the ratios to (c) of this phase. */
export interface PhaseResult {
	name: string;
	description: string;
	/** (a) webhook 201 → `ticket:updated` with jira_key. */
	toIssue: Figures;
	/** (b) Jira webhook handed to the handler → `ticket:updated` with status closed. */
	fromJira: Figures;
	/** (b), only up to the handler's 200 (stored and enqueued). */
	jiraAnswered: Figures;
	/** (c) webhook 201 → `ticket:updated` with triage_status no longer pending. */
	triage: Figures;
	/** (a) − (c) per ticket: offline triage done → jira_key (the Jira job alone). */
	triageToIssue: Figures;
	ratios: { toIssue: Ratio; fromJira: Ratio; triageToIssue: Ratio };
	/** Tickets that failed or timed out, by reason. */
	failures: Record<string, number>;
}

export interface JiraReport {
	config: {
		tickets: number;
		concurrency: number;
		warmup: number;
		sequentialGapMs: number;
		timeoutMs: number;
		jira: {
			mode: 'cloud';
			ratePerSecond: number;
			rateSource: 'production default' | 'BENCH_JIRA_RATE';
			workers: number;
		};
		database: { kind: 'embedded'; version: string; synchronousCommit: string };
		/** 1-minute load average when the run ended. */
		machine: { cpus: number; loadAverage: number };
	};
	phases: PhaseResult[];
	standin: {
		issues: number;
		requests: Record<string, number>;
		violations: string[];
		responseViolations: string[];
	};
	/** Jira jobs sent back to wait (Vigil's own rate limit, Retry-After, breaker), by queue. */
	deferredJobs: Record<string, number>;
	tickets: { jiraStatus: Record<string, number>; status: Record<string, number> };
}

const num = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');
const x = (v: number | undefined) => (v === undefined ? '' : `${num(v, 2)}×`);
const COLS = [8, 10, 10, 10, 11, 11];
const LABEL = 46;

function line(label: string, cells: string[]): string {
	return `  ${label.padEnd(LABEL)}${cells.map((c, i) => c.padStart(COLS[i]!)).join('')}`;
}

function row(label: string, f: Figures, r?: Ratio): string {
	return line(label, [String(f.n), num(f.p50), num(f.p95), num(f.max), x(r?.p50), x(r?.p95)]);
}

const counts = (c: Record<string, number>) =>
	Object.entries(c)
		.map(([k, v]) => `${v}× ${k}`)
		.join('; ') || 'none';

export function formatJiraReport(r: JiraReport): string {
	const c = r.config;
	const rate = `${c.jira.ratePerSecond} calls/s (${c.jira.rateSource})`;
	const out = [
		'',
		`Vigil Jira sync benchmark: ${c.tickets} tickets one at a time, then ${c.tickets} in waves of ${c.concurrency} at once (after ${c.warmup} warm-up tickets)`,
		`Jira stand-in (cloud, REST v3) in its own process; Vigil's Jira rate limit ${rate}; ${c.jira.workers} workers per Jira queue`,
		`PostgreSQL ${c.database.version} (${c.database.kind}), synchronous_commit=${c.database.synchronousCommit}; ${c.machine.cpus} CPUs, load average ${num(c.machine.loadAverage, 2)} at the end`,
		'',
		line('', ['n', 'p50 ms', 'p95 ms', 'max ms', 'p50/(c)', 'p95/(c)'])
	];
	for (const p of r.phases) {
		out.push(
			`${p.name}: ${p.description}`,
			row('(a) webhook 201 → jira_key on the board', p.toIssue, p.ratios.toIssue),
			row('(b) Jira webhook → ticket closed on the board', p.fromJira, p.ratios.fromJira),
			row('(c) baseline: webhook 201 → offline triage', p.triage),
			row('    (a) − (c): triage done → jira_key', p.triageToIssue, p.ratios.triageToIssue),
			row('    (b) until the handler answered 200', p.jiraAnswered)
		);
		if (Object.keys(p.failures).length) out.push(`  !!! not measured: ${counts(p.failures)}`);
		out.push('');
	}
	const s = r.standin;
	out.push(
		`Jira saw (warm-up included): ${s.issues} issues; requests: ${counts(s.requests)}`,
		`Jira jobs deferred (rate limit, Retry-After, breaker): ${counts(r.deferredJobs)}`,
		`Tickets at the end: status ${counts(r.tickets.status)}; jira_status ${counts(r.tickets.jiraStatus)}`
	);
	if (s.violations.length || s.responseViolations.length)
		out.push(
			`!!! The stand-in found requests or answers outside Jira's API spec:`,
			...[...s.violations, ...s.responseViolations].map((v) => `!!!   ${v}`)
		);
	if (Object.keys(r.deferredJobs).length)
		out.push(`Deferred jobs wait for their start time without a NOTIFY: up to one 2 s poll more.`);
	out.push(
		'',
		'Ratios are to (c) of the same phase, measured on the same tickets in the same run;',
		'only they mean anything: absolute figures drift 2–3× on these machines.',
		''
	);
	return out.join('\n');
}
