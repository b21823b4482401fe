import type { AlertSource, NormalizedAlert, ParseResult } from '../types.ts';
import {
	contentHash,
	isoDateTime,
	isRecord,
	notAnObject,
	object,
	optionalText,
	text,
	zodFieldErrors
} from './fields.ts';

/** What a Logic App forwards after reading the failed run from ADF. */
const SimplifiedBody = object({
	PipelineName: text,
	PipelineRunId: text,
	ErrorMessage: text,
	DataFactoryName: optionalText,
	FailureType: optionalText,
	ErrorCode: optionalText,
	Timestamp: isoDateTime.nullish()
});

/** The body of Microsoft's "ADF → Logic App e-mail" tutorial Web activity: no run id, no time. */
const TutorialBody = object({
	pipelineName: text,
	message: text,
	dataFactoryName: optionalText,
	receiver: optionalText
});

const BASE = {
	source: 'adf',
	errorCode: null,
	failureType: null,
	occurredAt: null,
	condition: 'Fired',
	sourceSeverity: null,
	links: {},
	labels: {},
	databricks: null
} as const satisfies Partial<NormalizedAlert>;

function parseSimplified(body: Record<string, unknown>): ParseResult {
	const result = SimplifiedBody.safeParse(body);
	if (!result.success) return { ok: false, errors: zodFieldErrors(result.error) };
	const b = result.data;
	return {
		ok: true,
		alert: {
			...BASE,
			format: 'logic-app',
			dedupKey: b.PipelineRunId,
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
	const result = TutorialBody.safeParse(body);
	if (!result.success) return { ok: false, errors: zodFieldErrors(result.error) };
	const b = result.data;
	return {
		ok: true,
		alert: {
			...BASE,
			format: 'logic-app-tutorial',
			// Without a run id, identical repeats (Logic App retries) must land on one ticket.
			dedupKey: `sha256:${contentHash([b.dataFactoryName ?? '', b.pipelineName, b.message])}`,
			runId: null,
			pipeline: b.pipelineName,
			resource: b.dataFactoryName,
			errorMessage: b.message,
			labels: b.receiver ? { receiver: b.receiver } : {}
		}
	};
}

function isTutorialShape(body: Record<string, unknown>): boolean {
	return !('PipelineName' in body) && ('pipelineName' in body || 'message' in body);
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
		['PipelineName', 'PipelineRunId', 'pipelineName'].some((key) => key in body),
	parse
};
