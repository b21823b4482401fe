import { describe, expect, it } from 'vitest';
import { classifyOffline } from './classifier.ts';
import type { Category, TriageInput } from './types.ts';

/**
 * Databricks failures as the Jobs API (`state_message`, `error`, `error_trace`) and notebooks
 * report them, with the public Databricks / Azure page each pattern is documented on.
 */

const DBX = 'https://docs.databricks.com/en';
const ERROR_CLASSES = `Error classes in Databricks — ${DBX}/error-messages/error-classes.html`;
const CLUSTERS_API =
	'Clusters API, termination codes — https://docs.databricks.com/api/workspace/clusters/get';
const COMPUTE = `Compute configuration reference — ${DBX}/compute/configure.html`;
const LIBRARIES = `Libraries — ${DBX}/libraries/index.html`;
const WORKFLOWS = `Run a Databricks notebook from another notebook — ${DBX}/notebooks/notebook-workflows.html`;

interface Case {
	doc: string;
	message: string;
	source?: TriageInput['source'];
	failureType?: string;
	errorType: string;
	category: Category;
	entity?: string;
}

const CASES: Case[] = [
	{
		doc: ERROR_CLASSES,
		message:
			'AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `sales`.`orders_silver` cannot be found. Verify the spelling and correctness of the schema and catalog.\nSQLSTATE: 42P01',
		errorType: 'TableOrViewNotFound',
		category: 'source_missing',
		entity: 'sales.orders_silver'
	},
	{
		doc: ERROR_CLASSES,
		message:
			'AnalysisException: [UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `cust_id` cannot be resolved. Did you mean one of the following? [`customer_id`, `order_id`, `amount`]. SQLSTATE: 42703',
		errorType: 'UnresolvedColumn',
		category: 'schema_mismatch',
		entity: 'cust_id'
	},
	{
		doc: ERROR_CLASSES,
		message:
			"org.apache.spark.sql.AnalysisException: cannot resolve 'cust_id' given input columns: [customer_id, order_id, amount];",
		errorType: 'UnresolvedColumn',
		category: 'schema_mismatch',
		entity: 'cust_id'
	},
	{
		doc: ERROR_CLASSES,
		message:
			'AnalysisException: [PATH_NOT_FOUND] Path does not exist: abfss://raw@adlssalesprod.dfs.core.windows.net/orders/2026/10/14. SQLSTATE: 42K03',
		errorType: 'PathNotFound',
		category: 'source_missing',
		entity: 'abfss://raw@adlssalesprod.dfs.core.windows.net/orders/2026/10/14'
	},
	{
		doc: COMPUTE,
		message:
			'The spark driver has stopped unexpectedly and is restarting. Your notebook will be automatically reattached.',
		errorType: 'DriverOutOfMemory',
		category: 'resource_exhausted'
	},
	{
		doc: COMPUTE,
		message: 'Driver is up but is not responsive, likely due to GC.',
		errorType: 'DriverOutOfMemory',
		category: 'resource_exhausted'
	},
	{
		doc: COMPUTE,
		message:
			'java.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf(Arrays.java:3236)\n\tat java.io.ByteArrayOutputStream.grow(ByteArrayOutputStream.java:118)',
		errorType: 'OutOfMemoryError',
		category: 'resource_exhausted'
	},
	{
		doc: COMPUTE,
		message:
			'org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 12.0 failed 4 times, most recent failure: Lost task 0.3 in stage 12.0 (TID 85) (10.139.64.5 executor 3): ExecutorLostFailure (executor 3 exited caused by one of the running tasks) Reason: Remote RPC client disassociated. Likely due to containers exceeding thresholds, or network issues. Check driver logs for WARN messages.',
		errorType: 'ExecutorLost',
		category: 'resource_exhausted'
	},
	{
		doc: CLUSTERS_API,
		source: 'adf',
		message:
			'Operation on target Notebook_Transform failed: Job failed due to reason: Cluster terminated. Reason: Cloud provider launch failure',
		errorType: 'ClusterLaunchFailure',
		category: 'cluster_launch'
	},
	{
		doc: CLUSTERS_API,
		message:
			'Cluster 1014-020133-k3y8zq1p terminated. Reason: CLOUD_PROVIDER_LAUNCH_FAILURE (CLOUD_FAILURE). Parameters: azure_error_code:OperationNotAllowed.',
		errorType: 'ClusterLaunchFailure',
		category: 'cluster_launch',
		entity: '1014-020133-k3y8zq1p'
	},
	{
		doc: 'Increase VM-family vCPU quotas — https://learn.microsoft.com/en-us/azure/quotas/per-vm-quota-requests',
		message:
			'Cluster terminated. Reason: Azure Quota Exceeded Exception. Operation could not be completed as it results in exceeding approved standardDSv2Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: westeurope, Current Limit: 100, Current Usage: 96, Additional Required: 8, (Minimum) New Limit Required: 104.',
		errorType: 'QuotaExceeded',
		category: 'cluster_launch',
		entity: 'standardDSv2Family'
	},
	{
		doc: CLUSTERS_API,
		message:
			'Cluster 1014-020133-k3y8zq1p terminated. Reason: INSTANCE_POOL_CLUSTER_FAILURE. Pool pool-etl-prod is at its maximum capacity.',
		errorType: 'InstancePoolClusterFailure',
		category: 'cluster_launch'
	},
	{
		doc: `Init scripts — ${DBX}/init-scripts/index.html`,
		message: 'Cluster terminated. Reason: Init script failure',
		errorType: 'InitScriptFailure',
		category: 'dependency'
	},
	{
		doc: LIBRARIES,
		message:
			'Run result unavailable: job failed with error message\n Library installation failed for library due to user error for pypi {\n  package: "great-expectations==0.18.8"\n}\n Error messages:\nLibrary installation attempted on the driver node of cluster 1014-020133-k3y8zq1p and failed.',
		errorType: 'LibraryInstallationFailed',
		category: 'dependency',
		entity: 'great-expectations==0.18.8'
	},
	{
		doc: LIBRARIES,
		message:
			"---------------------------------------------------------------------------\nModuleNotFoundError                       Traceback (most recent call last)\nFile <command-1234567890>, line 1\n----> 1 import great_expectations as gx\n\nModuleNotFoundError: No module named 'great_expectations'",
		errorType: 'ModuleNotFoundError',
		category: 'dependency',
		entity: 'great_expectations'
	},
	{
		doc: WORKFLOWS,
		message: 'Notebook not found: /Repos/dataops/pipelines/aggregate_orders',
		errorType: 'NotebookNotFound',
		category: 'configuration',
		entity: '/Repos/dataops/pipelines/aggregate_orders'
	},
	{
		doc: WORKFLOWS,
		message: 'com.databricks.WorkflowException: com.databricks.NotebookExecutionException: FAILED',
		errorType: 'NotebookExecutionException',
		// The child notebook's own failure is the one to triage.
		category: 'upstream'
	},
	{
		doc: WORKFLOWS,
		message:
			'---------------------------------------------------------------------------\nZeroDivisionError                         Traceback (most recent call last)\nFile <command-3308416012345678>, line 3\n      1 total = 0\n----> 3 ratio = revenue / total\n\nZeroDivisionError: division by zero',
		errorType: 'ZeroDivisionError',
		category: 'code_error'
	},
	{
		doc: `Isolation levels and write conflicts — ${DBX}/optimizations/isolation-level.html`,
		message:
			'io.delta.exceptions.ConcurrentAppendException: Files were added to partition [order_date=2026-10-14] by a concurrent update. Please try the operation again.',
		errorType: 'ConcurrentAppendException',
		category: 'configuration'
	},
	{
		doc: `Update Delta Lake table schema — ${DBX}/delta/update-schema.html`,
		message:
			'AnalysisException: A schema mismatch detected when writing to the Delta table (Table ID: 5c2d9e1a-7b3f-4c8d-9e0a-1b2c3d4e5f60).\nTo enable schema migration using DataFrameWriter or DataStreamWriter, please set:\n\'.option("mergeSchema", "true")\'.',
		errorType: 'DeltaSchemaMismatch',
		category: 'schema_mismatch',
		entity: '5c2d9e1a-7b3f-4c8d-9e0a-1b2c3d4e5f60'
	},
	{
		doc: `Unity Catalog privileges and securable objects — ${DBX}/data-governance/unity-catalog/manage-privileges/privileges.html`,
		message: "PERMISSION_DENIED: User does not have USE CATALOG on Catalog 'main'.",
		errorType: 'UnityCatalogPermissionDenied',
		category: 'permission',
		entity: 'catalog main'
	},
	{
		doc: 'Jobs API, run result state TIMEDOUT — https://docs.databricks.com/api/workspace/jobs/getrun',
		failureType: 'TIMEDOUT',
		message: 'Run timed out',
		errorType: 'JobRunTimedOut',
		category: 'timeout'
	},
	{
		doc: COMPUTE,
		message: 'Could not reach driver of cluster 1014-020133-k3y8zq1p.',
		errorType: 'DriverUnreachable',
		category: 'connectivity',
		entity: '1014-020133-k3y8zq1p'
	},
	{
		doc: `Azure Databricks personal access token authentication — ${DBX}/dev-tools/auth/pat.html`,
		message: '{"error_code":"403","message":"Invalid access token."}',
		errorType: 'DatabricksInvalidAccessToken',
		category: 'authentication'
	},
	{
		doc: 'Common REST API error codes (Azure Storage) — https://learn.microsoft.com/en-us/rest/api/storageservices/common-rest-api-error-codes',
		message:
			'Operation failed: "This request is not authorized to perform this operation using this permission.", 403, GET, https://adlssalesprod.dfs.core.windows.net/curated?upn=false&resource=filesystem&maxResults=5000, AuthorizationPermissionMismatch',
		errorType: 'AuthorizationPermissionMismatch',
		category: 'permission',
		entity: 'https://adlssalesprod.dfs.core.windows.net/curated'
	},
	{
		doc: 'Jobs API, task result state UPSTREAM_FAILED — https://docs.databricks.com/api/workspace/jobs/getrun',
		message: 'Upstream task(s) failed.',
		errorType: 'UpstreamFailed',
		category: 'upstream'
	}
];

function databricks(c: Case): TriageInput {
	return {
		source: c.source ?? 'databricks',
		pipeline: 'nightly_sales_aggregation',
		resource: '4412093817265530',
		errorMessage: c.message,
		errorCode: null,
		failureType: c.failureType ?? null
	};
}

describe('classifyOffline on Databricks errors', () => {
	it.each(CASES)('$errorType / $category ← $doc', (c) => {
		const result = classifyOffline(databricks(c));
		expect(result.errorType).toBe(c.errorType);
		expect(result.category).toBe(c.category);
		if (c.entity) expect(result.affectedEntity).toBe(c.entity);
	});

	it('takes a Spark error class in brackets as an exact code', () => {
		const [tableMissing] = CASES;
		if (!tableMissing) throw new Error('empty table');
		const result = classifyOffline(databricks(tableMissing));
		expect(result.confidence).toBe('High');
		expect(result.evidence).toContain('error code TABLE_OR_VIEW_NOT_FOUND (in the message)');
		expect(result.rootCause).toContain('sales.orders_silver');
	});

	it('prefers the data flow status code over the Spark text it wraps', () => {
		const result = classifyOffline(
			databricks({
				doc: '',
				source: 'adf',
				message:
					'{"StatusCode":"DF-Executor-RemoteRPCClientDisassociated","Message":"Job failed due to reason: Job aborted due to stage failure: Remote RPC client disassociated."}',
				errorType: '',
				category: 'unknown'
			})
		);
		expect(result.errorType).toBe('DF-Executor-RemoteRPCClientDisassociated');
	});

	it('marks transient cluster launch failures as auto-healable and quota as not', () => {
		const launch = CASES.find((c) => c.errorType === 'ClusterLaunchFailure');
		const quota = CASES.find((c) => c.errorType === 'QuotaExceeded');
		if (!launch || !quota) throw new Error('missing cases');
		expect(classifyOffline(databricks(launch)).autoHealPossible).toBe(true);
		expect(classifyOffline(databricks(quota)).autoHealPossible).toBe(false);
	});
});
