import { z } from 'zod';
import type { AlertSource, DatabricksRef, ParseResult } from '../types.ts';
import {
	isRecord,
	linkOrNull,
	notAnObject,
	object,
	optionalText,
	text,
	zodFieldErrors
} from './fields.ts';

const FAILURE_EVENT = 'jobs.on_failure';

/**
 * Databricks ids are int64 and arrive as JSON numbers or strings. Ids above
 * 2^53 have already lost precision in JSON.parse before this code sees them;
 * that cannot be repaired here (it would need a big-int aware parser on the raw
 * body). BigInt only keeps large integers from turning into `1e+21`.
 */
function idString(value: string | number): string | null {
	if (typeof value === 'string') return /^\d+$/.test(value.trim()) ? value.trim() : null;
	return Number.isInteger(value) && value >= 0 ? BigInt(value).toString() : null;
}

const numericId = z
	.union([z.string(), z.number()], {
		error: (issue) =>
			issue.input === undefined
				? 'is required'
				: 'must be a numeric id (a number or a string of digits)'
	})
	.transform((value, ctx) => {
		const id = idString(value);
		if (id === null) {
			ctx.issues.push({ code: 'custom', message: 'must be a numeric id', input: value });
			return z.NEVER;
		}
		return id;
	});

const eventType = z
	.string({
		error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string')
	})
	.trim()
	.refine((value) => value === FAILURE_EVENT, {
		error: (issue) =>
			`only failure events (${FAILURE_EVENT}) create tickets; got ${JSON.stringify(issue.input)}`
	});

/** Notification-destination ("system notification") delivery: ids nested under run / job / task. */
const EventBody = object({
	event_type: eventType,
	workspace_id: numericId.nullish(),
	run: object({ run_id: numericId, parent_run_id: numericId.nullish() }),
	job: object({ job_id: numericId.nullish(), name: text }),
	task: object({ task_key: text }).nullish()
});

/** The older flat shape, which also carries the run page and, sometimes, the error text. */
const FlatBody = object({
	event_type: eventType,
	workspace_id: numericId.nullish(),
	run_id: numericId,
	parent_run_id: numericId.nullish(),
	job_id: numericId.nullish(),
	job_name: text,
	task_key: optionalText,
	run_page_url: z.unknown().optional(),
	error: optionalText,
	state_message: optionalText
});

interface Fields {
	format: string;
	ref: DatabricksRef;
	jobName: string;
	errorMessage: string;
	links: Record<string, string>;
}

function toAlert(f: Fields): ParseResult {
	return {
		ok: true,
		alert: {
			source: 'databricks',
			format: f.format,
			// A task event's run id is the task run's own, so each failed task is its own ticket.
			dedupKey: f.ref.runId,
			runId: f.ref.runId,
			pipeline: f.jobName,
			resource: f.ref.workspaceId,
			errorMessage: f.errorMessage,
			errorCode: null,
			failureType: null,
			occurredAt: null,
			condition: 'Fired',
			sourceSeverity: null,
			links: f.links,
			labels: {},
			databricks: f.ref
		}
	};
}

function parseEvent(body: Record<string, unknown>): ParseResult {
	const result = EventBody.safeParse(body);
	if (!result.success) return { ok: false, errors: zodFieldErrors(result.error) };
	const b = result.data;
	const taskKey = b.task?.task_key ?? null;
	return toAlert({
		format: taskKey ? 'databricks-task' : 'databricks-job',
		ref: {
			workspaceId: b.workspace_id ?? null,
			jobId: b.job.job_id ?? null,
			runId: b.run.run_id,
			parentRunId: b.run.parent_run_id ?? null,
			taskKey
		},
		jobName: b.job.name,
		errorMessage: '',
		links: {}
	});
}

function parseFlat(body: Record<string, unknown>): ParseResult {
	const result = FlatBody.safeParse(body);
	if (!result.success) return { ok: false, errors: zodFieldErrors(result.error) };
	const b = result.data;
	const runPage = linkOrNull(b.run_page_url);
	return toAlert({
		format: 'databricks-flat',
		ref: {
			workspaceId: b.workspace_id ?? null,
			jobId: b.job_id ?? null,
			runId: b.run_id,
			parentRunId: b.parent_run_id ?? null,
			taskKey: b.task_key
		},
		jobName: b.job_name,
		errorMessage: b.error ?? b.state_message ?? '',
		links: runPage ? { run: runPage } : {}
	});
}

function parse(body: unknown): ParseResult {
	if (!isRecord(body)) return notAnObject(body);
	const flat = !('run' in body) && !('job' in body) && ('run_id' in body || 'job_name' in body);
	return flat ? parseFlat(body) : parseEvent(body);
}

export const databricks: AlertSource = {
	name: 'databricks',
	endpoint: 'databricks',
	matches: (body) =>
		isRecord(body) && ['event_type', 'run', 'job', 'run_id'].some((key) => key in body),
	parse
};
