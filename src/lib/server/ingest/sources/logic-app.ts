import { adfRunUrl, factoryIdFromParts, factoryResourceId } from '../run-links.ts';
import type { AlertSource, NormalizedAlert, ParseResult } from '../types.ts';
import {
	aliasedFieldErrors,
	aliasKey,
	type AliasTable,
	attemptCount,
	contentHash,
	isoDateTime,
	isRecord,
	notAnObject,
	object,
	optionalText,
	present,
	readAliased,
	text
} from './fields.ts';

/** What a Logic App forwards after reading the failed run from ADF. */
const SimplifiedBody = object({
	PipelineName: text,
	PipelineRunId: text,
	ErrorMessage: text,
	DataFactoryName: optionalText,
	FailureType: optionalText,
	ErrorCode: optionalText,
	Timestamp: isoDateTime.nullish(),
	Attempt: attemptCount.nullish(),
	ResourceId: optionalText,
	SubscriptionId: optionalText,
	ResourceGroup: optionalText
});

/**
 * Each team writes its own Logic App or Web activity body, so the simplified body's fields go by
 * several names (any letter case): `PipelineRunID`, `runId`, `Pipeline Run Id`, `run_id`…
 * Snake-case `error_message` is left to the generic schema, whose bodies this one must not take.
 */
export const LOGIC_APP_ALIASES = {
	PipelineName: ['PipelineName', 'Pipeline', 'Pipeline Name', 'pipeline_name'],
	PipelineRunId: ['PipelineRunId', 'RunId', 'Pipeline Run Id', 'run_id', 'pipeline_run_id'],
	ErrorMessage: ['ErrorMessage', 'Error', 'Message', 'Error Message'],
	DataFactoryName: ['DataFactoryName', 'FactoryName', 'DataFactory', 'Data Factory Name'],
	FailureType: ['FailureType', 'Failure Type'],
	ErrorCode: ['ErrorCode', 'Error Code'],
	Timestamp: ['Timestamp', 'Time', 'EventTime'],
	// A re-run of the same pipeline run (the Logic App called again for it) counts as an attempt.
	Attempt: ['Attempt', 'AttemptNumber', 'Attempt Number', 'RetryAttempt'],
	// For the run's link in ADF Studio: the factory's resource id, or its parts.
	ResourceId: ['ResourceId', 'FactoryResourceId', 'DataFactoryResourceId', 'Resource Id'],
	SubscriptionId: ['SubscriptionId', 'Subscription Id', 'Subscription'],
	ResourceGroup: ['ResourceGroup', 'ResourceGroupName', 'Resource Group']
} as const satisfies AliasTable;

/** The body of Microsoft's "ADF → Logic App e-mail" tutorial Web activity: no run id, no time. */
const TutorialBody = object({
	pipelineName: text,
	message: text,
	dataFactoryName: optionalText,
	receiver: optionalText
});

const TUTORIAL_ALIASES = {
	pipelineName: LOGIC_APP_ALIASES.PipelineName,
	message: ['message'],
	dataFactoryName: LOGIC_APP_ALIASES.DataFactoryName,
	receiver: ['receiver']
} as const satisfies AliasTable;

const BASE = {
	source: 'adf',
	attempt: null,
	recoveryKeys: [],
	runUrl: null,
	errorCode: null,
	failureType: null,
	occurredAt: null,
	condition: 'Fired',
	sourceSeverity: null,
	links: {},
	labels: {},
	databricks: null
} as const satisfies Partial<NormalizedAlert>;

/**
 * `@activity('Copy').error` passed whole is an object ({ message, errorCode, failureType, … }):
 * its message is the error text, and its code and failure type fill in for absent fields.
 */
function unfoldErrorObject(view: Record<string, unknown>, keys: Record<string, string>): void {
	const error = view.ErrorMessage;
	const errorKey = keys.ErrorMessage;
	if (!isRecord(error) || errorKey === undefined) return;
	const messageKey = aliasKey(error, ['message']);
	view.ErrorMessage = messageKey === null ? undefined : error[messageKey];
	keys.ErrorMessage = `${errorKey}.${messageKey ?? 'message'}`;
	const inner: [field: 'ErrorCode' | 'FailureType', names: string[]][] = [
		['ErrorCode', ['errorCode', 'code']],
		['FailureType', ['failureType']]
	];
	for (const [field, names] of inner) {
		const key = aliasKey(error, names);
		if (key === null || present(view[field]) || typeof error[key] !== 'string') continue;
		view[field] = error[key];
		keys[field] = `${errorKey}.${key}`;
	}
}

function parseSimplified(body: Record<string, unknown>): ParseResult {
	const { view, keys } = readAliased(body, LOGIC_APP_ALIASES);
	unfoldErrorObject(view, keys);
	const result = SimplifiedBody.safeParse(view);
	if (!result.success)
		return { ok: false, errors: aliasedFieldErrors(result.error, LOGIC_APP_ALIASES, keys) };
	const b = result.data;
	const factory =
		factoryResourceId(b.ResourceId) ??
		factoryIdFromParts(b.SubscriptionId, b.ResourceGroup, b.DataFactoryName);
	return {
		ok: true,
		alert: {
			...BASE,
			format: 'logic-app',
			// Attempt 1 keeps the plain key, so a redelivery without the field stays a duplicate.
			dedupKey:
				b.Attempt && b.Attempt > 1 ? `${b.PipelineRunId}#attempt:${b.Attempt}` : b.PipelineRunId,
			runKey: b.PipelineRunId,
			attempt: b.Attempt ?? null,
			runUrl: adfRunUrl(factory, b.PipelineRunId),
			runId: b.PipelineRunId,
			pipeline: b.PipelineName,
			resource: b.DataFactoryName,
			errorMessage: b.ErrorMessage,
			errorCode: b.ErrorCode,
			failureType: b.FailureType,
			occurredAt: b.Timestamp ?? null
		}
	};
}

function parseTutorial(body: Record<string, unknown>): ParseResult {
	const { view, keys } = readAliased(body, TUTORIAL_ALIASES);
	const result = TutorialBody.safeParse(view);
	if (!result.success)
		return { ok: false, errors: aliasedFieldErrors(result.error, TUTORIAL_ALIASES, keys) };
	const b = result.data;
	// Without a run id, identical repeats (Logic App retries) must land on one ticket.
	const key = `sha256:${contentHash([b.dataFactoryName ?? '', b.pipelineName, b.message])}`;
	return {
		ok: true,
		alert: {
			...BASE,
			format: 'logic-app-tutorial',
			dedupKey: key,
			runKey: key,
			runId: null,
			pipeline: b.pipelineName,
			resource: b.dataFactoryName,
			errorMessage: b.message,
			labels: b.receiver ? { receiver: b.receiver } : {}
		}
	};
}

/**
 * The tutorial's body has no run id and puts the error under `message`. Any other body without a
 * run id is a simplified one missing it, and is answered with the run id's aliases.
 */
function isTutorialShape(body: Record<string, unknown>): boolean {
	const runId = aliasKey(body, LOGIC_APP_ALIASES.PipelineRunId);
	if (runId !== null && present(body[runId])) return false;
	const error = aliasKey(body, LOGIC_APP_ALIASES.ErrorMessage);
	return error !== null && error.trim().toLowerCase() === 'message';
}

function parse(body: unknown): ParseResult {
	if (!isRecord(body)) return notAnObject(body);
	return isTutorialShape(body) ? parseTutorial(body) : parseSimplified(body);
}

export const logicApp: AlertSource = {
	name: 'logic-app',
	endpoint: 'azure-monitor',
	matches: (body) =>
		isRecord(body) &&
		!('schemaId' in body) &&
		(aliasKey(body, LOGIC_APP_ALIASES.PipelineName) !== null ||
			aliasKey(body, LOGIC_APP_ALIASES.PipelineRunId) !== null),
	parse
};
