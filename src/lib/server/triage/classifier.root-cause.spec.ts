/**
 * Rules that follow the root cause as an on-call engineer judges it, not the first words of the
 * message: a 403 the storage firewall sends, a child notebook that failed, a file format that
 * reads the header as data, a client library's missing optional package, an ADF expression that
 * does not evaluate. The messages follow the products' documented wording.
 */
import { describe, expect, it } from 'vitest';
import { classifyOffline } from './classifier.ts';
import { lookup } from './catalogue/index.ts';
import { categoryFromCodeName } from './code-names.ts';
import type { Category, TriageInput, TriageResult } from './types.ts';

function classify(errorMessage: string, source: TriageInput['source'] = 'generic'): TriageResult {
	return classifyOffline({
		source,
		pipeline: 'pl_root_cause',
		resource: null,
		errorMessage,
		errorCode: null,
		failureType: null
	});
}

const isHigh = (result: TriageResult) =>
	result.confidence === 'High' || result.confidence === 'Very High';

describe('catalogue rows whose category follows the root cause', () => {
	it('answers the Snowflake connector "no pyarrow" codes as a missing package, not bad data', () => {
		for (const code of ['255002', '255004']) expect(lookup(code)?.category).toBe('dependency');
		const result = classify(
			'snowflake.connector.errors.ProgrammingError: 255002: pyarrow package is missing. Install using pip if the platform is supported.'
		);
		expect(result.category).toBe('dependency');
		expect(result.evidence.join('\n')).toContain('255002');
	});

	it('reads a data flow source or sink setting that is required as configuration', () => {
		for (const code of ['DF-SRC-002', 'DF-SINK-002'])
			expect(lookup(code)?.category).toBe('configuration');
		const result = classify(
			'{"message":"Failure 2024-03-02 09:12:44.120 failed AppManager.submitExecutorRequest, errorMessage=DF-SINK-002 \'type\' (Connection type) is required","failureType":"UserError","target":"df_load_orders"}',
			'adf'
		);
		expect(result.category).toBe('configuration');
		expect(result.errorType).toBe('DF-SINK-002');
	});

	it('reads a two-part namespace on the session catalog as configuration', () => {
		const result = classify(
			'[REQUIRES_SINGLE_PART_NAMESPACE] spark_catalog requires a single-part namespace, but got `main`.`sales`. SQLSTATE: 42K05'
		);
		expect(result.category).toBe('configuration');
		expect(result.errorType).toBe('REQUIRES_SINGLE_PART_NAMESPACE');
	});

	it('gives an invalid Snowflake identifier only Medium confidence and says what else it may be', () => {
		const result = classify(
			"Database Error in model fct_usage (models/fct_usage.sql)\n  000904 (42000): SQL compilation error: error line 12 at position 4\n  invalid identifier 'EVENT_TS'"
		);
		expect(result.category).toBe('schema_mismatch');
		expect(result.confidence).toBe('Medium');
		expect(result.evidence.some((line) => line.startsWith('not certain: '))).toBe(true);
	});
});

describe('Azure Storage AuthorizationFailure is the firewall, AuthorizationPermissionMismatch the role', () => {
	it.each([
		[
			'the 403 with its code',
			'Status: 403 (This request is not authorized to perform this operation.)\nErrorCode: AuthorizationFailure'
		],
		[
			'the ABFS driver on a cluster outside the allowed networks',
			"Operation failed: 'This request is not authorized to perform this operation.', 403, HEAD, https://stlake.dfs.core.windows.net/raw/?upn=false&action=getAccessControl&timeout=90"
		],
		[
			"Storage Explorer's own hint",
			"This storage account's 'Firewalls & virtual networks' settings may be blocking access to storage services. Try adding your client IP address to the firewall exceptions."
		]
	])('%s → connectivity, at most Medium confidence', (_name, message) => {
		const result = classify(message);
		expect(result.category).toBe('connectivity');
		expect(isHigh(result)).toBe(false);
		expect(result.recommendations.join(' ')).toMatch(/networking|firewall|VNet/i);
	});

	it('keeps a missing data-plane role as permission', () => {
		const result = classify(
			'Status: 403 (This request is not authorized to perform this operation using this permission.)\nErrorCode: AuthorizationPermissionMismatch'
		);
		expect(result.category).toBe('permission');
	});
});

describe('rule adjustments that follow the cause', () => {
	it('sends a failed child notebook to the child run (upstream), not to the parent code', () => {
		const result = classify(
			'Py4JJavaError: An error occurred while calling o412._run.\n: com.databricks.WorkflowException: com.databricks.NotebookExecutionException: FAILED\n\tat com.databricks.workflow.WorkflowDriver.run(WorkflowDriver.scala:96)',
			'databricks'
		);
		expect(result.category).toBe('upstream');
		expect(result.recommendations.join(' ')).toMatch(/child notebook/i);
	});

	it.each<[string, string, Category, string, Category]>([
		[
			'ADF "Time out to retry" (no cause: an honest unknown) from 3208 sending errors',
			'{ "errorCode": "3208", "message": "Time out to retry.", "failureType": "UserError", "target": "nb_enrich" }',
			'unknown',
			'{ "errorCode": "3208", "message": "An error occurred while sending the request.", "failureType": "UserError", "target": "nb_enrich" }',
			'connectivity'
		],
		[
			'a token-identified principal refused by the database from a wrong password',
			"InterfaceError: ('28000', \"[28000] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user '<token-identified principal>'. (18456) (SQLDriverConnect)\")",
			'permission',
			"InterfaceError: ('28000', \"[28000] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]Login failed for user 'etl_loader'. (18456) (SQLDriverConnect)\")",
			'authentication'
		],
		[
			"a duplicate key in a procedure's temp table (its own bug) from one in a loaded table",
			"Msg 2627, Level 14, State 1, Procedure usp_load_stats, Line 88\nViolation of PRIMARY KEY constraint 'PK__#stats__3213E83F'. Cannot insert duplicate key in object 'dbo.#stats'. The duplicate key value is (42).",
			'code_error',
			"Violation of PRIMARY KEY constraint 'PK_orders'. Cannot insert duplicate key in object 'dbo.orders'. The duplicate key value is (1001).",
			'data_quality'
		]
	])('tells %s', (_name, message, category, other, otherCategory) => {
		const result = classify(message, 'adf');
		expect(result.category).toBe(category);
		if (category === 'unknown') expect(result.confidence).toBe('Low');
		expect(classify(other, 'adf').category).toBe(otherCategory);
	});

	it('reads a dbt macro missing from an installed package as a dependency problem', () => {
		for (const message of [
			"Encountered an error:\nCompilation Error\n  In dispatch: No macro named 'datediff' found\n      Searched for: 'shop.sqlserver__datediff', 'dbt.sqlserver__datediff', 'dbt.default__datediff'",
			'Encountered an error:\nCompilation Error\n  \'dbt_utils\' is undefined. This can happen when calling a macro that does not exist. Check for typos and/or install package dependencies with "dbt deps".'
		])
			expect(classify(message).category).toBe('dependency');
	});

	it('reads a Snowflake value that fails on the first line or is empty as the file format', () => {
		for (const message of [
			'snowflake.connector.errors.ProgrammingError: 100038 (22018): Numeric value \'order_id\' is not recognized\n  File \'orders_2024.csv\', line 1, character 1\n  Row 1, column "ORDERS"["ORDER_ID":1]',
			"net.snowflake.client.jdbc.SnowflakeSQLException: Numeric value '' is not recognized"
		]) {
			const result = classify(message);
			expect(result.category).toBe('configuration');
			expect(result.confidence).toBe('Medium');
		}
		const data = classify(
			"snowflake.connector.errors.ProgrammingError: 100038 (22018): Numeric value 'N/A' is not recognized\n  File 'orders_2024.csv', line 5123, character 44"
		);
		expect(data.category).toBe('data_quality');
		expect(isHigh(data)).toBe(false);
	});

	it('reads a TCP connect that timed out as connectivity, a slow operation as timeout', () => {
		expect(
			classify(
				'org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 0.0 failed 4 times, most recent failure: Lost task 0.3 (TID 3): com.vendor.jdbc.ConnectFailed: java.net.SocketTimeoutException: connect timed out'
			).category
		).toBe('connectivity');
		expect(classify('The operation has timed out.').category).toBe('timeout');
	});

	it('does not read "you cannot resolve this problem" as a missing column', () => {
		const result = classify(
			"Schema 'PUBLIC' already exists, but current role has no privileges on it. If this is unexpected and you cannot resolve this problem, contact your system administrator."
		);
		expect(result.category).toBe('permission');
	});
});

describe('phrasing without a code', () => {
	it.each<[string, string, Category]>([
		[
			'an optional package of the Snowflake connector',
			'snowflake.connector.errors.MissingDependencyError: Missing optional dependency: pandas',
			'dependency'
		],
		[
			'the connector naming the package to install',
			"ProgrammingError: 255002: Optional dependency: 'pyarrow' is not installed, please see the following link for install instructions",
			'dependency'
		],
		[
			'a cluster library pip could not install',
			'java.lang.RuntimeException: ManagedLibraryInstallFailed: org.apache.spark.SparkException: Process List(/databricks/python/bin/pip, install, requests==9.9.9, --disable-pip-version-check) exited with code 1.',
			'dependency'
		],
		[
			"pip's version conflict report",
			"ERROR: pip's dependency resolver does not currently take into account all the packages that are installed.\nmlflow 2.9.0 requires pyarrow<15,>=4.0.0, but you have pyarrow 16.1.0 which is incompatible.",
			'dependency'
		],
		[
			'an ADF expression over an activity output that has no such property',
			'{ "errorCode": "InvalidTemplate", "message": "The expression \'activity(\'Lookup_Config\').output.value[0].path\' cannot be evaluated because property \'value\' doesn\'t exist, available properties are \'firstRow, effectiveIntegrationRuntime\'.", "failureType": "UserError", "target": "Copy_Files" }',
			'configuration'
		],
		[
			'an ADF pipeline that references an activity it does not define',
			"ErrorCode=InvalidTemplate, ErrorMessage=The template validation failed: 'The action(s) 'Lookup_Watermark' referenced by 'inputs' in action 'Copy_Delta' are not defined in the template'",
			'configuration'
		],
		[
			'a copy activity without its table',
			'Copy_Customers\nTable is required for Copy activity.',
			'configuration'
		],
		[
			'a connection string that does not parse',
			'System.ArgumentException: Format of the initialization string does not conform to specification starting at index 97.',
			'configuration'
		],
		[
			'a data source read without a format',
			'Py4JJavaError: An error occurred while calling o88.load.\n: java.lang.ClassNotFoundException: Failed to find data source: . Please find packages at https://spark.apache.org/third-party-projects.html',
			'configuration'
		],
		[
			'a data source whose package is missing (still a dependency)',
			'java.lang.ClassNotFoundException: Failed to find data source: com.crealytics.spark.excel. Please find packages at https://spark.apache.org/third-party-projects.html',
			'dependency'
		],
		[
			'a Great Expectations result that failed',
			'{\n  "success": false,\n  "result": {"element_count": 5120, "unexpected_count": 311},\n  "expectation_config": {"expectation_type": "expect_column_values_to_not_be_null", "kwargs": {"column": "customer_id"}}\n}',
			'data_quality'
		],
		[
			'a Great Expectations suite summary',
			'Expectation Suite `orders.warning` Failed\n\n4 of 12 (33.3%) Expectations Failed',
			'data_quality'
		],
		[
			'a BigQuery CSV load whose only failing row is the first',
			'google.api_core.exceptions.BadRequest: 400 Error while reading data, error message: CSV table encountered too many errors, giving up. Rows: 1; errors: 1. Please look into the errors[] collection for more details.',
			'configuration'
		],
		[
			'a BigQuery CSV load with bad rows further down (still data)',
			'google.api_core.exceptions.BadRequest: 400 Error while reading data, error message: CSV table encountered too many errors, giving up. Rows: 48211; errors: 1.',
			'data_quality'
		],
		[
			'a PolyBase load over its reject threshold',
			"ErrorCode=FailedDbOperation,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Error happened when loading data into Azure Synapse Analytics.,Source=Microsoft.DataTransfer.ClientLibrary,''Type=System.Data.SqlClient.SqlException,Message=Query aborted-- the maximum reject threshold (0 rows) was reached while reading from an external source: 1 rows rejected out of total 200 rows processed.,Source=.Net SqlClient Data Provider,'",
			'data_quality'
		],
		[
			'a Key Vault secret the connection names that is not there',
			"Arcus.Security.Core.SecretNotFoundException: 'The secret sql-password-prod was not found.'",
			'configuration'
		],
		[
			'a Snowflake warehouse stopped by its resource monitor',
			"Warehouse 'TRANSFORM_WH' cannot be resumed because resource monitor 'MONTHLY_CAP' has exceeded its quota.",
			'resource_exhausted'
		],
		[
			'a driver killed by the kernel (exit code 137)',
			'com.databricks.backend.common.rpc.DriverStoppedException: Driver down cause: driver state change (exit code: 137)',
			'resource_exhausted'
		],
		[
			'a Databricks termination reason without its code',
			'Cluster terminated.Reason:Network Configuration Failure\n\nThe data plane network is misconfigured. Please verify that the network for your data plane is configured correctly.',
			'cluster_launch'
		],
		[
			'a driver that never came up',
			'Spark failed to start: Driver unresponsive. Possible reasons: library conflicts, incorrect metastore configuration, and init script misconfiguration.',
			'cluster_launch'
		],
		[
			'an Azure SQL database that is not available (40613 without its number)',
			"Database 'sales' on server 'sql-prod' is not currently available. Please retry the connection later.",
			'connectivity'
		],
		[
			'a connection pooler that cannot reach its database',
			'psycopg2.OperationalError: ERROR:  pgbouncer cannot connect to server',
			'connectivity'
		],
		[
			'a DBFS path that does not exist',
			"AnalysisException: dbfs:/mnt/silver/customers doesn't exist;",
			'source_missing'
		],
		[
			'a Delta merge of incompatible types through delta-rs',
			'_internal.DeltaError: Generic DeltaTable error: External error: Arrow error: Invalid argument error: arguments need to have the same data type',
			'schema_mismatch'
		],
		[
			'a bulk load the server stopped reading',
			'com.microsoft.sqlserver.jdbc.SQLServerException: Bulk load data was expected but not sent. The batch will be terminated.',
			'data_quality'
		],
		[
			'a Scala reduce over an empty collection',
			'org.apache.spark.SparkException: Job aborted due to stage failure: Task 0 in stage 6.0 failed 4 times: java.lang.UnsupportedOperationException: empty.reduceLeft',
			'code_error'
		],
		['a dbt profile that does not exist', "profile null doesn't exist", 'configuration']
	])('%s', (_name, message, category) => {
		const result = classify(message);
		expect(result.category).toBe(category);
		expect(result.evidence.length).toBeGreaterThan(0);
	});
});

describe('messages that name their cause in words the catalogues do not list', () => {
	it.each<[string, string, Category]>([
		[
			'a dbt env_var that is not set',
			"Env var required but not provided: 'DBT_SNOWFLAKE_ROLE'",
			'configuration'
		],
		[
			'ADF 2103, a required property without a value',
			'{"errorCode": "2103", "message": "Please provide value for the required property \'sqlReaderQuery\'.", "failureType": "UserError"}',
			'configuration'
		],
		[
			'an Airflow Variable that does not exist',
			"KeyError: 'Variable etl_start_date does not exist'",
			'configuration'
		],
		[
			'a script called with arguments it does not know',
			'error: unrecognized arguments: --run-date 2024-01-01',
			'configuration'
		],
		[
			'a Parquet column whose type changed',
			'Parquet column cannot be converted in file abfss://raw@lake.dfs.core.windows.net/orders/part-0001.parquet. Column: [amount], Expected: decimal(18,2), Found: BINARY',
			'schema_mismatch'
		],
		[
			'a SqlBulkCopy column mapping that matches nothing',
			'The given ColumnMapping does not match up with any column in the source or destination.',
			'schema_mismatch'
		],
		[
			'SQL Server 213 without its number',
			'Column name or number of supplied values does not match table definition.',
			'schema_mismatch'
		],
		[
			'a Snowflake insert with one value too few',
			'Insert value list does not match column list expecting 12 but got 11',
			'schema_mismatch'
		],
		[
			'a BigQuery load into a table whose field changed type',
			'google.api_core.exceptions.BadRequest: 400 Provided Schema does not match Table project:dataset.orders. Field amount has changed type from NUMERIC to STRING',
			'schema_mismatch'
		],
		[
			'a BigQuery query over a column that is not there',
			'BigQuery error in query operation: Unrecognized name: customer_idd at [3:8]',
			'schema_mismatch'
		],
		[
			'a Delta write whose metadata differs',
			'[DELTA_METADATA_MISMATCH] A metadata mismatch was detected when writing to the Delta table. SQLSTATE: 42KDG',
			'schema_mismatch'
		],
		[
			'a JVM library built against another Spark',
			"java.lang.NoSuchMethodError: 'scala.collection.immutable.Seq org.apache.spark.sql.types.StructType.toAttributes()'",
			'dependency'
		],
		[
			'a pinned version pip cannot find',
			'ERROR: No matching distribution found for great-expectations==0.99.0',
			'dependency'
		],
		[
			'a Maven package Ivy cannot resolve',
			'unresolved dependency: com.microsoft.azure#spark-mssql-connector_2.12;1.4.0: not found',
			'dependency'
		],
		[
			'a module attribute removed in a newer version',
			"AttributeError: module 'numpy' has no attribute 'bool'",
			'dependency'
		],
		[
			'a host name that does not resolve',
			'java.net.UnknownHostException: myworkspace.cloud.databricks.com',
			'connectivity'
		],
		[
			'DNS failing in Python',
			'socket.gaierror: [Errno -3] Temporary failure in name resolution',
			'connectivity'
		],
		[
			'a connection dropped while writing',
			'java.net.SocketException: Broken pipe (Write failed)',
			'connectivity'
		],
		['no route to the host', 'OSError: [Errno 113] No route to host', 'connectivity'],
		[
			'a value the code cannot parse',
			"ValueError: could not convert string to float: 'N/A'",
			'data_quality'
		]
	])('%s', (_name, message, category) => {
		expect(classify(message).category).toBe(category);
	});
});

describe('codes no catalogue row knows, read from their names', () => {
	it.each<[string, Category | null]>([
		['UserErrorSinkTableNotExist', 'source_missing'],
		['UserErrorInvalidCredential', 'authentication'],
		['UserErrorConnectionStringInvalid', 'configuration'],
		['UserErrorColumnTypeNotSupported', 'schema_mismatch'],
		['UserErrorTypeConversionFailed', 'data_quality'],
		['UserErrorJreNotFound', 'dependency'],
		['DELTA_MISSING_TRANSACTION_LOG', 'source_missing'],
		['INTERNAL_ERROR', null],
		['UserErrorFailedFileOperation', null],
		['SqlOperationFailed', null],
		['2200', null]
	])('%s → %s', (code, category) => {
		expect(categoryFromCodeName(code)).toBe(category);
	});

	it('answers such a code with Medium confidence and says the category comes from its name', () => {
		const result = classify(
			"Operation on target Copy_Orders failed: Failure happened on 'Sink' side. ErrorCode=UserErrorSinkTableNotExist,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Detail unavailable.,Source=Microsoft.DataTransfer.ClientLibrary,'",
			'adf'
		);
		expect(result.category).toBe('source_missing');
		expect(result.confidence).toBe('Medium');
		expect(result.evidence.join('\n')).toMatch(/name/);
	});

	it('never answers a wrapper code alone with High confidence', () => {
		const result = classify(
			"Operation on target Copy_Orders failed: Failure happened on 'Sink' side. ErrorCode=SqlOperationFailed,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=A database operation failed. Please search error to get more details.,Source=Microsoft.DataTransfer.ClientLibrary,'",
			'adf'
		);
		expect(isHigh(result)).toBe(false);
		expect(result.evidence.some((line) => line.startsWith('not certain: '))).toBe(true);
	});
});

describe('more causes in words: Delta, dbt, SQL Server, Snowflake, BigQuery, ABFS', () => {
	it.each<[string, string, Category]>([
		[
			'a Delta path without a transaction log (a condition newer than the catalogue, read from its name)',
			'org.apache.spark.sql.delta.DeltaAnalysisException: [DELTA_MISSING_TRANSACTION_LOG] You are trying to read from `abfss://bronze@lake.dfs.core.windows.net/orders` using Delta, but there is no transaction log present.',
			'source_missing'
		],
		[
			'time travel to a vacuumed version',
			'org.apache.spark.sql.delta.VersionNotFoundException: Cannot time travel Delta table to version 5. Available versions: [10, 20].',
			'source_missing'
		],
		[
			'a path that holds no Delta table',
			'org.apache.spark.sql.AnalysisException: `abfss://silver@lake.dfs.core.windows.net/customers` is not a Delta table.',
			'source_missing'
		],
		[
			'a dbt adapter that is not installed',
			'Runtime Error\n  Could not find adapter type snowflake!',
			'dependency'
		],
		[
			'two dbt models with one name',
			'Compilation Error\n  dbt found two models with the name "orders".',
			'configuration'
		],
		[
			'a dbt profile missing a field',
			'Runtime Error\n  Credentials in profile "default", target "dev" invalid: \'database\' is a required property',
			'configuration'
		],
		[
			'a SQL Server foreign key conflict',
			'The INSERT statement conflicted with the FOREIGN KEY constraint "FK_orders_customers". The conflict occurred in database "sales", table "dbo.customers", column \'id\'.',
			'data_quality'
		],
		[
			'a SQL Server numeric overflow',
			'Arithmetic overflow error converting numeric to data type numeric.',
			'data_quality'
		],
		[
			'a Snowflake session without a database',
			"090106 (22000): Cannot perform SELECT. This session does not have a current database. Call 'USE DATABASE', or use a qualified name.",
			'configuration'
		],
		[
			'a BigQuery syntax error',
			'Syntax error: Expected end of input but got keyword SELECT at [3:1]',
			'code_error'
		],
		[
			'a BigQuery operator over mismatched types',
			'No matching signature for operator = for argument types: STRING, INT64. Supported signature: ANY = ANY at [5:9]',
			'code_error'
		],
		[
			'a BigQuery timestamp that does not parse',
			'Invalid timestamp string "2024-13-01 00:00:00"',
			'data_quality'
		],
		[
			'a BigQuery result too large to return',
			'Response too large to return. Consider specifying a destination table in your job configuration.',
			'resource_exhausted'
		],
		[
			'an ABFS account key that is not configured',
			'Failure to initialize configuration for storage account lake.dfs.core.windows.net: Invalid configuration value detected for fs.azure.account.key',
			'configuration'
		],
		[
			'an ABFS host that does not resolve ("error code: null" is no code)',
			'AbfsRestOperationException: Status code: -1 error code: null error message: Cannot resolve hostname: lake.dfs.core.windows.net',
			'connectivity'
		],
		[
			'Azure SQL 40197, a transient service error',
			'The service has encountered an error processing your request. Please try again. Error code 40197.',
			'connectivity'
		]
	])('%s', (_name, message, category) => {
		expect(classify(message).category).toBe(category);
	});
});
