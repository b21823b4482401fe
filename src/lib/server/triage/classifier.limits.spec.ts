/**
 * The rows and rules added for errors as they reach on-call engineers: documented service limits
 * (throttling), honest "unknown" answers, codes whose documented causes the message does not tell
 * apart, and phrasing that carries no code. The messages follow the products' documented text.
 */
import { describe, expect, it } from 'vitest';
import { classifyOffline } from './classifier.ts';
import { lookup } from './catalogue/index.ts';
import type { TriageInput, TriageResult } from './types.ts';

function classify(
	errorMessage: string,
	source: TriageInput['source'] = 'generic',
	errorCode: string | null = null
): TriageResult {
	return classifyOffline({
		source,
		pipeline: 'pl_limits',
		resource: null,
		errorMessage,
		errorCode,
		failureType: null
	});
}

const isHigh = (result: TriageResult) =>
	result.confidence === 'High' || result.confidence === 'Very High';

describe('documented service limits are throttling', () => {
	it.each([
		[
			'Azure Storage egress (ServerBusy 503)',
			'<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>Egress is over the account limit.\nRequestId:0f1e</Message></Error>'
		],
		[
			'Azure Storage operations per second (503, not a network failure)',
			'The remote server returned an error: (503) Server Unavailable. Operations per second is over the account limit.'
		],
		[
			'Azure SQL 10928 without its number',
			"Resource ID : 1. The request limit for the database is 300 and has been reached. See 'http://go.microsoft.com/fwlink/?LinkId=267637' for assistance."
		],
		[
			'Azure SQL 10929 for an elastic pool',
			'The request limit for the elastic pool is 800 and has been reached.'
		],
		[
			'ADF pipeline concurrency',
			"Operation on target Run_Child failed: ErrorCode=UserErrorConcurrencyLimitReached,'Message=The pipeline run was queued because the concurrency limit of the pipeline was reached.'"
		],
		[
			'Databricks REQUEST_LIMIT_EXCEEDED',
			'databricks.sdk.errors.platform.TooManyRequests: REQUEST_LIMIT_EXCEEDED: GetRunRequest RPC token bucket limit has been exceeded.'
		],
		[
			'Databricks 429 TEMPORARILY_UNAVAILABLE',
			'HTTPError: 429 Client Error: TEMPORARILY_UNAVAILABLE for url: https://adb-1.azuredatabricks.net/api/2.1/jobs/runs/submit'
		],
		[
			'Databricks RESOURCE_EXHAUSTED',
			'{"error_code": "RESOURCE_EXHAUSTED", "message": "Too many requests. Please wait a moment and try again."}'
		],
		[
			'BigQuery rate limit answered with 403 (not a permission problem)',
			'google.api_core.exceptions.Forbidden: 403 Exceeded rate limits: too many table update operations for this table.'
		],
		[
			'BigQuery quotaExceeded (a quota that resets: throttling, not capacity)',
			'googleapi: Error 403: Quota exceeded: Your project exceeded quota for free query bytes scanned., quotaExceeded'
		]
	])('%s', (_name, message) => {
		const result = classify(message);
		expect(result.category, JSON.stringify(result.evidence)).toBe('throttling');
		expect(result.autoHealPossible).toBe(true);
		expect(result.evidence.some((line) => /https:\/\//.test(line))).toBe(true);
	});

	it('keeps hard capacity apart: Azure cores for a cluster, a database at its size quota, a workspace job quota', () => {
		expect(
			classify(
				'Cluster 0612-083015-abcd123 terminated. Reason: AZURE_QUOTA_EXCEEDED_EXCEPTION (CLIENT_ERROR): azure_error_code:QuotaExceeded, azure_error_message:Operation could not be completed as it results in exceeding approved standardDSv2Family Cores quota.',
				'databricks'
			).category
		).toBe('cluster_launch');
		expect(
			classify(
				"The database 'crm' has reached its size quota. Partition or delete data, drop indexes, or consult the documentation for possible resolutions. (Error: 40544)"
			).category
		).toBe('resource_exhausted');
		expect(
			classify(
				"{'error_code': 'QUOTA_EXCEEDED', 'message': 'The quota for the number of jobs has been reached. The current quota is 10000.'}",
				'databricks'
			).category
		).toBe('resource_exhausted');
	});

	it('reads TEMPORARILY_UNAVAILABLE as a launch failure when it is the reason a cluster terminated', () => {
		const result = classify(
			'Cluster 1104-101512-xyz789 terminated. Reason: TEMPORARILY_UNAVAILABLE (SERVICE_FAULT).',
			'databricks'
		);
		expect(result.category).toBe('cluster_launch');
	});

	it('moved the Azure SQL resource-governance rows to throttling and left the size quota alone', () => {
		expect(lookup('10928')?.category).toBe('throttling');
		expect(lookup('10929')?.category).toBe('throttling');
		expect(lookup('40501')?.category).toBe('throttling');
		expect(lookup('40544')?.category).toBe('resource_exhausted');
		expect(lookup('UserErrorConcurrencyLimitReached')?.category).toBe('throttling');
	});
});

describe('unknown is said with low confidence, never guessed', () => {
	it('answers a Spark job aborted without a recognised inner cause as unknown, Low', () => {
		const result = classify(
			'Py4JJavaError: An error occurred while calling o212.save.\n: org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in stage 7.0 failed 4 times, most recent failure: Lost task 3.3 in stage 7.0 (TID 91) (10.1.2.3 executor 2): org.apache.spark.SparkException: Python worker exited unexpectedly (crashed)',
			'databricks'
		);
		expect(result).toMatchObject({ category: 'unknown', confidence: 'Low' });
		expect(result.recommendations.length).toBeGreaterThan(0);
	});

	it('still names the inner cause of an aborted Spark job when it is known', () => {
		const result = classify(
			'org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 2.0 failed 4 times: java.lang.OutOfMemoryError: Java heap space',
			'databricks'
		);
		expect(result.category).toBe('resource_exhausted');
	});

	it('answers a BigQuery backend or internal error as unknown even when the body says 503', () => {
		for (const message of [
			'{"error": {"code": 503, "message": "Error encountered during execution. Retrying may solve the problem.", "errors": [{"domain": "global", "reason": "backendError"}], "status": "INTERNAL"}}',
			'googleapi: Error 400: The job encountered an internal error during execution and was unable to complete successfully., jobInternalError'
		]) {
			const result = classify(message);
			expect(result, message).toMatchObject({ category: 'unknown', confidence: 'Low' });
			expect(result.evidence.join('\n')).toContain('https://cloud.google.com/bigquery');
		}
	});

	it('does not call an Airflow SIGTERM memory exhaustion: someone else stopped the task', () => {
		const result = classify(
			'[2024-05-02, 03:10:11 UTC] {taskinstance.py:1488} ERROR - Received SIGTERM. Terminating subprocesses.\nairflow.exceptions.AirflowException: Task received SIGTERM signal'
		);
		expect(result).toMatchObject({ category: 'unknown', confidence: 'Low' });
		expect(result.recommendations.join(' ')).toMatch(/heartbeat|evict/);
		// A SIGKILL (-9) is still the out-of-memory killer.
		expect(classify('Task exited with return code -9').category).toBe('resource_exhausted');
	});
});

describe('codes whose documented causes the message does not tell apart', () => {
	it.each([
		[
			'000606',
			"000606 (57P03): No active warehouse selected in the current session.  Select an active warehouse with the 'use warehouse' command.",
			'configuration'
		],
		[
			'002003',
			"002003 (42S02): SQL compilation error:\nObject 'ANALYTICS.PUBLIC.ORDERS' does not exist or not authorized.",
			'source_missing'
		],
		[
			'100038',
			"100038 (22018): Numeric value 'abc' is not recognized\n  File 'orders.csv', line 48, character 12",
			'data_quality'
		],
		[
			'15165',
			"ErrorCode=SqlOperationFailed,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=A database operation failed with the following error: 'Could not find object 'SalesLT' or you do not have permission.',Source=,''Type=System.Data.SqlClient.SqlException,Message=Could not find object 'SalesLT' or you do not have permission.,Source=.Net SqlClient Data Provider,SqlErrorNumber=15165,Class=16,'",
			'source_missing'
		]
	])(
		'%s gives its most likely category with Medium confidence and says what else',
		(code, message, category) => {
			const result = classify(message, code === '15165' ? 'adf' : 'generic');
			expect(result.category).toBe(category);
			expect(result.confidence).toBe('Medium');
			expect(result.evidence.some((line) => line.startsWith('not certain: '))).toBe(true);
			expect(isHigh(result)).toBe(false);
		}
	);
});

describe('phrasing and codes that decide the category', () => {
	it.each([
		[
			'SQL Server deadlock victim without its number',
			'Transaction (Process ID 63) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.',
			'configuration'
		],
		[
			'an Airflow connection id that is not defined, inside a traceback',
			'Traceback (most recent call last):\n  File "/usr/local/lib/python3.11/site-packages/airflow/hooks/base.py", line 70, in get_connection\nairflow.exceptions.AirflowNotFoundException: The conn_id `warehouse_pg` isn\'t defined',
			'configuration'
		],
		[
			'the task SDK CONNECTION_NOT_FOUND',
			"AirflowRuntimeError: CONNECTION_NOT_FOUND: {'conn_id': 'warehouse_pg'}",
			'configuration'
		],
		[
			'a dbt ref to a node that does not exist',
			"Compilation Error in model fct_orders (models/marts/fct_orders.sql)\n  Model 'model.shop.fct_orders' (models/marts/fct_orders.sql) depends on a node named 'stg_refunds' which was not found",
			'configuration'
		],
		[
			'an older dbt compilation error',
			"Encountered an error:\nCompilation error while compiling model stg_orders:\n'adapter' is undefined",
			'code_error'
		],
		[
			'dbt without a profile',
			'Runtime Error\n  dbt cannot run because no profile was specified for this dbt project.',
			'configuration'
		],
		[
			'an Entra application id that is not in the tenant',
			"AADSTS700016: Application with identifier '3f2c9a1e-7b4d-4c0a-9d55-1a2b3c4d5e6f' was not found in the directory 'contoso.onmicrosoft.com'.",
			'configuration'
		],
		[
			'a Key Vault code printed as a bare two-word name',
			'Operation get is not allowed on a disabled secret. SecretDisabled',
			'configuration'
		],
		[
			'a Spark sub-class that is more precise than its class',
			'[FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER] Could not read footer for file: /mnt/raw/orders/part-0001.parquet. SQLSTATE: KD001',
			'data_quality'
		],
		[
			'a SQL network error that ends in a login timeout',
			'[Microsoft][ODBC Driver 18 for SQL Server]A network-related or instance-specific error has occurred while establishing a connection to sql-crm-prod.database.windows.net. Server is not found or not accessible.\n[Microsoft][ODBC Driver 18 for SQL Server]Login timeout expired',
			'connectivity'
		],
		[
			'an ADF mapping column missing from a delimited file',
			"Operation on target Copy_Costs failed: ErrorCode=MappingColumnNameNotFoundInSourceFile,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Column 'region' specified in column mapping cannot be found in 'costs.csv' source file.,Source=Microsoft.DataTransfer.ClientLibrary,'",
			'schema_mismatch'
		],
		[
			'a data flow column of the wrong type',
			'{"message":"at Source \'src_orders\': Column \'amount\' has incompatible types( Found: StringType, Required: DoubleType)","failureType":"UserError","errorCode":"DFExecutorUserError"}',
			'schema_mismatch'
		],
		[
			'DF-Executor-InvalidInputColumns',
			'{"StatusCode":"DF-Executor-InvalidInputColumns","Message":"Job failed due to reason: The column in source configuration cannot be found in source data\'s schema"}',
			'schema_mismatch'
		],
		[
			'a SqlBulkCopy value that does not fit the column',
			'The given value of type String from the data source cannot be converted to type int of the specified target column.',
			'data_quality'
		],
		[
			'a Snowflake syntax error without its code',
			"SQL compilation error:\nsyntax error line 4 at position 10 unexpected 'FROM'.",
			'code_error'
		],
		[
			'a Snowflake load whose file has more columns than the table',
			'Number of columns in file (12) does not match that of the corresponding table (11), use file format option error_on_column_count_mismatch=false to ignore this error',
			'schema_mismatch'
		],
		[
			'a BigQuery load with rows that do not parse',
			'google.api_core.exceptions.BadRequest: 400 Error while reading data, error message: CSV table encountered too many errors, giving up. Rows: 12; errors: 1.',
			'data_quality'
		],
		[
			'a Spark data source whose library is not installed',
			'java.lang.ClassNotFoundException: Failed to find data source: avro. Please find packages at https://spark.apache.org/third-party-projects.html',
			'dependency'
		],
		[
			'BigQuery out of memory',
			'google.api_core.exceptions.BadRequest: 400 Resources exceeded during query execution: The query could not be executed in the allotted memory.',
			'resource_exhausted'
		],
		[
			'Azure cores quota when starting a cluster',
			'Cloud Provider Launch Failure: A cloud provider error was encountered while setting up the cluster.\nAzure error code: OperationNotAllowed\nAzure error message: Operation results in exceeding quota limits of Core. Maximum allowed: 10, Current in use: 8, Additional requested: 8.',
			'cluster_launch'
		]
	])('%s', (_name, message, category) => {
		const result = classify(message);
		expect(result.category, JSON.stringify(result, null, 1)).toBe(category);
		expect(result.evidence.some((line) => /https:\/\//.test(line))).toBe(true);
	});
});
