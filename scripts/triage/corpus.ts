/** The labelled triage corpus: reading it, and its one fixed split into tune and test parts. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Category } from '../../src/lib/server/triage/types.ts';

export const CORPUS_DIR = join(import.meta.dirname, '../../tests/triage-corpus');

export interface CorpusItem {
	id: string;
	/** Split group: every variant of one catalogue row falls into the same part. */
	group: string;
	system: string;
	source: string;
	/**
	 * catalogue (a row's message), wrapped (the same inside a real wrapper), handwritten (written
	 * for the tests after the documentation), real (as engineers posted it in a public thread).
	 */
	kind: 'catalogue' | 'wrapped' | 'handwritten' | 'real';
	/**
	 * For real messages: `fresh` marks the collection gathered after the rules had been tuned on
	 * the first one (fresh.txt), so eval can report how the rules do on messages nobody tuned on.
	 */
	batch?: 'fresh';
	label: Category;
	pipelineSource: 'adf' | 'databricks' | 'generic';
	message: string;
}

/** The files of real messages, with the file their "before" answers are recorded in. */
export const REAL_BATCHES = [
	{ batch: undefined, source: 'real.txt', corpus: 'real.jsonl', before: 'real.before.json' },
	{ batch: 'fresh', source: 'fresh.txt', corpus: 'fresh.jsonl', before: 'fresh.before.json' }
] as const;

/** 30 % of groups, chosen by hash once: the rules may not be tuned on these. */
export function partOf(group: string): 'tune' | 'test' {
	const byte = createHash('sha256').update(group).digest()[0]!;
	return byte % 10 < 3 ? 'test' : 'tune';
}

export function readCorpus(): CorpusItem[] {
	const items: CorpusItem[] = [];
	const files = ['catalogue.jsonl', 'handwritten.jsonl', ...REAL_BATCHES.map((b) => b.corpus)];
	for (const file of files) {
		const text = readFileSync(join(CORPUS_DIR, file), 'utf8');
		for (const line of text.split('\n'))
			if (line.trim()) items.push(JSON.parse(line) as CorpusItem);
	}
	return items;
}
