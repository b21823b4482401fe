/**
 * Accuracy of the offline classifier on the test part of the triage corpus (never tuned on):
 * overall, per category, per system, the confusion pairs, and how often a wrong answer came with
 * High or Very High confidence.
 *
 *   npm run eval:triage            # test part
 *   npm run eval:triage -- --tune  # the tune part instead (for rule work)
 */
import { classifyOffline } from '../../src/lib/server/triage/classifier.ts';
import { partOf, readCorpus, type CorpusItem } from './corpus.ts';

const part = process.argv.includes('--tune') ? 'tune' : 'test';
const all = readCorpus();
const items = all.filter((item) => partOf(item.group) === part);

interface Tally {
	n: number;
	ok: number;
}
const tally = (map: Map<string, Tally>, key: string, ok: boolean) => {
	const t = map.get(key) ?? { n: 0, ok: 0 };
	t.n += 1;
	if (ok) t.ok += 1;
	map.set(key, t);
};

const byCategory = new Map<string, Tally>();
const bySystem = new Map<string, Tally>();
const byKind = new Map<string, Tally>();
const confusion = new Map<string, number>();
const examples = new Map<string, CorpusItem>();
let ok = 0;
let wrongHigh = 0;
for (const item of items) {
	const result = classifyOffline({
		source: item.pipelineSource,
		pipeline: 'pl_eval',
		resource: null,
		errorMessage: item.message,
		errorCode: null,
		failureType: null
	});
	const right = result.category === item.label;
	if (right) ok += 1;
	else {
		const key = `${item.label} -> ${result.category}`;
		confusion.set(key, (confusion.get(key) ?? 0) + 1);
		if (!examples.has(key)) examples.set(key, item);
		if (result.confidence === 'High' || result.confidence === 'Very High') wrongHigh += 1;
	}
	tally(byCategory, item.label, right);
	tally(bySystem, item.system, right);
	tally(byKind, item.kind, right);
}

const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)} %` : '-');
const table = (title: string, map: Map<string, Tally>) => {
	console.log(`\n${title}`);
	for (const [key, t] of [...map].sort((a, b) => b[1].n - a[1].n))
		console.log(`  ${key.padEnd(22)} ${pct(t.ok, t.n).padStart(8)}  (${t.ok}/${t.n})`);
};

console.log(`Triage corpus: ${all.length} messages; ${part} part: ${items.length}`);
console.log(`Overall accuracy: ${pct(ok, items.length)} (${ok}/${items.length})`);
console.log(
	`Wrong at High/Very High confidence: ${pct(wrongHigh, items.length)} (${wrongHigh}/${items.length})`
);
table('Per category (label):', byCategory);
table('Per system:', bySystem);
table('Per kind:', byKind);
console.log('\nConfusion pairs (label -> answer), most frequent first:');
for (const [key, n] of [...confusion].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
	const example = examples.get(key)!.message.replace(/\s+/g, ' ').slice(0, 110);
	console.log(`  ${String(n).padStart(4)}  ${key.padEnd(36)} e.g. ${example}`);
}
