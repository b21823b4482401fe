/**
 * `node bench/regex.ts`: what routing regexes cost on RE2 (re2js, linear time) next to
 * JavaScript's backtracking RegExp. Benign: typical rules on typical pipeline names, the
 * ratio RE2 / RegExp per match. Adversarial: a catastrophic pattern on a long name, which
 * RE2 answers in linear time and RegExp only on very short input (its time doubles per
 * character). Timings are reported, never asserted: tests check behaviour, not speed.
 */
import { compileRegex } from '#lib/server/routing/regex.ts';

const PATTERNS = [
	'^pl_(sales|finance)_',
	'adf-crm-(prod|prd)-\\w+',
	'(?:dbx|databricks)-\\d{2,4}$'
];
const NAMES = [
	'pl_sales_daily_load',
	'pl_finance_month_end',
	'adf-crm-prod-neu',
	'dbx-1234',
	'pl_hr_load_employee_dim',
	'databricks-nightly-feature-store'
];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200_000);

function nsPerMatch(test: (s: string) => boolean): number {
	let hits = 0;
	for (let i = 0; i < 10_000; i++) hits += test(NAMES[i % NAMES.length]!) ? 1 : 0; // warm-up
	const started = process.hrtime.bigint();
	for (let i = 0; i < ROUNDS; i++) hits += test(NAMES[i % NAMES.length]!) ? 1 : 0;
	const ns = Number(process.hrtime.bigint() - started) / ROUNDS;
	if (hits < 0) console.log(hits); // keeps the loop from being optimised away
	return ns;
}

function msFor(work: () => unknown): number {
	const started = performance.now();
	work();
	return performance.now() - started;
}

const rows: { pattern: string; re2_ns: number; regexp_ns: number; ratio: number }[] = [];
for (const pattern of PATTERNS) {
	const compiled = compileRegex(pattern);
	if (!compiled.ok) throw new Error(`${pattern}: ${compiled.problem}`);
	const re2 = compiled.regex;
	const js = new RegExp(pattern, 'i');
	const re2_ns = nsPerMatch((s) => re2.test(s));
	const regexp_ns = nsPerMatch((s) => js.test(s));
	rows.push({ pattern, re2_ns, regexp_ns, ratio: re2_ns / regexp_ns });
}
console.log('Benign routing patterns, ns per match (one run):');
console.table(
	rows.map((r) => ({
		pattern: r.pattern,
		'RE2 ns': r.re2_ns.toFixed(0),
		'RegExp ns': r.regexp_ns.toFixed(0),
		'RE2 / RegExp': r.ratio.toFixed(1)
	}))
);

const catastrophic = '^(\\w+\\s?)+$';
const re2 = compileRegex(catastrophic);
if (!re2.ok) throw new Error(re2.problem);
const re2Ms = msFor(() => re2.regex.test(`${'a'.repeat(50_000)}!`));
const shortName = `${'a'.repeat(22)}!`;
const jsMs = msFor(() => new RegExp(catastrophic, 'i').test(shortName));
console.log(
	`Adversarial ${catastrophic}: RE2 on 50,000 characters ${re2Ms.toFixed(1)} ms; ` +
		`RegExp on ${shortName.length} characters ${jsMs.toFixed(1)} ms (doubles per added character)`
);
console.log(
	JSON.stringify({
		benign: rows,
		adversarial: { re2_50k_ms: re2Ms, regexp_short_ms: jsMs, short_length: shortName.length }
	})
);
