import { z } from 'zod';
import { genericRunUrl } from '../run-links.ts';
import { encodeKeyPart } from '../storable.ts';
import type { AlertSource, ParseResult } from '../types.ts';
import {
	aliasedFieldErrors,
	type AliasTable,
	attemptCount,
	httpUrl,
	isoDateTime,
	isRecord,
	notAnObject,
	object,
	readAliased,
	text
} from './fields.ts';

/** Vigil's own webhook schema, for any scheduler without a dedicated source (Airflow, dbt, CI). */
export const GenericBody = object({
	source: text,
	pipeline: text,
	run_id: text,
	error_message: text,
	status: z
		.string({ error: 'must be "failed" or "succeeded"' })
		.trim()
		.toLowerCase()
		.pipe(z.enum(['failed', 'succeeded'], { error: 'must be "failed" or "succeeded"' }))
		.nullish(),
	attempt: attemptCount.nullish(),
	occurred_at: isoDateTime.nullish(),
	links: z.record(z.string(), httpUrl, { error: 'must be an object of name → URL' }).nullish(),
	labels: z
		.record(z.string(), z.string({ error: 'must be a string' }), {
			error: 'must be an object of name → string'
		})
		.nullish()
});

/**
 * Senders write Vigil's schema by hand too: keys in any letter case, and the camelCase and
 * usual names of the run id, the error text and the time.
 */
export const GENERIC_ALIASES = {
	source: ['source'],
	pipeline: ['pipeline'],
	run_id: ['run_id', 'runId'],
	error_message: ['error_message', 'errorMessage', 'error'],
	occurred_at: ['occurred_at', 'occurredAt', 'timestamp'],
	links: ['links'],
	labels: ['labels'],
	status: ['status', 'state'],
	attempt: ['attempt', 'attempt_number', 'attemptNumber', 'try_number', 'tryNumber']
} as const satisfies AliasTable;

/** A success reports no error: the run it names succeeded. */
const GenericSuccessBody = GenericBody.extend({ error_message: text.nullish() });

/**
 * Run ids of other schedulers are often unique only per pipeline (Airflow's
 * `scheduled__<date>` repeats in every DAG), so the key names the scheduler and
 * pipeline too; each part is URI-encoded so no part can fake a separator (and
 * a lone surrogate, which encodeURIComponent throws on, gets an escape of its own).
 */
function dedupKey(source: string, pipeline: string, runId: string): string {
	return [source, pipeline, runId].map(encodeKeyPart).join('/');
}

function isSuccess(view: Record<string, unknown>): boolean {
	return typeof view.status === 'string' && view.status.trim().toLowerCase() === 'succeeded';
}

function parse(body: unknown): ParseResult {
	if (!isRecord(body)) return notAnObject(body);
	const { view, keys } = readAliased(body, GENERIC_ALIASES);
	const success = isSuccess(view);
	const result = (success ? GenericSuccessBody : GenericBody).safeParse(view);
	if (!result.success)
		return { ok: false, errors: aliasedFieldErrors(result.error, GENERIC_ALIASES, keys) };
	const b = result.data;
	const runKey = dedupKey(b.source, b.pipeline, b.run_id);
	const links = b.links ?? {};
	return {
		ok: true,
		alert: {
			source: 'generic',
			format: 'generic',
			// Attempt 1 keeps the plain key, so a sender that adds `attempt` later still dedups.
			dedupKey: b.attempt && b.attempt > 1 ? `${runKey}#attempt:${b.attempt}` : runKey,
			runKey,
			attempt: b.attempt ?? null,
			recoveryKeys: [`pipeline:${encodeKeyPart(b.source)}/${encodeKeyPart(b.pipeline)}`],
			runUrl: genericRunUrl(links),
			runId: b.run_id,
			pipeline: b.pipeline,
			resource: null,
			errorMessage: b.error_message ?? '',
			errorCode: null,
			failureType: null,
			occurredAt: b.occurred_at ?? null,
			condition: success ? 'Resolved' : 'Fired',
			sourceSeverity: null,
			links,
			// The top-level `source` is the declared field, so it wins over a label of that name.
			labels: { ...b.labels, source: b.source },
			databricks: null
		}
	};
}

export const generic: AlertSource = {
	name: 'generic',
	endpoint: 'generic',
	matches: isRecord,
	parse
};
