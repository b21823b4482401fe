import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IngestEndpoint, NormalizedAlert, ParseResult } from '../types.ts';
import { parseFor, SOURCES } from './registry.ts';

const FIXTURES = new URL('../../../../../tests/support/fixtures/', import.meta.url);

type Body = Record<string, unknown>;

function fixture(file: string): Body {
	return JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Body;
}

/** Walks a dotted path (`data.essentials.alertId`, array indices as numbers). */
function at(body: Body, path: string): Body {
	let node: unknown = body;
	for (const key of path.split('.')) node = (node as Body)[key];
	return node as Body;
}

/** A fixture with one value replaced (or removed, with `undefined`). */
function edited(file: string, path: string, value: unknown): Body {
	const body = fixture(file);
	const keys = path.split('.');
	const key = keys.pop() as string;
	const parent = keys.length ? at(body, keys.join('.')) : body;
	if (value === undefined) delete parent[key];
	else parent[key] = value;
	return body;
}

function errorsOf(result: ParseResult) {
	expect(result.ok, 'expected the body to be rejected').toBe(false);
	return result.ok ? [] : result.errors;
}

function alertOf(result: ParseResult): NormalizedAlert {
	if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.errors)}`);
	return result.alert;
}

const METRIC = 'azure-monitor/metric-alert.adf-pipeline-failed-runs.json';
const METRIC_RESOLVED = 'azure-monitor/metric-alert.adf-pipeline-failed-runs.resolved.json';
const LOG_V2 = 'azure-monitor/log-alert-v2.adf-pipeline-failed.json';
const LOG_V1 = 'azure-monitor/log-alert-v1.adf-pipeline-failed.json';
const LOGIC_APP = 'azure-monitor/logic-app.simplified.json';
const TUTORIAL = 'azure-monitor/logic-app.web-activity-body.json';
const DBX_JOB = 'databricks/webhook.job-failure.json';
const DBX_TASK = 'databricks/webhook.task-failure.json';
const AIRFLOW = 'generic/airflow-task-failed.json';

/** A missing field with aliases is answered with every name it was looked for by. */
const RUN_ID_REQUIRED =
	'is required (looked for PipelineRunId, RunId, Pipeline Run Id, run_id, pipeline_run_id; letter case ignored)';
const GENERIC_REQUIRED: Record<string, string> = {
	source: 'is required',
	pipeline: 'is required',
	run_id: 'is required (looked for run_id, runId; letter case ignored)',
	error_message: 'is required (looked for error_message, errorMessage, error; letter case ignored)'
};

const METRIC_ALERT_ID =
	'/subscriptions/7d1c2e9a-4b3f-4a51-9e2d-6c0f8b1a2d34/providers/Microsoft.AlertsManagement/alerts/9a0b1c2d-3e4f-4a5b-8c7d-6e5f4a3b2c1d';

const dbxRef = { workspaceId: '4412093817265530', jobId: '578912345678' };
const DBX_JOB_KEY = 'job:4412093817265530/578912345678';

const FINANCE_FACTORY =
	'/subscriptions/7d1c2e9a-4b3f-4a51-9e2d-6c0f8b1a2d34/resourcegroups/rg-finance-prod/providers/microsoft.datafactory/factories/adf-finance-prod';
const LOG_WORKSPACE =
	'/subscriptions/7d1c2e9a-4b3f-4a51-9e2d-6c0f8b1a2d34/resourcegroups/rg-data-platform-prod/providers/microsoft.operationalinsights/workspaces/law-dataplatform-prod';
const ruleKey = (rule: string, target: string, pipeline: string) =>
	`rule:${[rule, target, pipeline].map(encodeURIComponent).join('/')}`;
const adfAlert = (id: string) =>
	`alert:/subscriptions/7d1c2e9a-4b3f-4a51-9e2d-6c0f8b1a2d34/providers/Microsoft.AlertsManagement/alerts/${id}`;

const NOTHING = {
	attempt: null,
	recoveryKeys: [],
	runUrl: null,
	runId: null,
	resource: null,
	errorMessage: '',
	errorCode: null,
	failureType: null,
	occurredAt: null,
	condition: 'Fired',
	sourceSeverity: null,
	links: {},
	labels: {},
	databricks: null
} as const;

const metricAlert = {
	...NOTHING,
	source: 'adf',
	format: 'azure-common-metric',
	dedupKey: METRIC_ALERT_ID,
	runKey: METRIC_ALERT_ID,
	recoveryKeys: [
		`alert:${METRIC_ALERT_ID}`,
		ruleKey('adf-failed-runs-finance', FINANCE_FACTORY, 'pl_finance_gl_close')
	],
	// No run id in a metric alert: the factory's pipeline runs, the failed one on top.
	runUrl: `https://adf.azure.com/en/monitoring/pipelineruns?factory=${encodeURIComponent(FINANCE_FACTORY)}`,
	pipeline: 'pl_finance_gl_close',
	resource: 'adf-finance-prod',
	failureType: 'SystemError',
	occurredAt: new Date('2026-10-14T06:05:12.101Z'),
	sourceSeverity: 'Sev2'
};

/** Which source must accept each fixture, and what it must make of it. */
const EXPECTED: Record<string, { source: string; endpoint: IngestEndpoint; alert: object }> = {
	[METRIC]: {
		source: 'azure-common-alert',
		endpoint: 'azure-monitor',
		alert: metricAlert
	},
	[METRIC_RESOLVED]: {
		source: 'azure-common-alert',
		endpoint: 'azure-monitor',
		alert: { ...metricAlert, condition: 'Resolved' }
	},
	[LOG_V2]: {
		source: 'azure-common-alert',
		endpoint: 'azure-monitor',
		alert: {
			...NOTHING,
			source: 'adf',
			format: 'azure-common-log-v2',
			dedupKey: '4c8e1f7a-93b2-4d5e-8a61-0b2c3d4e5f60',
			runKey: '4c8e1f7a-93b2-4d5e-8a61-0b2c3d4e5f60',
			recoveryKeys: [
				adfAlert('3f6a9b12-7c44-4e0b-a1d2-9e8f7c6b5a41'),
				ruleKey('adf-pipeline-failed', LOG_WORKSPACE, 'pl_ingest_daily_orders')
			],
			runUrl:
				'https://adf.azure.com/en/monitoring/pipelineruns/4c8e1f7a-93b2-4d5e-8a61-0b2c3d4e5f60?factory=' +
				encodeURIComponent(
					'/subscriptions/7d1c2e9a-4b3f-4a51-9e2d-6c0f8b1a2d34/resourcegroups/rg-data-platform-prod/providers/microsoft.datafactory/factories/adf-sales-prod-weu'
				),
			runId: '4c8e1f7a-93b2-4d5e-8a61-0b2c3d4e5f60',
			pipeline: 'pl_ingest_daily_orders',
			resource: 'adf-sales-prod-weu',
			errorMessage: expect.stringContaining('ErrorCode=UserErrorSourceBlobNotExists'),
			errorCode: '2200',
			failureType: 'UserError',
			occurredAt: new Date('2026-10-14T02:17:43.512Z'),
			sourceSeverity: 'Sev1',
			links: {
				searchResults: 'https://portal.azure.com#blade/Microsoft_Azure_Monitoring_Logs/LogsBlade'
			},
			labels: { team: 'sales-data' }
		}
	},
	[LOG_V1]: {
		source: 'azure-common-alert',
		endpoint: 'azure-monitor',
		alert: {
			...NOTHING,
			source: 'adf',
			format: 'azure-common-log-v1',
			dedupKey: 'e2b7c4d1-8f3a-4a6b-9c0d-1e2f3a4b5c6d',
			runKey: 'e2b7c4d1-8f3a-4a6b-9c0d-1e2f3a4b5c6d',
			recoveryKeys: [
				adfAlert('5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170'),
				ruleKey('adf-pipeline-failed-legacy', LOG_WORKSPACE, 'pl_sync_inventory_snapshot')
			],
			// The ResourceId column as ADFPipelineRun writes it (upper case) names the factory.
			runUrl:
				'https://adf.azure.com/en/monitoring/pipelineruns/e2b7c4d1-8f3a-4a6b-9c0d-1e2f3a4b5c6d?factory=' +
				encodeURIComponent(
					'/SUBSCRIPTIONS/7D1C2E9A-4B3F-4A51-9E2D-6C0F8B1A2D34/RESOURCEGROUPS/RG-SUPPLYCHAIN-PROD/PROVIDERS/MICROSOFT.DATAFACTORY/FACTORIES/ADF-SUPPLYCHAIN-PROD'
				),
			runId: 'e2b7c4d1-8f3a-4a6b-9c0d-1e2f3a4b5c6d',
			pipeline: 'pl_sync_inventory_snapshot',
			resource: 'adf-supplychain-prod',
			errorMessage: expect.stringContaining('reached its concurrency limit'),
			errorCode: '2011',
			failureType: 'SystemError',
			occurredAt: new Date('2026-10-14T09:31:05.441Z'),
			sourceSeverity: 'Sev1',
			links: {
				searchResults: expect.stringContaining('RunId%20%3D%3D%20%22e2b7c4d1')
			}
		}
	},
	[LOGIC_APP]: {
		source: 'logic-app',
		endpoint: 'azure-monitor',
		alert: {
			...NOTHING,
			source: 'adf',
			format: 'logic-app',
			dedupKey: 'a1f0c9e8-7d6b-4a5c-9e3f-2b1a0c9d8e7f',
			runKey: 'a1f0c9e8-7d6b-4a5c-9e3f-2b1a0c9d8e7f',
			runId: 'a1f0c9e8-7d6b-4a5c-9e3f-2b1a0c9d8e7f',
			pipeline: 'pl_load_customer_dim',
			resource: 'adf-crm-prod-neu',
			errorMessage: expect.stringContaining('ErrorCode=SqlFailedToConnect'),
			failureType: 'UserError',
			occurredAt: new Date('2026-10-14T07:41:09Z')
		}
	},
	[TUTORIAL]: {
		source: 'logic-app',
		endpoint: 'azure-monitor',
		alert: {
			...NOTHING,
			source: 'adf',
			format: 'logic-app-tutorial',
			dedupKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
			runKey: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
			pipeline: 'pl_campaign_attribution',
			resource: 'adf-marketing-prod',
			errorMessage: expect.stringContaining('Cloud provider launch failure'),
			labels: { receiver: 'dataops-oncall@contoso.example' }
		}
	},
	[DBX_JOB]: {
		source: 'databricks',
		endpoint: 'databricks',
		alert: {
			...NOTHING,
			source: 'databricks',
			format: 'databricks-job',
			dedupKey: '914258733012345',
			runKey: '914258733012345',
			recoveryKeys: [DBX_JOB_KEY],
			runId: '914258733012345',
			pipeline: 'nightly_sales_aggregation',
			resource: '4412093817265530',
			databricks: {
				...dbxRef,
				runId: '914258733012345',
				parentRunId: null,
				taskKey: null
			}
		}
	},
	[DBX_TASK]: {
		source: 'databricks',
		endpoint: 'databricks',
		alert: {
			...NOTHING,
			source: 'databricks',
			format: 'databricks-task',
			dedupKey: '914258733012399',
			// A retry of the task is a new task run under the same parent run.
			runKey: '914258733012345/task:aggregate_orders',
			recoveryKeys: [DBX_JOB_KEY],
			runId: '914258733012399',
			pipeline: 'nightly_sales_aggregation',
			resource: '4412093817265530',
			databricks: {
				...dbxRef,
				runId: '914258733012399',
				parentRunId: '914258733012345',
				taskKey: 'aggregate_orders'
			}
		}
	},
	[AIRFLOW]: {
		source: 'generic',
		endpoint: 'generic',
		alert: {
			...NOTHING,
			source: 'generic',
			format: 'generic',
			dedupKey:
				'airflow/dag_marketing_spend.load_google_ads/scheduled__2026-10-14T05%3A00%3A00%2B00%3A00',
			runKey:
				'airflow/dag_marketing_spend.load_google_ads/scheduled__2026-10-14T05%3A00%3A00%2B00%3A00',
			recoveryKeys: ['pipeline:airflow/dag_marketing_spend.load_google_ads'],
			runUrl:
				'https://airflow.contoso.example/dags/dag_marketing_spend/grid?dag_run_id=scheduled__2026-10-14T05%3A00%3A00%2B00%3A00',
			runId: 'scheduled__2026-10-14T05:00:00+00:00',
			pipeline: 'dag_marketing_spend.load_google_ads',
			errorMessage: expect.stringContaining('429 Quota exceeded'),
			occurredAt: new Date('2026-10-14T05:12:33Z'),
			links: {
				run: 'https://airflow.contoso.example/dags/dag_marketing_spend/grid?dag_run_id=scheduled__2026-10-14T05%3A00%3A00%2B00%3A00'
			},
			labels: { team: 'marketing-analytics', source: 'airflow' }
		}
	}
};

function fixtureFiles(): string[] {
	const inDir = (dir: string, keep: (name: string) => boolean) =>
		readdirSync(new URL(`${dir}/`, FIXTURES))
			.filter((name) => name.endsWith('.json') && keep(name))
			.map((name) => `${dir}/${name}`);
	return [
		...inDir('azure-monitor', () => true),
		// runs-get*.json there are Jobs API answers for enrichment, not webhooks.
		...inDir('databricks', (name) => name.startsWith('webhook.')),
		...inDir('generic', () => true)
	].sort();
}

describe('every source × every fixture', () => {
	it('has an expectation for every webhook fixture on disk', () => {
		expect(fixtureFiles()).toEqual(Object.keys(EXPECTED).sort());
	});

	it.each(fixtureFiles())('%s is accepted by its own source only', (file) => {
		const expected = EXPECTED[file];
		if (!expected) throw new Error(`no expectation for ${file}`);
		const body = fixture(file);
		const pristine = structuredClone(body);
		for (const source of SOURCES) {
			const label = `${file} × ${source.name}`;
			if (source.name === expected.source) {
				expect(source.matches(body), label).toBe(true);
				expect(alertOf(source.parse(body)), label).toEqual(expected.alert);
			} else {
				expect(source.matches(body) && source.parse(body).ok, label).toBe(false);
			}
		}
		expect(alertOf(parseFor(expected.endpoint, body))).toEqual(expected.alert);
		expect(body, 'parsers must not modify the body').toEqual(pristine);
	});
});

describe('Azure Monitor common alert schema', () => {
	it('gives the Resolved notification of a metric alert the dedup key of its Fired one', () => {
		const fired = alertOf(parseFor('azure-monitor', fixture(METRIC)));
		const resolved = alertOf(parseFor('azure-monitor', fixture(METRIC_RESOLVED)));
		expect(resolved.condition).toBe('Resolved');
		expect(resolved.dedupKey).toBe(fired.dedupKey);
	});

	it('names each missing or invalid essentials field by its JSON path', () => {
		const body = edited(METRIC, 'data.essentials.alertId', undefined);
		at(body, 'data.essentials').monitorCondition = 'Acknowledged';
		expect(errorsOf(parseFor('azure-monitor', body))).toEqual([
			{ field: 'data.essentials.alertId', message: 'is required' },
			{
				field: 'data.essentials.monitorCondition',
				message: 'must be Fired or Resolved'
			}
		]);
	});

	it('keeps unknown extra fields without error', () => {
		const body = edited(LOG_V2, 'data.essentials.investigationLink', 'https://x.example');
		at(body, 'data').somethingNew = { nested: [1, 2] };
		expect(alertOf(parseFor('azure-monitor', body)).runId).toBe(
			'4c8e1f7a-93b2-4d5e-8a61-0b2c3d4e5f60'
		);
	});

	it('falls back to the alert id when a log alert query is not split by RunId', () => {
		const dims = 'data.alertContext.condition.allOf.0.dimensions';
		const body = fixture(LOG_V2);
		const kept = (at(body, dims) as unknown as { name: string }[]).filter(
			(d) => d.name !== 'RunId'
		);
		const alert = alertOf(parseFor('azure-monitor', edited(LOG_V2, dims, kept)));
		expect(alert.runId).toBeNull();
		expect(alert.dedupKey).toBe(at(body, 'data.essentials').alertId);
	});

	it('rejects a log alert V2 without a PipelineName dimension, naming the dimensions', () => {
		const dims = 'data.alertContext.condition.allOf.0.dimensions';
		const kept = (at(fixture(LOG_V2), dims) as unknown as { name: string }[]).filter(
			(d) => d.name !== 'PipelineName'
		);
		const [error] = errorsOf(parseFor('azure-monitor', edited(LOG_V2, dims, kept)));
		expect(error?.field).toBe('data.alertContext.condition.allOf[0].dimensions');
		expect(error?.message).toContain('PipelineName');
	});

	it('rejects a metric alert without the Name dimension or on another metric', () => {
		const dims = 'data.alertContext.condition.allOf.0.dimensions';
		const noName = errorsOf(parseFor('azure-monitor', edited(METRIC, dims, [])));
		expect(noName).toEqual([
			{
				field: 'data.alertContext.condition.allOf[0].dimensions',
				message: expect.stringContaining('Name')
			}
		]);
		const other = edited(
			METRIC,
			'data.alertContext.condition.allOf.0.metricName',
			'TriggerFailedRuns'
		);
		const [error] = errorsOf(parseFor('azure-monitor', other));
		expect(error).toEqual({
			field: 'data.alertContext.condition.allOf',
			message: expect.stringContaining('TriggerFailedRuns')
		});
	});

	it('rejects alert types it cannot turn into a pipeline failure', () => {
		const body = edited(METRIC, 'data.alertContext', {
			properties: null,
			status: 'Activated'
		});
		at(body, 'data.essentials').signalType = 'Activity Log';
		const [error] = errorsOf(parseFor('azure-monitor', body));
		expect(error?.field).toBe('data.alertContext');
		expect(error?.message).toContain('Activity Log');
	});

	it('asks for search results when a V1 log alert arrives without them, or with no rows', () => {
		const without = edited(LOG_V1, 'data.alertContext.SearchResults', undefined);
		expect(errorsOf(parseFor('azure-monitor', without))[0]?.field).toBe(
			'data.alertContext.SearchResults'
		);
		const empty = edited(LOG_V1, 'data.alertContext.SearchResults.tables.0.rows', []);
		expect(errorsOf(parseFor('azure-monitor', empty))[0]?.field).toBe(
			'data.alertContext.SearchResults.tables[0].rows'
		);
	});

	it('reports a wrong schemaId when the Azure parser is called directly', () => {
		const azure = SOURCES.find((s) => s.name === 'azure-common-alert');
		const errors = errorsOf(
			azure!.parse(edited(METRIC, 'schemaId', 'Microsoft.Insights/activityLogs'))
		);
		expect(errors.map((e) => e.field)).toEqual(['schemaId']);
	});
});

describe('Logic App bodies', () => {
	it('reports each missing required field and each wrong type by name', () => {
		const errors = errorsOf(parseFor('azure-monitor', { PipelineName: 123, ErrorMessage: '  ' }));
		expect(errors).toEqual([
			{ field: 'PipelineName', message: 'must be a string, got a number' },
			{ field: 'PipelineRunId', message: RUN_ID_REQUIRED },
			{ field: 'ErrorMessage', message: 'must not be empty' }
		]);
	});

	it('trims names and messages', () => {
		const body = edited(LOGIC_APP, 'PipelineName', '  pl_load_customer_dim \n');
		expect(alertOf(parseFor('azure-monitor', body)).pipeline).toBe('pl_load_customer_dim');
	});

	it('dedups identical tutorial bodies and tells different failures apart', () => {
		const key = (body: Body) => alertOf(parseFor('azure-monitor', body)).dedupKey;
		const first = key(fixture(TUTORIAL));
		expect(key(fixture(TUTORIAL))).toBe(first);
		expect(key(edited(TUTORIAL, 'message', 'Operation on target Copy failed'))).not.toBe(first);
		expect(key(edited(TUTORIAL, 'dataFactoryName', 'adf-marketing-dev'))).not.toBe(first);
	});

	it('explains what it expected when an Azure body is neither shape', () => {
		const errors = errorsOf(parseFor('azure-monitor', { alert: 'pipeline failed' }));
		expect(errors).toEqual([
			{
				field: '(body)',
				message: expect.stringContaining('"azureMonitorCommonAlertSchema" or PipelineName')
			}
		]);
	});
});

describe('Databricks job notifications', () => {
	it('only turns failure events into tickets', () => {
		const [error, ...rest] = errorsOf(
			parseFor('databricks', edited(DBX_JOB, 'event_type', 'jobs.on_start'))
		);
		expect(rest).toEqual([]);
		expect(error?.field).toBe('event_type');
		expect(error?.message).toContain(
			'only failure events (jobs.on_failure) create tickets and success events (jobs.on_success) recover them'
		);
	});

	it('names a missing run id and a non-numeric one by path', () => {
		expect(errorsOf(parseFor('databricks', edited(DBX_JOB, 'run.run_id', undefined)))).toEqual([
			{ field: 'run.run_id', message: 'is required' }
		]);
		const [error] = errorsOf(parseFor('databricks', edited(DBX_JOB, 'job.job_id', 'abc')));
		expect(error?.field).toBe('job.job_id');
	});

	it('keeps every digit of ids sent as strings and writes big numbers without exponent', () => {
		const asString = edited(DBX_JOB, 'run.run_id', '9223372036854775807');
		expect(alertOf(parseFor('databricks', asString)).dedupKey).toBe('9223372036854775807');
		const huge = edited(DBX_JOB, 'run.run_id', 1e21);
		expect(alertOf(parseFor('databricks', huge)).runId).toBe('1000000000000000000000');
	});

	it('reads the older flat shape with run page and error text', () => {
		const alert = alertOf(
			parseFor('databricks', {
				event_type: 'jobs.on_failure',
				job_id: 578912345678,
				run_id: '914258733012345',
				job_name: ' nightly_sales_aggregation ',
				run_page_url:
					'https://adb-4412093817265530.10.azuredatabricks.net/#job/578912345678/run/914258733012345',
				state_message: 'Task aggregate_orders failed with message: Workload failed.',
				cluster: { id: 'extra fields are fine' }
			})
		);
		expect(alert).toMatchObject({
			format: 'databricks-flat',
			dedupKey: '914258733012345',
			pipeline: 'nightly_sales_aggregation',
			errorMessage: 'Task aggregate_orders failed with message: Workload failed.',
			links: { run: expect.stringContaining('/run/914258733012345') },
			databricks: {
				jobId: '578912345678',
				runId: '914258733012345',
				workspaceId: null
			}
		});
	});
});

describe('generic schema', () => {
	it('reports every missing required field by name', () => {
		const errors = errorsOf(parseFor('generic', {}));
		expect(errors).toEqual(
			['source', 'pipeline', 'run_id', 'error_message'].map((field) => ({
				field,
				message: GENERIC_REQUIRED[field]
			}))
		);
	});

	it('rejects wrong types, blank strings, unsafe links and non-dates', () => {
		const body = {
			...fixture(AIRFLOW),
			pipeline: 123,
			run_id: '   ',
			occurred_at: 'yesterday at 5',
			links: { run: 'javascript:alert(1)' },
			labels: { team: 7 }
		};
		const fields = errorsOf(parseFor('generic', body)).map((e) => e.field);
		expect(fields).toEqual(['pipeline', 'run_id', 'occurred_at', 'links.run', 'labels.team']);
	});

	it('rejects an occurred_at without a time zone', () => {
		const errors = errorsOf(
			parseFor('generic', edited(AIRFLOW, 'occurred_at', '2026-10-14T05:12:33'))
		);
		expect(errors).toEqual([
			{ field: 'occurred_at', message: expect.stringContaining('ISO 8601') }
		]);
	});

	it('keeps unknown extra fields without error', () => {
		const body = { ...fixture(AIRFLOW), dag_owner: 'marketing', try_number: 3 };
		expect(alertOf(parseFor('generic', body)).pipeline).toBe('dag_marketing_spend.load_google_ads');
	});
});

describe('bodies that are not JSON objects', () => {
	const endpoints: IngestEndpoint[] = ['azure-monitor', 'databricks', 'generic'];
	it.each(endpoints)('are rejected on %s as a whole', (endpoint) => {
		for (const body of [[], 'pipeline failed', null, 42]) {
			expect(errorsOf(parseFor(endpoint, body))).toEqual([
				{
					field: '(body)',
					message: expect.stringContaining('must be a JSON object')
				}
			]);
		}
	});

	it('are rejected by every parser called directly', () => {
		for (const source of SOURCES) {
			expect(source.matches([]), source.name).toBe(false);
			expect(errorsOf(source.parse(null))[0]?.field, source.name).toBe('(body)');
		}
	});
});

describe('Logic App bodies written by other teams (aliases, any letter case)', () => {
	const RUN = 'b2c3d4e5-0000-4a5c-9e3f-2b1a0c9d8e7f';
	const ERROR = 'Operation on target Copy_Orders failed: Login failed for user adf_loader';
	/** The simplified fixture with one field renamed to `key` (and given `value`). */
	const renamed = (field: string, key: string, value: unknown): Body => {
		const body = fixture(LOGIC_APP);
		delete body[field];
		body[key] = value;
		return body;
	};
	const parsed = (body: Body) => {
		expect(SOURCES.find((s) => s.name === 'logic-app')!.matches(body), 'matches').toBe(true);
		return alertOf(parseFor('azure-monitor', body));
	};

	it.each([
		'PipelineRunId',
		'PipelineRunID',
		'pipelineRunId',
		'pipelinerunid',
		'RunId',
		'runId',
		'RUNID',
		'Pipeline Run Id',
		'pipeline run id',
		'run_id',
		'pipeline_run_id',
		' RunId '
	])('reads the run id from %j', (key) => {
		const alert = parsed(renamed('PipelineRunId', key, RUN));
		expect(alert).toMatchObject({ format: 'logic-app', runId: RUN, dedupKey: RUN });
		expect(alert.pipeline).toBe('pl_load_customer_dim');
	});

	it.each([
		'ErrorMessage',
		'errorMessage',
		'errormessage',
		'Error',
		'error',
		'Message',
		'message',
		'Error Message'
	])('reads the error text from %j', (key) => {
		const alert = parsed(renamed('ErrorMessage', key, ERROR));
		expect(alert).toMatchObject({
			format: 'logic-app',
			errorMessage: ERROR,
			runId: expect.any(String)
		});
	});

	it.each([
		'PipelineName',
		'pipelineName',
		'pipeline',
		'Pipeline',
		'Pipeline Name',
		'pipeline_name'
	])('reads the pipeline name from %j', (key) => {
		const body = renamed('PipelineName', key, 'pl_orders_daily');
		expect(parsed(body)).toMatchObject({ format: 'logic-app', pipeline: 'pl_orders_daily' });
		// The pipeline name alone is enough to recognise the body.
		delete body.PipelineRunId;
		expect(SOURCES.find((s) => s.name === 'logic-app')!.matches(body)).toBe(true);
	});

	it.each([
		'DataFactoryName',
		'dataFactoryName',
		'factoryName',
		'FactoryName',
		'DataFactory',
		'Data Factory Name'
	])('reads the factory name from %j', (key) => {
		expect(parsed(renamed('DataFactoryName', key, 'adf-sales-prod'))).toMatchObject({
			resource: 'adf-sales-prod'
		});
	});

	it.each(['FailureType', 'failureType', 'FAILURETYPE', 'Failure Type'])(
		'reads the failure type from %j',
		(key) => {
			expect(parsed(renamed('FailureType', key, 'SystemError')).failureType).toBe('SystemError');
		}
	);

	it.each(['ErrorCode', 'errorCode', 'Error Code'])('reads the error code from %j', (key) => {
		const body = { ...fixture(LOGIC_APP), [key]: '2200' };
		expect(parsed(body).errorCode).toBe('2200');
	});

	it.each(['Timestamp', 'timestamp', 'time', 'Time', 'EventTime', 'eventTime'])(
		'reads the time from %j',
		(key) => {
			expect(parsed(renamed('Timestamp', key, '2026-10-14T07:41:09Z')).occurredAt).toEqual(
				new Date('2026-10-14T07:41:09Z')
			);
		}
	);

	it('reads a body whose every key is spelled differently', () => {
		const alert = parsed({
			pipeline: 'pl_orders_daily',
			runId: RUN,
			error: ERROR,
			factoryName: 'adf-sales-prod',
			failureType: 'UserError',
			errorCode: '2200',
			eventTime: '2026-10-14T07:41:09Z'
		});
		expect(alert).toEqual({
			source: 'adf',
			format: 'logic-app',
			dedupKey: RUN,
			runKey: RUN,
			attempt: null,
			recoveryKeys: [],
			runUrl: null,
			runId: RUN,
			pipeline: 'pl_orders_daily',
			resource: 'adf-sales-prod',
			errorMessage: ERROR,
			errorCode: '2200',
			failureType: 'UserError',
			occurredAt: new Date('2026-10-14T07:41:09Z'),
			condition: 'Fired',
			sourceSeverity: null,
			links: {},
			labels: {},
			databricks: null
		});
	});

	it("reads ADF's error object passed whole (@activity('…').error)", () => {
		const alert = parsed({
			PipelineName: 'pl_orders_daily',
			RunId: RUN,
			Error: {
				errorCode: '2200',
				message: ERROR,
				failureType: 'UserError',
				target: 'Copy_Orders',
				details: []
			}
		});
		expect(alert).toMatchObject({
			errorMessage: ERROR,
			errorCode: '2200',
			failureType: 'UserError'
		});
		const errors = errorsOf(
			parseFor('azure-monitor', { PipelineName: 'pl', RunId: RUN, error: { errorCode: '2200' } })
		);
		expect(errors).toEqual([{ field: 'error.message', message: 'is required' }]);
	});

	it('takes the first alias with a value when a blank one comes first', () => {
		const body = { ...fixture(LOGIC_APP), ErrorMessage: '  ', message: ERROR };
		expect(parsed(body).errorMessage).toBe(ERROR);
	});

	it('answers 400 naming every run id alias when none is present', () => {
		const body = renamed('PipelineRunId', 'Id', RUN);
		const errors = errorsOf(parseFor('azure-monitor', body));
		expect(errors).toEqual([{ field: 'PipelineRunId', message: RUN_ID_REQUIRED }]);
		for (const alias of ['PipelineRunId', 'RunId', 'Pipeline Run Id', 'run_id'])
			expect(errors[0]?.message).toContain(alias);
	});

	it('names the error text and pipeline aliases when those are missing', () => {
		const errors = errorsOf(parseFor('azure-monitor', { runId: RUN }));
		expect(errors).toEqual([
			{
				field: 'PipelineName',
				message:
					'is required (looked for PipelineName, Pipeline, Pipeline Name, pipeline_name; letter case ignored)'
			},
			{
				field: 'ErrorMessage',
				message:
					'is required (looked for ErrorMessage, Error, Message, Error Message; letter case ignored)'
			}
		]);
	});

	it('names a wrong value by the key the sender used', () => {
		const errors = errorsOf(
			parseFor('azure-monitor', {
				pipelineName: 'pl',
				runId: 42,
				error: ERROR,
				EventTime: 'yesterday'
			})
		);
		expect(errors.map((e) => e.field)).toEqual(['runId', 'EventTime']);
		expect(errors[0]?.message).toBe('must be a string, got a number');
	});

	it("keeps Microsoft's tutorial body (no run id, the error under message) in any letter case", () => {
		const alert = parsed({
			PipelineName: 'pl_campaign_attribution',
			Message: 'Operation on target Notebook_Transform failed',
			DataFactoryName: 'adf-marketing-prod'
		});
		expect(alert).toMatchObject({
			format: 'logic-app-tutorial',
			runId: null,
			pipeline: 'pl_campaign_attribution',
			resource: 'adf-marketing-prod'
		});
	});

	it('does not take bodies of the other sources', () => {
		const logicApp = SOURCES.find((s) => s.name === 'logic-app')!;
		expect(logicApp.parse(fixture(AIRFLOW)).ok).toBe(false);
		expect(logicApp.matches(fixture(METRIC))).toBe(false);
		expect(logicApp.matches({ alert: 'pipeline failed' })).toBe(false);
	});
});

describe('generic bodies written by hand (aliases, any letter case)', () => {
	const renamed = (field: string, key: string, value: unknown): Body => {
		const body = fixture(AIRFLOW);
		delete body[field];
		body[key] = value;
		return body;
	};
	const parsed = (body: Body) => alertOf(parseFor('generic', body));

	it.each(['run_id', 'runId', 'RUN_ID', 'RunId'])('reads the run id from %j', (key) => {
		const alert = parsed(renamed('run_id', key, 'manual__2026-10-14'));
		expect(alert.runId).toBe('manual__2026-10-14');
		expect(alert.dedupKey).toBe('airflow/dag_marketing_spend.load_google_ads/manual__2026-10-14');
	});

	it.each(['error_message', 'errorMessage', 'ErrorMessage', 'error', 'Error'])(
		'reads the error text from %j',
		(key) => {
			expect(parsed(renamed('error_message', key, 'dbt run failed')).errorMessage).toBe(
				'dbt run failed'
			);
		}
	);

	it.each(['occurred_at', 'occurredAt', 'OccurredAt', 'timestamp', 'Timestamp'])(
		'reads the time from %j',
		(key) => {
			expect(parsed(renamed('occurred_at', key, '2026-10-14T05:12:33Z')).occurredAt).toEqual(
				new Date('2026-10-14T05:12:33Z')
			);
		}
	);

	it.each([
		['links', 'Links'],
		['labels', 'LABELS'],
		['source', 'Source'],
		['pipeline', 'Pipeline']
	])('reads %s in any letter case (%j)', (field, key) => {
		const original = fixture(AIRFLOW)[field];
		const alert = parsed(renamed(field, key, original));
		expect(alert).toEqual(alertOf(parseFor('generic', fixture(AIRFLOW))));
	});

	it('names a wrong value by the key the sender used, nested paths included', () => {
		const body: Body = {
			...renamed('occurred_at', 'occurredAt', 'yesterday at 5'),
			Links: { run: 'javascript:alert(1)' }
		};
		delete body.links;
		expect(errorsOf(parseFor('generic', body)).map((e) => e.field)).toEqual([
			'occurredAt',
			'Links.run'
		]);
	});

	it('answers 400 naming the error text aliases when none is present', () => {
		const errors = errorsOf(parseFor('generic', renamed('error_message', 'msg', 'x')));
		expect(errors).toEqual([{ field: 'error_message', message: GENERIC_REQUIRED.error_message }]);
	});
});
