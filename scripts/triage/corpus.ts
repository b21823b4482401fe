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
	label: Category;
	pipelineSource: 'adf' | 'databricks' | 'generic';
	message: string;
}

/** 30 % of groups, chosen by hash once: the rules may not be tuned on these. */
export function partOf(group: string): 'tune' | 'test' {
	const byte = createHash('sha256').update(group).digest()[0]!;
	return byte % 10 < 3 ? 'test' : 'tune';
}

export function readCorpus(): CorpusItem[] {
	const items: CorpusItem[] = [];
	for (const file of ['catalogue.jsonl', 'handwritten.jsonl', 'real.jsonl']) {
		const text = readFileSync(join(CORPUS_DIR, file), 'utf8');
		for (const line of text.split('\n'))
			if (line.trim()) items.push(JSON.parse(line) as CorpusItem);
	}
	return items;
}
