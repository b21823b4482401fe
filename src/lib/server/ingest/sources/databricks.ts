import { z } from 'zod';
import { encodeKeyPart } from '../storable.ts';
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
/** A later run of the job succeeded: the job's open ticket recovers (per the recovery setting). */
const SUCCESS_EVENT = 'jobs.on_success';

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
	.refine((value) => value === FAILURE_EVENT || value === SUCCESS_EVENT, {
		error: (issue) =>
			`only failure events (${FAILURE_EVENT}) create tickets and success events (${SUCCESS_EVENT}) recover them; got ${JSON.stringify(issue.input)}`
	});

/** Databricks counts attempts from 0 (the first run of a task); a retry is attempt_number 1, 2, … */
const attemptNumber = z
	.union([z.number(), z.string()], { error: 'must be a whole number' })
	.transform((value, ctx) => {
		const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
		if (!Number.isSafeInteger(n) || n < 0) {
			ctx.issues.push({ code: 'custom', message: 'must be a whole number ≥ 0', input: value });
			return z.NEVER;
		}
		return n;
	});

/** Notification-destination ("system notification") delivery: ids nested under run / job / task. */
const EventBody = object({
	event_type: eventType,
	workspace_id: numericId.nullish(),
	run: object({
		run_id: numericId,
		parent_run_id: numericId.nullish(),
		repair_id: numericId.nullish(),
		attempt_number: attemptNumber.nullish()
	}),
	job: object({ job_id: numericId.nullish(), name: text }),
	task: object({ task_key: text }).nullish()
});

/** The older flat shape, which also carries the run page and, sometimes, the error text. */
const FlatBody = object({
	event_type: eventType,
	workspace_id: numericId.nullish(),
	run_id: numericId,
	parent_run_id: numericId.nullish(),
	repair_id: numericId.nullish(),
	attempt_number: attemptNumber.nullish(),
	job_id: numericId.nullish(),
	job_name: text,
	task_key: optionalText,
	run_page_url: z.unknown().optional(),
	error: optionalText,
	state_message: optionalText
});

interface Fields {
	format: string;
	success: boolean;
	ref: DatabricksRef;
	repairId: string | null;
	/** Databricks' 0-based attempt_number. */
	attemptNumber: number | null;
	jobName: string;
	errorMessage: string;
	links: Record<string, string>;
}

/**
 * A task event's run id is the task run's own, so each failed task is its own ticket;
 * a retry of the task is a new task run under the same parent, so the parent run and
 * task key make the run's key. A repair keeps the run id and adds a repair id.
 */
function keys(f: Fields) {
	const { runId, parentRunId, taskKey } = f.ref;
	const runKey = parentRunId && taskKey ? `${parentRunId}/task:${encodeKeyPart(taskKey)}` : runId;
	const suffix =
		(f.repairId ? `#repair:${f.repairId}` : '') +
		(f.attemptNumber ? `#attempt:${f.attemptNumber}` : '');
	// The job is what a later success reports on; its name only when the id is missing.
	const job = f.ref.jobId
		? `job:${f.ref.workspaceId ?? ''}/${f.ref.jobId}`
		: `job-name:${f.ref.workspaceId ?? ''}/${encodeKeyPart(f.jobName)}`;
	return {
		dedupKey: runId + suffix,
		runKey,
		attempt: f.attemptNumber === null ? null : f.attemptNumber + 1,
		recoveryKeys: [job]
	};
}

function toAlert(f: Fields): ParseResult {
	return {
		ok: true,
		alert: {
			source: 'databricks',
			format: f.format,
			...keys(f),
			runUrl: f.links.run ?? null,
			runId: f.ref.runId,
			pipeline: f.jobName,
			resource: f.ref.workspaceId,
			errorMessage: f.errorMessage,
			errorCode: null,
			failureType: null,
			occurredAt: null,
			condition: f.success ? 'Resolved' : 'Fired',
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
		success: b.event_type === SUCCESS_EVENT,
		repairId: b.run.repair_id ?? null,
		attemptNumber: b.run.attempt_number ?? null,
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
		success: b.event_type === SUCCESS_EVENT,
		repairId: b.repair_id ?? null,
		attemptNumber: b.attempt_number ?? null,
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
