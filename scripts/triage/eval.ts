/**
 * Accuracy of the offline classifier on the test part of the triage corpus (never tuned on):
 * overall, per category, per system, the confusion pairs, and how often a wrong answer came with
 * High or Very High confidence. Then the same figures per corpus kind, because most of the corpus
 * is derived from the catalogues the rules are built from (and flatters them), and separately for
 * the real messages collected from public threads, with their before/after figures: the first
 * collection (real.txt) and, separately, the fresh one (fresh.txt) gathered after the rules had
 * been tuned on the first, which shows how the rules do on messages nobody tuned them on.
 *
 *   npm run eval:triage                    # test part
 *   npm run eval:triage -- --tune          # the tune part instead (for rule work)
 *   npm run eval:triage -- --record-before # store today's answers as "before" for every real
 *                                          # message that has none yet (never overwrites one)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { classifyOffline } from '../../src/lib/server/triage/classifier.ts';
import type { TriageResult } from '../../src/lib/server/triage/types.ts';
import { CORPUS_DIR, partOf, readCorpus, REAL_BATCHES, type CorpusItem } from './corpus.ts';

const part = process.argv.includes('--tune') ? 'tune' : 'test';
const all = readCorpus();
const items = all.filter((item) => partOf(item.group) === part);

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
	if (item.batch) return `${item.kind} (${item.batch})`;
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

type Batch = (typeof REAL_BATCHES)[number];

function readBefore(batch: Batch): BeforeFile | null {
	try {
		return JSON.parse(readFileSync(join(CORPUS_DIR, batch.before), 'utf8')) as BeforeFile;
	} catch {
		return null;
	}
}

const inBatch = (batch: Batch) => (item: CorpusItem) =>
	item.kind === 'real' && item.batch === batch.batch;

if (process.argv.includes('--record-before')) {
	// Only answers missing from a batch's file are added: a recorded "before" stays what the rules
	// answered before anyone changed them for that message.
	for (const batch of REAL_BATCHES) {
		const file: BeforeFile = readBefore(batch) ?? {
			recordedAt: new Date().toISOString().slice(0, 10),
			note: `Answers of the offline classifier on the real messages of ${batch.source} before any rule was changed for them.`,
			answers: {}
		};
		let added = 0;
		for (const item of all.filter(inBatch(batch))) {
			if (file.answers[item.id]) continue;
			file.answers[item.id] = classify(item);
			added += 1;
		}
		writeFileSync(join(CORPUS_DIR, batch.before), JSON.stringify(file, null, '\t') + '\n');
		console.log(`${batch.before}: ${added} answers added`);
	}
	process.exit(0);
}

const report = new Report();
for (const item of items) report.add(item, classify(item));

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

/** Before/after figures for one collection of real messages. */
function printRealSection(title: string, batch: Batch): void {
	const now = new Report();
	const then = new Report();
	const before = readBefore(batch);
	for (const item of items.filter(inBatch(batch))) {
		now.add(item, classify(item));
		const old = before?.answers[item.id];
		if (old) then.add(item, old);
	}
	console.log(`\n== ${title}, ${part} part (${now.total.n}) ==`);
	printSummary(now);
	if (before && then.total.n) {
		const { total: b } = then;
		console.log(
			`Before the rule changes (${before.recordedAt}): ${pct(b.ok, b.n)} (${b.ok}/${b.n}), wrong at High/Very High ${pct(b.wrongHigh, b.n)} (${b.wrongHigh}/${b.n})`
		);
		for (const [heading, nowMap, thenMap] of [
			['Per category, before -> after:', now.byCategory, then.byCategory],
			['Per system, before -> after:', now.bySystem, then.bySystem]
		] as const) {
			console.log(`\n${heading}`);
			for (const [key, t] of [...nowMap].sort((a, b) => b[1].n - a[1].n)) {
				const old = thenMap.get(key) ?? { n: 0, ok: 0, wrongHigh: 0 };
				console.log(
					`  ${key.padEnd(22)} ${pct(old.ok, old.n).padStart(8)} -> ${pct(t.ok, t.n).padStart(8)}  (${old.ok} -> ${t.ok} of ${t.n})`
				);
			}
		}
	} else {
		printTable('Per category (label):', now.byCategory);
		printTable('Per system:', now.bySystem);
	}
	printConfusion(now, 40);
}

printRealSection('Real messages from public threads (first collection)', REAL_BATCHES[0]);
printRealSection('Fresh real messages (collected after the rules were tuned)', REAL_BATCHES[1]);
