/**
 * Builds the corpus files of real messages (real.jsonl, fresh.jsonl) from their sources in
 * tests/triage-corpus (real.txt, fresh.txt): error messages as engineers posted them in public
 * issue trackers and Q&A threads, each labelled by hand from the message and its thread (before
 * the classifier was run on it). One block per message:
 *
 *   system | label | pipelineSource | source URL
 *   <message, verbatim, any number of lines>
 *   ---
 *
 * Lines starting with `#` before the first block are comments. Each message is its own split
 * group, so the existing hash rule (corpus.ts `partOf`) puts it in the tune or the test part;
 * nobody picks which. A fresh message must come from a thread the first collection does not
 * cite, so "fresh" keeps meaning "not seen while the rules were tuned".
 *
 *   npx node scripts/triage/build-real.ts
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATEGORIES, type Category } from '../../src/lib/server/triage/types.ts';
import { CORPUS_DIR, REAL_BATCHES, type CorpusItem } from './corpus.ts';

const SOURCES = ['adf', 'databricks', 'generic'] as const;

export function parseReal(text: string, batch?: 'fresh'): CorpusItem[] {
	const items: CorpusItem[] = [];
	const body = text.replace(/^(#[^\n]*\n)+/, '');
	for (const block of body.split(/^---$/m)) {
		const lines = block.replace(/^\n+/, '').split('\n');
		const header = lines.shift()?.trim();
		if (!header) continue;
		const [system, label, pipelineSource, source] = header.split(' | ').map((s) => s.trim());
		const message = lines.join('\n').replace(/\n+$/, '');
		if (!system || !label || !pipelineSource || !source || !message)
			throw new Error(`malformed block: ${header}`);
		if (!(CATEGORIES as readonly string[]).includes(label))
			throw new Error(`unknown label ${label} in: ${header}`);
		if (!(SOURCES as readonly string[]).includes(pipelineSource))
			throw new Error(`unknown pipeline source ${pipelineSource} in: ${header}`);
		const id = `real:${createHash('sha1').update(`${source}\n${message}`).digest('hex').slice(0, 10)}`;
		if (items.some((item) => item.id === id)) throw new Error(`duplicate message: ${header}`);
		items.push({
			id,
			group: id,
			system,
			source,
			kind: 'real',
			...(batch ? { batch } : {}),
			label: label as Category,
			pipelineSource: pipelineSource as CorpusItem['pipelineSource'],
			message
		});
	}
	return items;
}

/** Throws if a later batch repeats a thread or a message of an earlier one. */
export function checkDisjoint(earlier: readonly CorpusItem[], later: readonly CorpusItem[]): void {
	const sources = new Set(earlier.map((item) => item.source));
	const messages = new Set(earlier.map((item) => item.message.replace(/\s+/g, ' ').trim()));
	for (const item of later) {
		if (sources.has(item.source)) throw new Error(`thread already collected: ${item.source}`);
		if (messages.has(item.message.replace(/\s+/g, ' ').trim()))
			throw new Error(`message already collected: ${item.source}`);
	}
}

if (import.meta.main) {
	const seen: CorpusItem[] = [];
	for (const { batch, source, corpus } of REAL_BATCHES) {
		const items = parseReal(readFileSync(join(CORPUS_DIR, source), 'utf8'), batch);
		checkDisjoint(seen, items);
		seen.push(...items);
		writeFileSync(
			join(CORPUS_DIR, corpus),
			items.map((item) => JSON.stringify(item)).join('\n') + '\n'
		);
		console.log(`${corpus}: ${items.length} messages`);
	}
}
