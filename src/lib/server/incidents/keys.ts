import { createHash } from 'node:crypto';
import { clusterId, integrationRuntime, sqlServer, storageUrl } from '../triage/rules/entity.ts';

/**
 * The two grouping keys of a failure, computed from what the ticket already
 * holds (the error text, the source's resource fields), never from triage's
 * guess: triage's affected entity falls back to the pipeline, which is exactly
 * what must not decide that two pipelines failed for one cause.
 */
export interface FailureFacts {
	pipeline: string;
	runId: string | null;
	resource: string | null;
	errorMessage: string;
	errorCode: string | null;
}

/** How much of an error the resource patterns read. */
export const RESOURCE_SCAN_CHARS = 16_000;

export interface FailingResource {
	/** What kind of thing failed, as people say it ("integration runtime"). */
	kind: string;
	/** Its name, lower-cased so that spellings of one name group together. */
	name: string;
}

function first(text: string, ...patterns: RegExp[]): string | null {
	for (const pattern of patterns) {
		const value = pattern.exec(text)?.[1]?.trim();
		if (value) return value;
	}
	return null;
}

function linkedService(text: string): string | null {
	return first(
		text,
		/linked ?service\s*(?:name)?\s*[:=]?\s*'([^']+)'/i,
		/LinkedService:\s*([\w-]+)/
	);
}

/** "https://acct.blob.core.windows.net/x" and ADLS's "Account: 'acct'" name the storage account. */
function storageAccount(text: string): string | null {
	const url = storageUrl(text);
	const host = url ? /^https?:\/\/([\w-]+)\./i.exec(url)?.[1] : null;
	return host ?? first(text, /\bAccount:\s*'([^']+)'/i, /\bAccountName=([\w-]+)/i);
}

function workspaceHost(text: string): string | null {
	return first(
		text,
		/\b((?:adb-[\d.]{1,40}|[\w-]{1,63})\.(?:azuredatabricks\.net|cloud\.databricks\.com|gcp\.databricks\.com))\b/i
	);
}

/**
 * The most specific shared resource the failure names: the integration runtime
 * before the linked service before the server before the account, the cluster
 * before the workspace. Null when the error names none (then only the
 * fingerprint can group it). Only the error text counts: the factory or
 * workspace a webhook names is where the pipeline runs, not what failed.
 */
export function failingResource(f: FailureFacts): FailingResource | null {
	// Only the head of the error: the resource is named there, and the patterns
	// must stay linear on a 1 MiB stack trace (an unbounded host-name pattern
	// scanned a long word from every position, quadratic, and hung ingest).
	const text = f.errorMessage.slice(0, RESOURCE_SCAN_CHARS);
	const found: [string, string | null][] = [
		['integration runtime', integrationRuntime(text)],
		['linked service', linkedService(text)],
		['SQL server', sqlServer(text)],
		['storage account', storageAccount(text)],
		['cluster', clusterId(text)],
		['workspace', workspaceHost(text)]
	];
	for (const [kind, name] of found)
		if (name) return { kind, name: name.toLowerCase().slice(0, 300) };
	return null;
}

/**
 * The error with what differs between runs and pipelines taken out: the
 * pipeline's own name, the run id, ids, times, numbers and URL queries. Two
 * pipelines failing on one cause print the same rest.
 */
export function normalizedError(f: FailureFacts): string {
	// Lower-cased first, then the pipeline's name and the run id taken out as
	// plain strings: a name can be any length (a RegExp built from a 600 KB name
	// is refused by V8) and any characters.
	let text = f.errorMessage.slice(0, 4000).toLowerCase();
	for (const [value, mark] of [
		[f.pipeline, '<pipeline>'],
		[f.runId, '<run>']
	] as const) {
		const needle = value?.trim().toLowerCase();
		if (needle && needle.length <= text.length) text = text.split(needle).join(mark);
	}
	return (
		text
			.replace(/\?[^\s'"]*/g, '?<query>')
			.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<id>')
			.replace(
				/\b\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(z|[+-]\d{2}:?\d{2})?\b/g,
				'<time>'
			)
			.replace(/\b[0-9a-f]{12,}\b/g, '<hex>')
			// Counts and codes, not the digits inside a name (shir-onprem-01 is not shir-onprem-02).
			.replace(/(?<![\w-])\d+(?:\.\d+)?(?![\w-])/g, '<n>')
			.replace(/\s+/g, ' ')
			.trim()
	);
}

/**
 * A short hash of the error code and the normalised error: same text, same
 * fingerprint. Null when there is no error text to speak of (a Databricks
 * webhook before its error is fetched): "no message" is not a shared cause.
 */
export function errorFingerprint(f: FailureFacts): string | null {
	const text = normalizedError(f);
	if (text.replace(/<\w+>|[^a-z]/g, '').length < 8) return null;
	return createHash('sha256')
		.update(`${(f.errorCode ?? '').trim().toLowerCase()}\n${text}`)
		.digest('hex')
		.slice(0, 16);
}
