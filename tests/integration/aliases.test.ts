/**
 * Hand-written webhook bodies through the real webhook path: each team names the Logic App /
 * Web activity fields its own way, and senders of the generic schema too. Every variant must
 * become a ticket with the right pipeline, run id and error; a body with no run id at all is
 * answered 400 naming the names looked for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketDto } from '../../src/lib/contracts/tickets.ts';
import { handleWebhook } from '../../src/lib/server/http/webhooks.ts';
import type { IngestEndpoint } from '../../src/lib/server/ingest/types.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startTestRuntime } from '../support/db.ts';
import { webhookRequest } from '../support/http.ts';
import { getTicket } from '../support/tickets.ts';

let rt: Runtime;
beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false });
});
afterAll(async () => rt?.stop());

const post = (endpoint: IngestEndpoint, body: unknown) =>
	handleWebhook(rt, endpoint, webhookRequest(endpoint, body), 'req-aliases');

let seq = 0;
const runId = () => `alias-${process.pid}-${Date.now()}-${++seq}`;

async function created(endpoint: IngestEndpoint, body: unknown): Promise<TicketDto> {
	const res = await post(endpoint, body);
	const answer = await res.json();
	expect(res.status, JSON.stringify(answer)).toBe(201);
	expect(answer.status).toBe('created');
	return getTicket(rt, answer.ticket_id);
}

const ERROR =
	"Operation on target Copy_Orders failed: ErrorCode=SqlFailedToConnect,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Cannot connect to SQL Database.,Source=Microsoft.DataTransfer.ClientLibrary,''Type=System.Data.SqlClient.SqlException,Message=Login failed for user 'adf_loader'.,Source=.Net SqlClient Data Provider,SqlErrorNumber=18456,Class=14,'";

/** Logic App bodies as different teams write them: [run id key, pipeline key, error key, extras]. */
const LOGIC_APP_VARIANTS: [string, string, string, Record<string, unknown>][] = [
	['PipelineRunId', 'PipelineName', 'ErrorMessage', { DataFactoryName: 'adf-sales-prod' }],
	['PipelineRunID', 'PipelineName', 'ErrorMessage', { FailureType: 'UserError' }],
	['RunId', 'Pipeline', 'Error', { DataFactory: 'adf-sales-prod' }],
	['runId', 'pipeline', 'error', { factoryName: 'adf-sales-prod', time: '2026-10-14T07:41:09Z' }],
	['pipelineRunId', 'pipelineName', 'errorMessage', { EventTime: '2026-10-14T07:41:09Z' }],
	['Pipeline Run Id', 'Pipeline Name', 'Message', {}],
	['run_id', 'pipeline', 'message', { Timestamp: '2026-10-14T07:41:09Z' }],
	['RUNID', 'PIPELINENAME', 'ERRORMESSAGE', {}]
];

describe('Logic App bodies with other key names', () => {
	it.each(LOGIC_APP_VARIANTS)(
		'%s / %s / %s becomes a ticket with the right pipeline, run id and error',
		async (runKey, pipelineKey, errorKey, extras) => {
			const run = runId();
			const pipeline = `pl_orders_${seq}`;
			const ticket = await created('azure-monitor', {
				[pipelineKey]: pipeline,
				[runKey]: run,
				[errorKey]: ERROR,
				...extras
			});
			expect(ticket).toMatchObject({
				source: 'adf',
				pipeline,
				run_id: run,
				error_message: ERROR,
				category: 'authentication'
			});
			if ('DataFactory' in extras || 'factoryName' in extras || 'DataFactoryName' in extras)
				expect(ticket.resource).toBe('adf-sales-prod');
			if ('time' in extras || 'EventTime' in extras || 'Timestamp' in extras)
				expect(new Date(ticket.occurred_at!).toISOString()).toBe('2026-10-14T07:41:09.000Z');
			if ('FailureType' in extras) expect(ticket.failure_type).toBe('UserError');
		}
	);

	it("takes ADF's error object passed whole, with its code and failure type", async () => {
		const run = runId();
		const ticket = await created('azure-monitor', {
			pipelineName: 'pl_orders_error_object',
			runId: run,
			error: { errorCode: '2200', message: ERROR, failureType: 'UserError', target: 'Copy' }
		});
		expect(ticket).toMatchObject({
			pipeline: 'pl_orders_error_object',
			run_id: run,
			error_message: ERROR,
			error_code: '2200',
			failure_type: 'UserError'
		});
	});

	it('answers 400 naming every run id alias when the body has none', async () => {
		const res = await post('azure-monitor', {
			PipelineName: 'pl_orders_no_run',
			ErrorMessage: ERROR,
			DataFactoryName: 'adf-sales-prod'
		});
		expect(res.status).toBe(400);
		const { error } = await res.json();
		expect(error.code).toBe('invalid_payload');
		expect(error.details).toEqual([{ field: 'PipelineRunId', message: expect.any(String) }]);
		for (const alias of ['PipelineRunId', 'RunId', 'Pipeline Run Id', 'run_id'])
			expect(error.details[0].message).toContain(alias);
		expect(error.details[0].message).toMatch(/letter case ignored/);
		const stored = await rt.pool.query(
			`select count(*)::int as n from tickets where pipeline = 'pl_orders_no_run'`
		);
		expect(stored.rows[0].n).toBe(0);
	});
});

describe('generic bodies with other key names', () => {
	const base = (run: string) => ({
		source: 'airflow',
		pipeline: `dag_orders.load_${seq}`,
		run_id: run
	});

	it.each([
		['error_message', 'run_id', 'occurred_at'],
		['errorMessage', 'runId', 'occurredAt'],
		['error', 'RunId', 'timestamp'],
		['Error_Message', 'RUN_ID', 'Timestamp']
	])('%s / %s / %s becomes a ticket', async (errorKey, runKey, timeKey) => {
		const run = runId();
		const { run_id: _, ...rest } = base(run);
		const body = {
			...rest,
			[runKey]: run,
			[errorKey]: 'google.api_core.exceptions.TooManyRequests: 429 Quota exceeded',
			[timeKey]: '2026-10-14T05:12:33Z',
			Links: { run: 'https://airflow.contoso.example/dags/dag_orders/grid' },
			Labels: { team: 'orders' }
		};
		const ticket = await created('generic', body);
		expect(ticket).toMatchObject({
			source: 'generic',
			pipeline: rest.pipeline,
			run_id: run,
			error_message: 'google.api_core.exceptions.TooManyRequests: 429 Quota exceeded',
			category: 'throttling',
			links: { run: 'https://airflow.contoso.example/dags/dag_orders/grid' },
			labels: { team: 'orders', source: 'airflow' }
		});
		expect(new Date(ticket.occurred_at!).toISOString()).toBe('2026-10-14T05:12:33.000Z');
	});

	it('answers 400 naming the run id aliases when the body has none', async () => {
		const res = await post('generic', {
			source: 'airflow',
			pipeline: 'dag_orders.no_run',
			errorMessage: 'failed'
		});
		expect(res.status).toBe(400);
		const { error } = await res.json();
		expect(error.details).toEqual([
			{ field: 'run_id', message: 'is required (looked for run_id, runId; letter case ignored)' }
		]);
	});
});
