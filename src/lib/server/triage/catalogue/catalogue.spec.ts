import { describe, expect, it } from 'vitest';
import { CATEGORIES, SEVERITIES } from '#lib/contracts/words.ts';
import { classifyOffline } from '../classifier.ts';
import { PHRASES } from '../phrases.ts';
import type { TriageInput } from '../types.ts';
import databricks from './generated/databricks.json' with { type: 'json' };
import dbt from './generated/dbt.json' with { type: 'json' };
import delta from './generated/delta.json' with { type: 'json' };
import greatExpectations from './generated/great-expectations.json' with { type: 'json' };
import snowflake from './generated/snowflake.json' with { type: 'json' };
import { HAND_ENTRIES } from './hand.ts';
import { CATALOGUE, lookup, STEPS_BY_CATEGORY, type CatalogueEntry } from './index.ts';
import { SQLSTATE_CLASSES, SQLSTATE_EXACT, SQLSTATE_SOURCE } from './sqlstate.ts';

/** Every table the classifier consults by code: the generated JSON files and the hand rows. */
const TABLES: Record<string, readonly CatalogueEntry[]> = {
	'generated/delta.json': delta as CatalogueEntry[],
	'generated/databricks.json': databricks as CatalogueEntry[],
	'generated/dbt.json': dbt as CatalogueEntry[],
	'generated/great-expectations.json': greatExpectations as CatalogueEntry[],
	'generated/snowflake.json': snowflake as CatalogueEntry[],
	'hand.ts': HAND_ENTRIES
};

/** The system every row of a generated table belongs to (the hand table holds several). */
const SYSTEM_OF: Record<string, string> = {
	'generated/delta.json': 'delta',
	'generated/databricks.json': 'databricks',
	'generated/dbt.json': 'dbt',
	'generated/great-expectations.json': 'great-expectations',
	'generated/snowflake.json': 'snowflake'
};

const CATEGORY_WORDS: readonly string[] = CATEGORIES;
const SEVERITY_WORDS: readonly string[] = SEVERITIES;

function isHttps(url: string): boolean {
	try {
		const parsed = new URL(url);
		return parsed.protocol === 'https:' && parsed.hostname.includes('.');
	} catch {
		return false;
	}
}

/** The steps an on-call engineer is shown for a row: its own, else its category's. */
function stepsOf(row: CatalogueEntry): readonly string[] {
	return row.steps ?? STEPS_BY_CATEGORY[row.category] ?? [];
}

/** Rows of a table that break a rule, named by code, so a failure lists them all at once. */
function offenders(rows: readonly CatalogueEntry[], ok: (row: CatalogueEntry) => boolean) {
	return rows.filter((row) => !ok(row)).map((row) => `${row.system}:${row.code}`);
}

describe.each(Object.entries(TABLES))('catalogue table %s', (table, rows) => {
	it('has rows', () => {
		expect(rows.length).toBeGreaterThan(5);
	});

	it('gives every row a category and a severity from the contract word lists', () => {
		expect(offenders(rows, (row) => CATEGORY_WORDS.includes(row.category))).toEqual([]);
		expect(offenders(rows, (row) => SEVERITY_WORDS.includes(row.severity))).toEqual([]);
	});

	it('gives every row a title and at least one non-empty next step', () => {
		expect(offenders(rows, (row) => row.code.trim() !== '' && row.title.trim() !== '')).toEqual([]);
		expect(
			offenders(
				rows,
				(row) => stepsOf(row).length > 0 && stepsOf(row).every((step) => step.trim().length > 10)
			)
		).toEqual([]);
	});

	it('gives every row an https source URL', () => {
		expect(offenders(rows, (row) => isHttps(row.source))).toEqual([]);
	});

	it('has each code once', () => {
		const seen = new Set<string>();
		const repeated = rows.filter((row) => {
			const key = `${row.system}:${row.code.toLowerCase()}`;
			if (seen.has(key)) return true;
			seen.add(key);
			return false;
		});
		expect(repeated.map((row) => `${row.system}:${row.code}`)).toEqual([]);
	});

	it('answers each row for its own code (no row shadowed by another one)', () => {
		expect(offenders(rows, (row) => lookup(row.code) === row)).toEqual([]);
	});

	if (SYSTEM_OF[table]) {
		it('holds rows of its own system only', () => {
			expect(offenders(rows, (row) => row.system === SYSTEM_OF[table])).toEqual([]);
		});
	}
});

describe('the catalogue as a whole', () => {
	it('is exactly the tables above', () => {
		expect(CATALOGUE.length).toBe(Object.values(TABLES).reduce((n, rows) => n + rows.length, 0));
	});

	it('has next steps for every category', () => {
		for (const category of CATEGORIES) {
			expect(STEPS_BY_CATEGORY[category].length, category).toBeGreaterThan(0);
		}
	});
});

describe('SQLSTATE classes', () => {
	const rows = [...Object.entries(SQLSTATE_EXACT), ...Object.entries(SQLSTATE_CLASSES)];

	it('map every state to a contract category and severity, with a meaning and a source', () => {
		expect(isHttps(SQLSTATE_SOURCE)).toBe(true);
		for (const [state, row] of rows) {
			expect(CATEGORY_WORDS, state).toContain(row.category);
			expect(SEVERITY_WORDS, state).toContain(row.severity);
			expect(row.meaning.trim(), state).not.toBe('');
			expect(state, 'a class is two characters, a state five').toMatch(
				/^[0-9A-Z]{2}(?:[0-9A-Z]{3})?$/
			);
		}
	});
});

describe('phrase rules', () => {
	it('give every phrase a contract category and severity, an https source and a unique id', () => {
		expect(PHRASES.length).toBeGreaterThan(5);
		for (const phrase of PHRASES) {
			expect(CATEGORY_WORDS, phrase.id).toContain(phrase.category);
			expect(SEVERITY_WORDS, phrase.id).toContain(phrase.severity);
			expect(isHttps(phrase.source), phrase.id).toBe(true);
		}
		expect(new Set(PHRASES.map((phrase) => phrase.id)).size).toBe(PHRASES.length);
	});
});

// ---------------------------------------------------------------------------------------------
// A representative row of each table, inside the wrapper it really arrives in.

const HDE = 'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException';
const AIRFLOW_TRACE =
	'[2024-06-01, 02:14:07 UTC] {taskinstance.py:1937} ERROR - Task failed with exception\nTraceback (most recent call last):\n';

interface Representative {
	table: string;
	/** The row's system (the hand table holds several). */
	system: string;
	code: string;
	source: TriageInput['source'];
	message: string;
}

const REPRESENTATIVES: Representative[] = [
	{
		table: 'generated/delta.json',
		system: 'delta',
		code: 'DELTA_FAILED_TO_MERGE_FIELDS',
		source: 'databricks',
		message:
			"py4j.protocol.Py4JJavaError: An error occurred while calling o412.save.\n: com.databricks.sql.transaction.tahoe.DeltaAnalysisException: [DELTA_FAILED_TO_MERGE_FIELDS] Failed to merge fields 'amount_eur' and 'amount_eur' SQLSTATE: 22005\n\tat com.databricks.sql.transaction.tahoe.DeltaErrorsBase.failedMergeFields(DeltaErrors.scala:1034)\n\tat com.databricks.sql.transaction.tahoe.schema.SchemaMergingUtils$.mergeSchemas(SchemaMergingUtils.scala:211)"
	},
	{
		table: 'generated/databricks.json',
		system: 'databricks',
		code: 'DRIVER_OUT_OF_MEMORY',
		source: 'adf',
		message:
			'Operation on target Notebook_Transform failed: Run failed with error message\n Cluster 0612-083015-abcd123 terminated. Reason: DRIVER_OUT_OF_MEMORY (CLIENT_ERROR). Parameters: databricks_error_message:The spark driver has stopped unexpectedly and is restarting.'
	},
	{
		table: 'generated/dbt.json',
		system: 'dbt',
		code: 'DbtProfileError',
		source: 'generic',
		message: `${AIRFLOW_TRACE}  File "/opt/airflow/dags/dbt_run.py", line 31, in run_dbt\n    res = runner.invoke(['run', '--select', 'fct_revenue'])\ndbt.exceptions.DbtProfileError: Runtime Error\n  Could not find profile named 'analytics'`
	},
	{
		table: 'generated/great-expectations.json',
		system: 'great-expectations',
		code: 'CheckpointNotFoundError',
		source: 'generic',
		message:
			"airflow.exceptions.AirflowException: Task failed. State: FAILED. Error: great_expectations.exceptions.exceptions.CheckpointNotFoundError: Could not find Checkpoint 'orders_daily' (or its configuration is invalid)."
	},
	{
		// The connector prints `errno: msg` when the error has no SQLSTATE (snowflake-connector-
		// python errors.py), as for every client-side check such as this one in connection.py.
		table: 'generated/snowflake.json',
		system: 'snowflake',
		code: '251006',
		source: 'generic',
		message: `${AIRFLOW_TRACE}  File "/opt/airflow/dags/load.py", line 42, in run\n    conn = snowflake.connector.connect(**params)\nsnowflake.connector.errors.ProgrammingError: 251006: Password is empty`
	},
	{
		table: 'hand.ts',
		system: 'adf',
		code: 'UserErrorInvalidColumnMappingColumnNotFound',
		source: 'adf',
		message: `Operation on target Copy_Orders failed: Failure happened on 'Sink' side. ErrorCode=UserErrorInvalidColumnMappingColumnNotFound,'${HDE},Message=Column 'CustomerID' specified in column mapping cannot be found in 'dbo.Customers' table.,Source=Microsoft.DataTransfer.ClientLibrary,'`
	},
	{
		table: 'hand.ts',
		system: 'sqlserver',
		code: '18456',
		source: 'adf',
		message: `Operation on target Copy_Sales failed: ErrorCode=SqlFailedToConnect,'${HDE},Message=Cannot connect to SQL Database: 'sql-crm-prod.database.windows.net', Database: 'crm', User: 'adf_loader'. Check the linked service configuration is correct, and make sure the SQL Database firewall allows the integration runtime to access.,Source=Microsoft.DataTransfer.ClientLibrary,''Type=System.Data.SqlClient.SqlException,Message=Login failed for user 'adf_loader'.,Source=.Net SqlClient Data Provider,SqlErrorNumber=18456,Class=14,ErrorCode=-2146232060,State=1,Errors=[{Class=14,Number=18456,State=1,Message=Login failed for user 'adf_loader'.,},],'`
	},
	{
		table: 'hand.ts',
		system: 'azure-storage',
		code: 'AuthorizationPermissionMismatch',
		source: 'adf',
		message: `Operation on target Copy_Orders failed: Failure happened on 'Source' side. ErrorCode=AdlsGen2OperationFailed,'${HDE},Message=ADLS Gen2 operation failed for: Operation returned an invalid status code 'Forbidden'. Account: 'stcontosodatalake'. FileSystem: 'raw'. Path: 'sales/2024/06/01/orders.csv'. ErrorCode: 'AuthorizationPermissionMismatch'. Message: 'This request is not authorized to perform this operation using this permission.'. RequestId: '5c1d9a7e-001f-0042-3a2b-1c0d9e000000'. TimeStamp: 'Sat, 01 Jun 2024 02:14:07 GMT'..,Source=Microsoft.DataTransfer.ClientLibrary,''Type=Microsoft.Azure.Storage.Data.Models.ErrorSchemaException,Message=Operation returned an invalid status code 'Forbidden',Source=Microsoft.DataTransfer.ClientLibrary,'`
	},
	{
		table: 'hand.ts',
		system: 'entra',
		code: 'AADSTS7000215',
		source: 'databricks',
		message:
			"Run 884213 failed with error message\n com.microsoft.aad.msal4j.MsalServiceException: AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '9b1de2f0-11aa-4c3b-8e7f-0c1d2e3f4a5b'. Trace ID: 0d6b7c1e-5f00 Correlation ID: 1a2b3c4d-9e8f Timestamp: 2024-06-01 02:14:07Z"
	},
	{
		table: 'hand.ts',
		system: 'keyvault',
		code: 'ForbiddenByPolicy',
		source: 'adf',
		message:
			"Operation on target Get_Secret failed: Operation returned an invalid status code 'Forbidden'. The user, group or application 'appid=1b2c;oid=9f8e' does not have secrets get permission on key vault 'kv-data-prod;location=westeurope'. Code: Forbidden, InnerError: ForbiddenByPolicy"
	},
	{
		table: 'hand.ts',
		system: 'spark',
		code: 'TABLE_OR_VIEW_NOT_FOUND',
		source: 'databricks',
		message:
			'run failed with error message\n Cell 4 raised: pyspark.errors.exceptions.captured.AnalysisException: [TABLE_OR_VIEW_NOT_FOUND] The table or view `main`.`sales`.`orders` cannot be found. Verify the spelling and correctness of the schema and catalog. SQLSTATE: 42P01; line 1 pos 14;'
	},
	{
		table: 'hand.ts',
		system: 'bigquery',
		code: 'rateLimitExceeded',
		source: 'generic',
		message: `${AIRFLOW_TRACE}  File "/opt/airflow/dags/load.py", line 42, in run\ngoogle.api_core.exceptions.Forbidden: 403 Exceeded rate limits: too many table update operations for this table. For more information, see https://cloud.google.com/bigquery/docs/troubleshoot-quotas; reason: rateLimitExceeded, location: table.write, message: Exceeded rate limits: too many table update operations for this table.`
	},
	{
		table: 'hand.ts',
		system: 'databricks',
		code: 'REQUEST_LIMIT_EXCEEDED',
		source: 'databricks',
		message:
			'databricks.sdk.errors.platform.TooManyRequests: REQUEST_LIMIT_EXCEEDED: ListJobsRequest RPC token bucket limit has been exceeded.'
	},
	{
		table: 'hand.ts',
		system: 'airflow',
		code: 'AirflowTaskTimeout',
		source: 'generic',
		message: `${AIRFLOW_TRACE}  File "/home/airflow/.local/lib/python3.11/site-packages/airflow/models/taskinstance.py", line 465, in _execute_task\n    result = _execute_callable(context=context, **execute_callable_kwargs)\nairflow.exceptions.AirflowTaskTimeout: Timeout, PID: 4123`
	},
	{
		// Same case-insensitive code as BigQuery's internalError: each must keep its own row.
		table: 'hand.ts',
		system: 'azure-storage',
		code: 'InternalError',
		source: 'adf',
		message:
			'Operation on target Copy_Orders failed: Status: 500 (The server encountered an internal error. Please retry the request.) ErrorCode: InternalError'
	}
];

describe('a representative row of each table, as the classifier meets it', () => {
	it('covers every table and every system of the hand table', () => {
		expect(new Set(REPRESENTATIVES.map((r) => r.table))).toEqual(new Set(Object.keys(TABLES)));
		expect(
			new Set(REPRESENTATIVES.filter((r) => r.table === 'hand.ts').map((r) => r.system))
		).toEqual(new Set(HAND_ENTRIES.map((row) => row.system)));
	});

	it.each(REPRESENTATIVES)('$table: $system $code', ({ table, system, code, source, message }) => {
		const row = TABLES[table]!.find((r) => r.code === code && r.system === system);
		if (!row) throw new Error(`${table} has no row ${system}:${code}`);
		const result = classifyOffline({
			source,
			pipeline: 'pl_representative',
			resource: null,
			errorMessage: message,
			errorCode: null,
			failureType: null
		});
		const said = JSON.stringify(result, null, 2);
		expect(result.category, said).toBe(row.category);
		expect(result.recommendations.length, said).toBeGreaterThan(0);
		// Explainable: the evidence names the code or the phrase that decided, and links a source.
		expect(
			result.evidence.some((line) => line.includes(code) || line.startsWith('matched "')),
			said
		).toBe(true);
		expect(
			result.evidence.some(
				(line) => /^(?:known pattern: )?https:\/\//.test(line) || /\(https:\/\//.test(line)
			),
			said
		).toBe(true);
		if (row.category === 'unknown') {
			expect(result.confidence, said).toBe('Low');
			// The catalogue entry it cites is the row of the system that sent the code.
			expect(result.evidence.join('\n'), said).toContain(row.source);
		} else {
			expect(result.severity, said).toBe(row.severity);
		}
	});
});
