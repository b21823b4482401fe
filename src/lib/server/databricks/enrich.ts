import { stripVTControlCharacters } from 'node:util';
import {
	DatabricksError,
	type DatabricksClient,
	type DatabricksErrorKind,
	type DbxRun,
	type DbxRunState
} from './client.ts';
import { retryPolicy } from '../resilience/retry.ts';

export interface EnrichOptions {
	maxAttempts: number;
	baseDelayMs: number;
	maxDelayMs: number;
	sleep?: (ms: number) => Promise<void>;
	/** Source of jitter in [0, 1); tests pin it. */
	random?: () => number;
}

export interface FailedTask {
	taskKey: string;
	runId: string;
	error: string | null;
	errorTrace: string | null;
	stateMessage: string | null;
}

export interface RunEnrichment {
	runPageUrl: string | null;
	jobName: string | null;
	stateMessage: string | null;
	resultState: string | null;
	failedTasks: FailedTask[];
	/** One line per failed task (`task_key: error`), else the run's state message. */
	errorMessage: string;
	durationMs: number | null;
}

/**
 * Tracebacks put the cause at the end (Python: "most recent call last"; JVM: the last
 * "Caused by:"), while the head names the failing notebook cell or the thrown exception.
 * So a capped trace keeps a quarter of its budget for the head and the rest for the tail.
 */
export const TRACE_LIMIT = 8192;
export const ERROR_LIMIT = 4096;
const HEAD_SHARE = 0.25;

const RETRYABLE: ReadonlySet<DatabricksErrorKind> = new Set([
	'rate_limited',
	'server',
	'timeout',
	'network'
]);

// UPSTREAM_FAILED / SKIPPED tasks never ran: they have no output to fetch.
const FAILED_RESULTS: ReadonlySet<string> = new Set(['FAILED', 'TIMEDOUT']);

function hasFailed(state: DbxRunState): boolean {
	return FAILED_RESULTS.has(state.resultState ?? '') || state.lifeCycleState === 'INTERNAL_ERROR';
}

export function capMiddle(value: string, limit: number): string {
	if (value.length <= limit) return value;
	const budget = limit - 40; // room for the marker
	let headEnd = Math.floor(budget * HEAD_SHARE);
	let tailStart = value.length - (budget - headEnd);
	// Cut at line ends when one is near, so no frame is left half-shown.
	const lineEnd = value.lastIndexOf('\n', headEnd);
	if (lineEnd > headEnd / 2) headEnd = lineEnd;
	const lineStart = value.indexOf('\n', tailStart);
	if (lineStart !== -1 && lineStart - tailStart < (value.length - tailStart) / 2) {
		tailStart = lineStart + 1;
	}
	if (isLowSurrogate(value, headEnd)) headEnd -= 1;
	if (isLowSurrogate(value, tailStart)) tailStart += 1;
	const cut = tailStart - headEnd;
	return `${value.slice(0, headEnd)}\n… [${cut} characters cut] …\n${value.slice(tailStart)}`;
}

function isLowSurrogate(value: string, index: number): boolean {
	const code = value.charCodeAt(index);
	return code >= 0xdc00 && code <= 0xdfff;
}

/** Notebook tracebacks carry ANSI colour codes; they are noise in a ticket or a Jira issue. */
function clean(value: string | null, limit: number): string | null {
	if (value === null) return null;
	const plain = stripVTControlCharacters(value).trim();
	return plain ? capMiddle(plain, limit) : null;
}

/** One policy for the run and its outputs: the same limits, jitter and injected sleep. */
function retrying(opts: EnrichOptions) {
	return retryPolicy({
		maxAttempts: opts.maxAttempts,
		baseDelayMs: opts.baseDelayMs,
		maxDelayMs: opts.maxDelayMs,
		retryError: (err) => err instanceof DatabricksError && RETRYABLE.has(err.kind),
		// Retry-After wins over the computed backoff. A wait longer than we may hold a worker
		// goes back to the job queue, which can reschedule after err.retryAfterMs; calling
		// sooner would only be refused again.
		retryAfterMs: (failure) =>
			'error' in failure && failure.error instanceof DatabricksError
				? failure.error.retryAfterMs
				: null,
		longRetryAfter: 'give-up',
		sleep: opts.sleep,
		random: opts.random
	});
}

interface OutputTarget {
	runId: string;
	taskKey: string;
	state: DbxRunState;
}

function failedTargets(run: DbxRun): OutputTarget[] {
	if (run.tasks.length > 0) return run.tasks.filter((task) => hasFailed(task.state));
	// Single-task runs (and task runs looked up by their own id) hold the output themselves.
	if (!hasFailed(run.state)) return [];
	return [{ runId: run.runId, taskKey: run.taskKey ?? run.runName ?? run.runId, state: run.state }];
}

function combinedMessage(run: DbxRun, failedTasks: FailedTask[]): string {
	const lines = failedTasks.map(
		(task) => `${task.taskKey}: ${task.error ?? task.stateMessage ?? 'failed without a message'}`
	);
	return lines.length > 0 ? lines.join('\n') : (run.state.stateMessage ?? '');
}

/**
 * Fetches what a Databricks failure webhook leaves out. Output calls run one after another:
 * a job with many failed tasks must not burst past the workspace's rate limit.
 */
export async function enrichRun(
	client: DatabricksClient,
	runId: string,
	opts: EnrichOptions
): Promise<RunEnrichment> {
	const retry = retrying(opts);
	const run = await retry.execute(() => client.getRun(runId));
	const failedTasks: FailedTask[] = [];
	for (const target of failedTargets(run)) {
		const output = await retry.execute(() => client.getRunOutput(target.runId));
		failedTasks.push({
			taskKey: target.taskKey,
			runId: target.runId,
			error: clean(output.error, ERROR_LIMIT),
			errorTrace: clean(output.errorTrace, TRACE_LIMIT),
			stateMessage: target.state.stateMessage ?? output.state?.stateMessage ?? null
		});
	}
	return {
		runPageUrl: run.runPageUrl,
		jobName: run.runName,
		stateMessage: run.state.stateMessage,
		resultState:
			run.state.resultState ??
			(run.state.lifeCycleState === 'INTERNAL_ERROR' ? 'INTERNAL_ERROR' : null),
		failedTasks,
		errorMessage: combinedMessage(run, failedTasks),
		durationMs: run.durationMs
	};
}
