import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local Databricks Jobs API 2.1 (runs/get, runs/get-output, jobs/list) answering in the
 * shapes of the Databricks Jobs API 2.1 OpenAPI description (Azure Databricks, 2023).
 */

const FIXTURES = new URL('./fixtures/databricks/', import.meta.url);

/** The run and failed task run of tests/support/fixtures/databricks/runs-get*.failed.json. */
export const FIXTURE_RUN_ID = '914258733012345';
export const FIXTURE_FAILED_TASK_RUN_ID = '914258733012399';

export interface RecordedRequest {
	method: string;
	path: string;
	/** The query string as sent, without `?`. */
	rawQuery: string;
	query: Record<string, string>;
	headers: IncomingHttpHeaders;
}

export type StandinFault =
	| { kind: 'rate_limited'; retryAfterSeconds?: number }
	| { kind: 'server_error'; status?: 500 | 503 }
	| { kind: 'unauthorized' }
	| { kind: 'permission_denied' }
	| { kind: 'hang' }
	/** Any status and body, e.g. a 200 that is not JSON. */
	| { kind: 'raw'; status: number; body: string; contentType?: string };

/** A JSON string is served as is (keeps int64 ids beyond 2^53 exact); anything else is stringified. */
export type StandinBody = string | object;

export interface StandinOptions {
	token?: string;
	/** Replace the fixture runs / outputs, keyed by run id. */
	runs?: Record<string, StandinBody>;
	outputs?: Record<string, StandinBody>;
}

export interface DatabricksStandin {
	url: string;
	token: string;
	requests: RecordedRequest[];
	setRun(runId: string, body: StandinBody): void;
	setRunOutput(runId: string, body: StandinBody): void;
	/** The next `times` requests (any endpoint) answer with this fault. */
	failNext(fault: StandinFault, times?: number): void;
	close(): Promise<void>;
}

function fixture(name: string): string {
	return readFileSync(new URL(name, FIXTURES), 'utf8');
}

function asText(body: StandinBody): string {
	return typeof body === 'string' ? body : JSON.stringify(body);
}

function isMultiTask(body: string): boolean {
	const parsed: unknown = JSON.parse(body);
	return (
		typeof parsed === 'object' &&
		parsed !== null &&
		'tasks' in parsed &&
		Array.isArray(parsed.tasks) &&
		parsed.tasks.length > 0
	);
}

function sendJson(res: ServerResponse, status: number, body: string): void {
	res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

function sendError(res: ServerResponse, status: number, errorCode: string, message: string): void {
	sendJson(res, status, JSON.stringify({ error_code: errorCode, message }));
}

function answerFault(res: ServerResponse, fault: StandinFault): void {
	switch (fault.kind) {
		case 'rate_limited':
			res.setHeader('retry-after', String(fault.retryAfterSeconds ?? 1));
			return sendError(
				res,
				429,
				'REQUEST_LIMIT_EXCEEDED',
				'Too many requests, please retry later.'
			);
		case 'server_error':
			return fault.status === 503
				? sendError(res, 503, 'TEMPORARILY_UNAVAILABLE', 'The service is temporarily unavailable.')
				: sendError(res, 500, 'INTERNAL_ERROR', 'Unexpected error.');
		case 'unauthorized':
			return sendError(res, 401, 'PERMISSION_DENIED', 'Unauthorized access.');
		case 'permission_denied':
			return sendError(
				res,
				403,
				'PERMISSION_DENIED',
				'User svc-vigil does not have View permission on this run.'
			);
		case 'hang':
			return; // never answered; close() drops the connection
		case 'raw':
			res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json' });
			res.end(fault.body);
	}
}

export async function startDatabricksStandin(
	opts: StandinOptions = {}
): Promise<DatabricksStandin> {
	const token = opts.token ?? 'dapi-standin-token';
	const runs = new Map<string, string>();
	const multiTask = new Set<string>();
	const outputs = new Map<string, string>();
	const faults: StandinFault[] = [];
	const requests: RecordedRequest[] = [];

	function setRun(runId: string, body: StandinBody): void {
		const text = asText(body);
		runs.set(runId, text);
		if (isMultiTask(text)) multiTask.add(runId);
		else multiTask.delete(runId);
	}
	function setRunOutput(runId: string, body: StandinBody): void {
		outputs.set(runId, asText(body));
	}

	for (const [runId, body] of Object.entries(
		opts.runs ?? { [FIXTURE_RUN_ID]: fixture('runs-get.failed.json') }
	)) {
		setRun(runId, body);
	}
	for (const [runId, body] of Object.entries(
		opts.outputs ?? { [FIXTURE_FAILED_TASK_RUN_ID]: fixture('runs-get-output.failed.json') }
	)) {
		setRunOutput(runId, body);
	}

	function runIdOf(res: ServerResponse, query: URLSearchParams): string | null {
		const runId = query.get('run_id');
		if (runId === null || runId === '') {
			sendError(res, 400, 'INVALID_PARAMETER_VALUE', 'Missing required field: run_id');
			return null;
		}
		if (!/^\d{1,19}$/.test(runId)) {
			sendError(res, 400, 'INVALID_PARAMETER_VALUE', `Invalid value for parameter run_id`);
			return null;
		}
		return runId;
	}

	function route(res: ServerResponse, method: string, path: string, query: URLSearchParams): void {
		if (method === 'GET' && path === '/api/2.1/jobs/list') {
			return sendJson(res, 200, JSON.stringify({ jobs: [], has_more: false }));
		}
		if (method === 'GET' && path === '/api/2.1/jobs/runs/get') {
			const runId = runIdOf(res, query);
			if (runId === null) return;
			const run = runs.get(runId);
			if (run === undefined) {
				return sendError(res, 404, 'RESOURCE_DOES_NOT_EXIST', `Run ${runId} does not exist.`);
			}
			return sendJson(res, 200, run);
		}
		if (method === 'GET' && path === '/api/2.1/jobs/runs/get-output') {
			const runId = runIdOf(res, query);
			if (runId === null) return;
			const output = outputs.get(runId);
			if (output !== undefined) return sendJson(res, 200, output);
			if (multiTask.has(runId)) {
				return sendError(
					res,
					400,
					'INVALID_PARAMETER_VALUE',
					'Retrieving the output of runs with multiple tasks is not supported. You must retrieve the output of each individual task run instead.'
				);
			}
			return sendError(res, 404, 'RESOURCE_DOES_NOT_EXIST', `Run ${runId} does not exist.`);
		}
		sendError(res, 404, 'ENDPOINT_NOT_FOUND', 'No API endpoint found');
	}

	const server = createServer((req, res) => {
		const url = new URL(req.url ?? '/', 'http://standin');
		const method = req.method ?? 'GET';
		requests.push({
			method,
			path: url.pathname,
			rawQuery: url.search.replace(/^\?/, ''),
			query: Object.fromEntries(url.searchParams),
			headers: req.headers
		});
		const fault = faults.shift();
		if (fault) return answerFault(res, fault);

		const auth = req.headers.authorization;
		if (!auth?.startsWith('Bearer ')) {
			return sendError(res, 401, 'PERMISSION_DENIED', 'Unauthorized access.');
		}
		// Real workspaces answer an unknown or revoked token with 403, not 401.
		if (auth !== `Bearer ${token}`) {
			return sendError(res, 403, 'PERMISSION_DENIED', 'Invalid access token.');
		}
		route(res, method, url.pathname, url.searchParams);
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		token,
		requests,
		setRun,
		setRunOutput,
		failNext(fault, times = 1) {
			for (let i = 0; i < times; i++) faults.push(fault);
		},
		close() {
			server.closeAllConnections();
			return new Promise((resolve, reject) =>
				server.close((err) => (err ? reject(err) : resolve()))
			);
		}
	};
}
