/**
 * Accuracy of the offline classifier on the test part of the triage corpus (never tuned on):
 * overall, per category, per system, the confusion pairs, and how often a wrong answer came with
 * High or Very High confidence. Then the same figures per corpus kind, because most of the corpus
 * is derived from the catalogues the rules are built from (and flatters them), and separately for
 * the real messages collected from public threads, with their before/after figures.
 *
 *   npm run eval:triage                    # test part
 *   npm run eval:triage -- --tune          # the tune part instead (for rule work)
 *   npm run eval:triage -- --record-before # store today's answers on the real messages as "before"
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyOffline } from '../../src/lib/server/triage/classifier.ts';
import type { TriageResult } from '../../src/lib/server/triage/types.ts';
import { CORPUS_DIR, partOf, readCorpus, type CorpusItem } from './corpus.ts';

const part = process.argv.includes('--tune') ? 'tune' : 'test';
const all = readCorpus();
const items = all.filter((item) => partOf(item.group) === part);
const BEFORE_FILE = join(CORPUS_DIR, 'real.before.json');

interface Answer {
	category: TriageResult['category'];
	confidence: TriageResult['confidence'];
}

/** The answers on the real messages before any rule was changed for them. */
interface BeforeFile {
	recordedAt: string;
	note: string;
	answers: Record<string, Answer>;
}

function classify(item: CorpusItem): Answer {
	const result = classifyOffline({
		source: item.pipelineSource,
		pipeline: 'pl_eval',
		resource: null,
		errorMessage: item.message,
		errorCode: null,
		failureType: null
	});
	return { category: result.category, confidence: result.confidence };
}

const isHigh = (answer: Answer) =>
	answer.confidence === 'High' || answer.confidence === 'Very High';

interface Tally {
	n: number;
	ok: number;
	wrongHigh: number;
}

class Report {
	readonly total: Tally = { n: 0, ok: 0, wrongHigh: 0 };
	readonly byCategory = new Map<string, Tally>();
	readonly bySystem = new Map<string, Tally>();
	readonly byKind = new Map<string, Tally>();
	readonly confusion = new Map<string, { n: number; example: CorpusItem }>();

	add(item: CorpusItem, answer: Answer): void {
		const right = answer.category === item.label;
		const wrongHigh = !right && isHigh(answer);
		for (const tally of [
			this.total,
			this.at(this.byCategory, item.label),
			this.at(this.bySystem, item.system),
			this.at(this.byKind, kindGroup(item))
		]) {
			tally.n += 1;
			if (right) tally.ok += 1;
			if (wrongHigh) tally.wrongHigh += 1;
		}
		if (!right) {
			const key = `${item.label} -> ${answer.category}`;
			const pair = this.confusion.get(key) ?? { n: 0, example: item };
			pair.n += 1;
			this.confusion.set(key, pair);
		}
	}

	private at(map: Map<string, Tally>, key: string): Tally {
		const tally = map.get(key) ?? { n: 0, ok: 0, wrongHigh: 0 };
		map.set(key, tally);
		return tally;
	}
}

/** catalogue and wrapped are both derived from catalogue rows; the rules were built from those. */
function kindGroup(item: CorpusItem): string {
	if (item.kind === 'catalogue' || item.kind === 'wrapped') return 'catalogue-derived';
	return item.kind;
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)} %` : '-');

function printTable(title: string, map: Map<string, Tally>, withWrongHigh = false): void {
	console.log(`\n${title}`);
	for (const [key, t] of [...map].sort((a, b) => b[1].n - a[1].n)) {
		const extra = withWrongHigh ? `   wrong at high ${pct(t.wrongHigh, t.n)} (${t.wrongHigh})` : '';
		console.log(`  ${key.padEnd(22)} ${pct(t.ok, t.n).padStart(8)}  (${t.ok}/${t.n})${extra}`);
	}
}

function printSummary(report: Report): void {
	const { total } = report;
	console.log(`Overall accuracy: ${pct(total.ok, total.n)} (${total.ok}/${total.n})`);
	console.log(
		`Wrong at High/Very High confidence: ${pct(total.wrongHigh, total.n)} (${total.wrongHigh}/${total.n})`
	);
}

function printConfusion(report: Report, limit: number): void {
	console.log('\nConfusion pairs (label -> answer), most frequent first:');
	for (const [key, { n, example }] of [...report.confusion]
		.sort((a, b) => b[1].n - a[1].n)
		.slice(0, limit)) {
		const text = example.message.replace(/\s+/g, ' ').slice(0, 110);
		console.log(`  ${String(n).padStart(4)}  ${key.padEnd(36)} e.g. ${text}`);
	}
}

function readBefore(): BeforeFile | null {
	try {
		return JSON.parse(readFileSync(BEFORE_FILE, 'utf8')) as BeforeFile;
	} catch {
		return null;
	}
}

if (process.argv.includes('--record-before')) {
	const answers: Record<string, Answer> = {};
	for (const item of all.filter((i) => i.kind === 'real')) answers[item.id] = classify(item);
	const file: BeforeFile = {
		recordedAt: new Date().toISOString().slice(0, 10),
		note: 'Answers of the offline classifier on the real messages before any rule was changed for them.',
		answers
	};
	writeFileSync(BEFORE_FILE, JSON.stringify(file, null, '\t') + '\n');
	console.log(`Recorded ${Object.keys(answers).length} answers in ${BEFORE_FILE}`);
	process.exit(0);
}

const report = new Report();
const real = new Report();
const realBefore = new Report();
const before = readBefore();
for (const item of items) {
	const answer = classify(item);
	report.add(item, answer);
	if (item.kind !== 'real') continue;
	real.add(item, answer);
	const old = before?.answers[item.id];
	if (old) realBefore.add(item, old);
}

console.log(`Triage corpus: ${all.length} messages; ${part} part: ${items.length}`);
printSummary(report);
printTable('Per category (label):', report.byCategory);
printTable('Per system:', report.bySystem);
printConfusion(report, 25);
printTable(
	'Per corpus kind (catalogue-derived flatters the rules built from the same catalogues):',
	report.byKind,
	true
);

console.log(`\n== Real messages from public threads, ${part} part (${real.total.n}) ==`);
printSummary(real);
if (before && realBefore.total.n) {
	const { total: b } = realBefore;
	console.log(
		`Before the rule changes (${before.recordedAt}): ${pct(b.ok, b.n)} (${b.ok}/${b.n}), wrong at High/Very High ${pct(b.wrongHigh, b.n)} (${b.wrongHigh}/${b.n})`
	);
	console.log('\nPer category, before -> after:');
	for (const [key, t] of [...real.byCategory].sort((a, b) => b[1].n - a[1].n)) {
		const old = realBefore.byCategory.get(key) ?? { n: 0, ok: 0, wrongHigh: 0 };
		console.log(
			`  ${key.padEnd(22)} ${pct(old.ok, old.n).padStart(8)} -> ${pct(t.ok, t.n).padStart(8)}  (${old.ok} -> ${t.ok} of ${t.n})`
		);
	}
} else {
	printTable('Per category (label):', real.byCategory);
}
printTable('Per system:', real.bySystem);
printConfusion(real, 40);
