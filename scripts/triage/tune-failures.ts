/**
 * Lists every message of the corpus *tune* part the offline classifier gets wrong, for rule work.
 * There is deliberately no option for the test part: rules may not be tuned on it.
 *
 *   npx node scripts/triage/tune-failures.ts [kinds]   # kinds: real (default), or e.g. real,wrapped
 */
import { classifyOffline } from '../../src/lib/server/triage/classifier.ts';
import { partOf, readCorpus } from './corpus.ts';

const kinds = (process.argv[2] ?? 'real').split(',');
for (const item of readCorpus()) {
	if (partOf(item.group) !== 'tune' || !kinds.includes(item.kind)) continue;
	const result = classifyOffline({
		source: item.pipelineSource,
		pipeline: 'pl_tune',
		resource: null,
		errorMessage: item.message,
		errorCode: null,
		failureType: null
	});
	if (result.category === item.label) continue;
	const text = item.message.replace(/\s+/g, ' ').slice(0, 200);
	console.log(
		`${item.label} -> ${result.category} [${result.confidence}] ${result.errorType} :: ${text}`
	);
}
