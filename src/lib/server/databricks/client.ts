import { z } from 'zod';

export type DatabricksErrorKind =
	| 'rate_limited'
	| 'auth'
	| 'permission'
	| 'not_found'
	| 'bad_request'
	| 'server'
	| 'timeout'
	| 'network'
	| 'invalid_response';

interface DatabricksErrorDetails {
	status?: number | null;
	errorCode?: string | null;
	retryAfterMs?: number | null;
	cause?: unknown;
}

export class DatabricksError extends Error {
	readonly kind: DatabricksErrorKind;
	readonly retryAfterMs: number | null;
	readonly status: number | null;
	readonly errorCode: string | null;

	constructor(kind: DatabricksErrorKind, message: string, details: DatabricksErrorDetails = {}) {
		super(message, details.cause === undefined ? undefined : { cause: details.cause });
		this.name = 'DatabricksError';
		this.kind = kind;
		this.retryAfterMs = details.retryAfterMs ?? null;
		this.status = details.status ?? null;
		this.errorCode = details.errorCode ?? null;
	}
}

export interface DbxRunState {
	lifeCycleState: string | null;
	resultState: string | null;
	stateMessage: string | null;
}

export interface DbxTaskRun {
	runId: string;
	taskKey: string;
	state: DbxRunState;
	runPageUrl: string | null;
}

export interface DbxRun {
	runId: string;
	jobId: string | null;
	runName: string | null;
	/** Set when the run itself is a task run (a task webhook's run id). */
	taskKey: string | null;
	runPageUrl: string | null;
	state: DbxRunState;
	/** Empty for a single-task (legacy) run: its output is fetched on the run itself. */
	tasks: DbxTaskRun[];
	durationMs: number | null;
}

export interface DbxRunOutput {
	error: string | null;
	errorTrace: string | null;
	state: DbxRunState | null;
}

export interface DatabricksClient {
	getRun(runId: string): Promise<DbxRun>;
	getRunOutput(runId: string): Promise<DbxRunOutput>;
	testConnection(): Promise<void>;
}

export interface DatabricksClientOptions {
	host: string;
	token: string;
	timeoutMs: number;
	fetch?: typeof fetch;
}

// Databricks ids are int64; JSON.parse would round those above 2^53, so they are read as text.
const ID_KEYS = new Set(['run_id', 'job_id', 'parent_run_id', 'original_attempt_run_id']);
const RUN_ID = /^\d{1,19}$/;

const id = z.union([z.string().regex(RUN_ID), z.number().int().nonnegative()]).transform(String);
const text = z
	.string()
	.nullish()
	.transform((value) => (value ? value : null));
const millis = z.number().nonnegative().optional();

const stateSchema = z
	.object({ life_cycle_state: text, result_state: text, state_message: text })
	.transform((s): DbxRunState => ({
		lifeCycleState: s.life_cycle_state,
		resultState: s.result_state,
		stateMessage: s.state_message
	}));
const noState: DbxRunState = { lifeCycleState: null, resultState: null, stateMessage: null };

const taskSchema = z
	.object({ run_id: id, task_key: z.string(), state: stateSchema.optional(), run_page_url: text })
	.transform((t): DbxTaskRun => ({
		runId: t.run_id,
		taskKey: t.task_key,
		state: t.state ?? noState,
		runPageUrl: t.run_page_url
	}));

const runSchema = z
	.object({
		run_id: id,
		job_id: id.optional(),
		run_name: text,
		task_key: text,
		run_page_url: text,
		state: stateSchema.optional(),
		tasks: z.array(taskSchema).optional(),
		start_time: millis,
		end_time: millis,
		run_duration: millis,
		setup_duration: millis,
		execution_duration: millis,
		cleanup_duration: millis
	})
	.transform((r): DbxRun => ({
		runId: r.run_id,
		jobId: r.job_id ?? null,
		runName: r.run_name,
		taskKey: r.task_key,
		runPageUrl: r.run_page_url,
		state: r.state ?? noState,
		tasks: r.tasks ?? [],
		durationMs: durationOf(r)
	}));

const outputSchema = z
	.object({
		error: text,
		error_trace: text,
		metadata: z.object({ state: stateSchema.optional() }).optional()
	})
	.transform((o): DbxRunOutput => ({
		error: o.error,
		errorTrace: o.error_trace,
		state: o.metadata?.state ?? null
	}));

const errorBodySchema = z.object({
	error_code: z.string().optional(),
	message: z.string().optional()
});

/** Multi-task runs report run_duration; single-task runs the three phases; 0 means "not set". */
function durationOf(r: {
	start_time?: number;
	end_time?: number;
	run_duration?: number;
	setup_duration?: number;
	execution_duration?: number;
	cleanup_duration?: number;
}): number | null {
	if (r.run_duration) return r.run_duration;
	const phases = (r.setup_duration ?? 0) + (r.execution_duration ?? 0) + (r.cleanup_duration ?? 0);
	if (phases > 0) return phases;
	if (r.start_time && r.end_time && r.end_time >= r.start_time) return r.end_time - r.start_time;
	return null;
}

function parseJsonKeepingIds(body: string): unknown {
	return JSON.parse(body, (key: string, value: unknown, context?: { source?: string }) =>
		ID_KEYS.has(key) && typeof value === 'number' ? (context?.source ?? String(value)) : value
	);
}

/** Retry-After is either delay-seconds or an HTTP-date. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | null {
	if (!header) return null;
	const trimmed = header.trim();
	if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
	const date = Date.parse(trimmed);
	return Number.isNaN(date) ? null : Math.max(0, date - now);
}

function kindForStatus(status: number, message: string): DatabricksErrorKind {
	if (status === 429) return 'rate_limited';
	if (status === 401) return 'auth';
	// Workspaces answer a revoked or mistyped token with 403, not 401: that needs a new token,
	// not a grant on the job.
	if (status === 403) return /token/i.test(message) ? 'auth' : 'permission';
	if (status === 404) return 'not_found';
	if (status >= 500) return 'server';
	return 'bad_request';
}

function httpError(label: string, response: Response, body: string): DatabricksError {
	let errorCode: string | null = null;
	let message = body.slice(0, 300);
	try {
		const parsed = errorBodySchema.safeParse(JSON.parse(body));
		if (parsed.success) {
			errorCode = parsed.data.error_code ?? null;
			message = parsed.data.message ?? message;
		}
	} catch {
		// Gateways answer 502/503 with HTML; the status alone decides the kind.
	}
	const kind = kindForStatus(response.status, message);
	const retryAfterMs =
		kind === 'rate_limited' ? parseRetryAfter(response.headers.get('retry-after')) : null;
	const code = errorCode ? ` ${errorCode}` : '';
	return new DatabricksError(kind, `${label} answered ${response.status}${code}: ${message}`, {
		status: response.status,
		errorCode,
		retryAfterMs
	});
}

function transportError(label: string, err: unknown, timeoutMs: number): DatabricksError {
	const name = err instanceof Error ? err.name : '';
	if (name === 'TimeoutError' || name === 'AbortError') {
		return new DatabricksError('timeout', `${label} gave no answer within ${timeoutMs} ms`, {
			cause: err
		});
	}
	const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause : err).message : '';
	return new DatabricksError('network', `${label} failed: ${reason}`, { cause: err });
}

function baseUrl(host: string): string {
	const withScheme = /^https?:\/\//i.test(host) ? host : `https://${host}`;
	return withScheme.replace(/\/+$/, '') + '/';
}

export function createDatabricksClient(opts: DatabricksClientOptions): DatabricksClient {
	const base = baseUrl(opts.host);
	const fetchImpl = opts.fetch ?? fetch;

	async function get<T>(
		path: string,
		query: Record<string, string>,
		schema: z.ZodType<T>
	): Promise<T> {
		const url = new URL(path, base);
		for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
		const label = `Databricks GET /${path}`;
		let response: Response;
		let body: string;
		try {
			response = await fetchImpl(url, {
				method: 'GET',
				headers: { authorization: `Bearer ${opts.token}`, accept: 'application/json' },
				signal: AbortSignal.timeout(opts.timeoutMs)
			});
			body = await response.text();
		} catch (err) {
			throw transportError(label, err, opts.timeoutMs);
		}
		if (!response.ok) throw httpError(label, response, body);

		let json: unknown;
		try {
			json = parseJsonKeepingIds(body);
		} catch (err) {
			throw new DatabricksError(
				'invalid_response',
				`${label} answered with a body that is not JSON`,
				{
					status: response.status,
					cause: err
				}
			);
		}
		const parsed = schema.safeParse(json);
		if (!parsed.success) {
			throw new DatabricksError(
				'invalid_response',
				`${label} answered in an unexpected shape: ${z.prettifyError(parsed.error)}`,
				{ status: response.status }
			);
		}
		return parsed.data;
	}

	function checkRunId(runId: string): void {
		if (!RUN_ID.test(runId)) {
			throw new DatabricksError('bad_request', `Databricks run id must be digits, got "${runId}"`);
		}
	}

	return {
		async getRun(runId) {
			checkRunId(runId);
			return get('api/2.1/jobs/runs/get', { run_id: runId }, runSchema);
		},
		async getRunOutput(runId) {
			checkRunId(runId);
			return get('api/2.1/jobs/runs/get-output', { run_id: runId }, outputSchema);
		},
		async testConnection() {
			await get('api/2.1/jobs/list', { limit: '1' }, z.object({}));
		}
	};
}
