import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	FIXTURE_FAILED_TASK_RUN_ID,
	FIXTURE_RUN_ID,
	startDatabricksStandin,
	type DatabricksStandin
} from '../../../../tests/support/databricks-standin.ts';
import { createDatabricksClient, DatabricksError, type DatabricksClient } from './client.ts';
import { enrichRun, TRACE_LIMIT, type EnrichOptions } from './enrich.ts';

let standin: DatabricksStandin;
let client: DatabricksClient;
let sleeps: number[];
let opts: EnrichOptions;

function clientFor(token: string, timeoutMs = 2000): DatabricksClient {
	return createDatabricksClient({ host: standin.url, token, timeoutMs });
}

async function enrichmentError(promise: Promise<unknown>): Promise<DatabricksError> {
	const err = await promise.then(
		() => null,
		(e: unknown) => e
	);
	if (!(err instanceof DatabricksError)) throw new Error(`expected a DatabricksError, got ${err}`);
	return err;
}

beforeEach(async () => {
	standin = await startDatabricksStandin();
	client = clientFor(standin.token);
	sleeps = [];
	opts = {
		maxAttempts: 4,
		baseDelayMs: 100,
		maxDelayMs: 5000,
		random: () => 0.5,
		sleep: async (ms) => {
			sleeps.push(ms);
		}
	};
});

afterEach(async () => {
	await standin.close();
});

describe('enrichRun against the Jobs API stand-in', () => {
	it('pulls the failed task error, task keys and run page URL from the fixtures', async () => {
		const result = await enrichRun(client, FIXTURE_RUN_ID, opts);

		expect(result.errorMessage).toContain('aggregate_orders');
		expect(result.errorMessage).toContain(
			'AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `sales`.`orders_silver` cannot be found.'
		);
		expect(result.runPageUrl).toBe(
			'https://adb-4412093817265530.10.azuredatabricks.net/?o=4412093817265530#job/578912345678/run/914258733012345'
		);
		expect(result.jobName).toBe('nightly_sales_aggregation');
		expect(result.resultState).toBe('FAILED');
		expect(result.stateMessage).toMatch(/^Task aggregate_orders failed/);
		expect(result.durationMs).toBe(901864);
		expect(result.failedTasks).toHaveLength(1);
		expect(result.failedTasks[0]).toMatchObject({
			taskKey: 'aggregate_orders',
			runId: FIXTURE_FAILED_TASK_RUN_ID,
			stateMessage: 'Workload failed, see run output for details'
		});
		expect(result.failedTasks[0]?.errorTrace).toMatch(/SQLSTATE: 42P01$/);
	});

	it('sends the bearer token and the run ids unchanged, and asks output only of failed tasks', async () => {
		await enrichRun(client, FIXTURE_RUN_ID, opts);

		expect(standin.requests.map((r) => `${r.path}?${r.rawQuery}`)).toEqual([
			`/api/2.1/jobs/runs/get?run_id=${FIXTURE_RUN_ID}`,
			`/api/2.1/jobs/runs/get-output?run_id=${FIXTURE_FAILED_TASK_RUN_ID}`
		]);
		for (const request of standin.requests) {
			expect(request.method).toBe('GET');
			expect(request.headers.authorization).toBe(`Bearer ${standin.token}`);
		}
	});

	it('keeps int64 run ids beyond 2^53 exact in both calls', async () => {
		const parent = '9007199254740993';
		const task = '9007199254741001';
		standin.setRun(
			parent,
			`{"run_id": ${parent}, "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED"},
			  "tasks": [{"run_id": ${task}, "task_key": "load",
			             "state": {"life_cycle_state": "TERMINATED", "result_state": "FAILED"}}]}`
		);
		standin.setRunOutput(task, { error: 'ZeroDivisionError: division by zero' });

		const result = await enrichRun(client, parent, opts);

		expect(standin.requests.map((r) => r.query.run_id)).toEqual([parent, task]);
		expect(result.failedTasks[0]?.runId).toBe(task);
		expect(result.errorMessage).toBe('load: ZeroDivisionError: division by zero');
	});

	it('reads the output of a single-task run from the run itself', async () => {
		standin.setRun('555', {
			run_id: 555,
			run_name: 'legacy_export',
			state: {
				life_cycle_state: 'TERMINATED',
				result_state: 'TIMEDOUT',
				state_message: 'Run timed out'
			}
		});
		standin.setRunOutput('555', { error: 'Timed out after 3600 seconds' });

		const result = await enrichRun(client, '555', opts);

		expect(standin.requests.map((r) => r.path)).toEqual([
			'/api/2.1/jobs/runs/get',
			'/api/2.1/jobs/runs/get-output'
		]);
		expect(result.errorMessage).toBe('legacy_export: Timed out after 3600 seconds');
		expect(result.resultState).toBe('TIMEDOUT');
	});

	it('caps a huge error trace but keeps its first and last lines', async () => {
		const frames = Array.from({ length: 5000 }, (_, i) => `  at frame ${i} (Notebook.scala:${i})`);
		const trace = ['org.apache.spark.SparkException: Job aborted', ...frames].join('\n');
		const withCause = `${trace}\nCaused by: java.io.FileNotFoundException: /mnt/raw/orders.csv`;
		standin.setRunOutput(FIXTURE_FAILED_TASK_RUN_ID, {
			error: 'Job aborted',
			error_trace: withCause
		});

		const result = await enrichRun(client, FIXTURE_RUN_ID, opts);
		const capped = result.failedTasks[0]?.errorTrace ?? '';

		expect(withCause.length).toBeGreaterThan(TRACE_LIMIT * 10);
		expect(capped.length).toBeLessThanOrEqual(TRACE_LIMIT);
		expect(capped.startsWith('org.apache.spark.SparkException: Job aborted\n')).toBe(true);
		expect(capped.endsWith('Caused by: java.io.FileNotFoundException: /mnt/raw/orders.csv')).toBe(
			true
		);
		expect(capped).toMatch(/characters cut/);
	});
});

describe('retries', () => {
	it('waits the Retry-After seconds after a 429, then succeeds', async () => {
		standin.failNext({ kind: 'rate_limited', retryAfterSeconds: 2 });

		const result = await enrichRun(client, FIXTURE_RUN_ID, opts);

		expect(sleeps).toEqual([2000]);
		expect(standin.requests).toHaveLength(3);
		expect(result.errorMessage).toContain('TABLE_OR_VIEW_NOT_FOUND');
	});

	it('hands a Retry-After longer than maxDelayMs back to the caller instead of sleeping', async () => {
		standin.failNext({ kind: 'rate_limited', retryAfterSeconds: 120 });

		const err = await enrichmentError(enrichRun(client, FIXTURE_RUN_ID, opts));

		expect(err.kind).toBe('rate_limited');
		expect(err.retryAfterMs).toBe(120_000);
		expect(err.errorCode).toBe('REQUEST_LIMIT_EXCEEDED');
		expect(sleeps).toEqual([]);
	});

	it('backs off exponentially through two 503s, then succeeds', async () => {
		standin.failNext({ kind: 'server_error', status: 503 }, 2);

		const result = await enrichRun(client, FIXTURE_RUN_ID, opts);

		expect(result.failedTasks).toHaveLength(1);
		// Ceilings 100 and 200 ms: half fixed plus random() = 0.5 of the other half.
		expect(sleeps).toEqual([75, 150]);
		expect(standin.requests).toHaveLength(4);
	});

	it('retries a hanging request until the attempts run out, then reports a timeout', async () => {
		standin.failNext({ kind: 'hang' }, 3);
		const slowClient = clientFor(standin.token, 200);

		const err = await enrichmentError(
			enrichRun(slowClient, FIXTURE_RUN_ID, { ...opts, maxAttempts: 3 })
		);

		expect(err.kind).toBe('timeout');
		expect(standin.requests).toHaveLength(3);
		expect(sleeps).toHaveLength(2);
	});

	it('retries a refused connection, then reports a network error', async () => {
		const closed = createDatabricksClient({
			host: 'http://127.0.0.1:1',
			token: 't',
			timeoutMs: 2000
		});

		const err = await enrichmentError(enrichRun(closed, FIXTURE_RUN_ID, opts));

		expect(err.kind).toBe('network');
		expect(sleeps).toHaveLength(opts.maxAttempts - 1);
	});

	it('fails a 500 after maxAttempts with kind server', async () => {
		standin.failNext({ kind: 'server_error', status: 500 }, 10);

		const err = await enrichmentError(enrichRun(client, FIXTURE_RUN_ID, opts));

		expect(err).toMatchObject({ kind: 'server', status: 500, errorCode: 'INTERNAL_ERROR' });
		expect(standin.requests).toHaveLength(opts.maxAttempts);
	});
});

describe('errors that are not retried', () => {
	it('403 PERMISSION_DENIED is a permission error after one request', async () => {
		standin.failNext({ kind: 'permission_denied' });

		const err = await enrichmentError(enrichRun(client, FIXTURE_RUN_ID, opts));

		expect(err).toMatchObject({ kind: 'permission', status: 403, errorCode: 'PERMISSION_DENIED' });
		expect(standin.requests).toHaveLength(1);
		expect(sleeps).toEqual([]);
	});

	it('401 is an auth error', async () => {
		standin.failNext({ kind: 'unauthorized' });

		const err = await enrichmentError(enrichRun(client, FIXTURE_RUN_ID, opts));

		expect(err).toMatchObject({ kind: 'auth', status: 401 });
		expect(standin.requests).toHaveLength(1);
	});

	it('a wrong token (403 "Invalid access token.") is an auth error, and the token is not echoed', async () => {
		const err = await enrichmentError(enrichRun(clientFor('dapi-revoked'), FIXTURE_RUN_ID, opts));

		expect(err).toMatchObject({ kind: 'auth', status: 403 });
		expect(err.message).not.toContain('dapi-revoked');
		expect(standin.requests).toHaveLength(1);
	});

	it('an unknown run is not_found', async () => {
		const err = await enrichmentError(enrichRun(client, '123456789', opts));

		expect(err).toMatchObject({
			kind: 'not_found',
			status: 404,
			errorCode: 'RESOURCE_DOES_NOT_EXIST'
		});
		expect(standin.requests).toHaveLength(1);
	});

	it('a 200 that is not JSON is an invalid_response', async () => {
		standin.failNext({
			kind: 'raw',
			status: 200,
			body: '<html>Sign in</html>',
			contentType: 'text/html'
		});

		const err = await enrichmentError(enrichRun(client, FIXTURE_RUN_ID, opts));

		expect(err.kind).toBe('invalid_response');
		expect(standin.requests).toHaveLength(1);
	});

	it('a run without run_id is an invalid_response', async () => {
		standin.failNext({ kind: 'raw', status: 200, body: '{"state": {}}' });

		const err = await enrichmentError(client.getRun(FIXTURE_RUN_ID));

		expect(err.kind).toBe('invalid_response');
	});

	it('a non-numeric run id is refused before any request', async () => {
		const err = await enrichmentError(enrichRun(client, '914258733012345&x=1', opts));

		expect(err.kind).toBe('bad_request');
		expect(standin.requests).toHaveLength(0);
	});
});

describe('testConnection', () => {
	it('lists one job with the token', async () => {
		await client.testConnection();

		expect(standin.requests[0]).toMatchObject({ path: '/api/2.1/jobs/list', rawQuery: 'limit=1' });
	});

	it('rejects a revoked token as auth', async () => {
		const err = await enrichmentError(clientFor('dapi-revoked').testConnection());

		expect(err.kind).toBe('auth');
	});
});
