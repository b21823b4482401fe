/**
 * Builds tests/triage-corpus/catalogue.jsonl from the catalogue rows that carry a message
 * template: placeholders filled with realistic values, and each message also wrapped the way
 * ADF, Databricks, PySpark and Airflow wrap errors. Deterministic (no randomness).
 *
 *   npx node scripts/triage/build-corpus.ts
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE, type CatalogueEntry } from '../../src/lib/server/triage/catalogue/index.ts';
import { CORPUS_DIR, type CorpusItem } from './corpus.ts';

function pick<T>(seed: string, options: readonly T[]): T {
	const n = createHash('sha1').update(seed).digest().readUInt32BE(0);
	return options[n % options.length]!;
}

const VALUES: Record<string, readonly string[]> = {
	table: ['sales.orders', 'dim_customer', 'stg_payments', 'finance.gl_entries', 'events_raw'],
	column: ['customer_id', 'order_date', 'amount_eur', 'ship_country', 'event_ts'],
	column2: ['customerid', 'order_dt'],
	path: [
		'landing/sales/2024/06/01/orders.csv',
		'raw/events/dt=2024-06-01/part-00000.parquet',
		'/mnt/bronze/crm/accounts.json'
	],
	container: ['landing', 'raw', 'bronze'],
	filesystem: ['raw', 'curated'],
	account: ['stcontosodatalake', 'stsalesprod01'],
	server: ['sql-crm-prod.database.windows.net', 'sqlsrv-finance-weu.database.windows.net'],
	database: ['crm', 'finance_dw', 'sales'],
	user: ['adf_loader', 'svc_etl', 'pipeline_user@contoso.com'],
	schema: ['bronze', 'silver', 'default'],
	catalog: ['main', 'prod', 'hive_metastore'],
	value: ['2024-13-45', 'N/A', '12,50', 'abc', '9999999999'],
	secret: ['sql-password', 'storage-key', 'sp-client-secret'],
	vault: ['kv-data-prod', 'kv-etl-weu'],
	host: ['sftp.partner.example', '10.20.4.17'],
	port: ['1521', '5432', '22'],
	ip: ['20.61.14.3', '52.174.9.200'],
	uuid: ['3f2c9a1e-7b4d-4c0a-9d55-1a2b3c4d5e6f', '9b1de2f0-11aa-4c3b-8e7f-0c1d2e3f4a5b'],
	tenant: ['contoso.onmicrosoft.com', '72f988bf-86f1-41af-91ab-2d7cd011db47'],
	clusterId: ['0612-083015-abcd123', '1104-101512-xyz789'],
	runId: ['884213', '1029384'],
	project: ['contoso-analytics', 'acme-dw'],
	dataset: ['sales', 'staging'],
	url: ['https://api.partner.example/v1/orders', 'https://func-ingest.azurewebsites.net/api/load'],
	model: ['stg_orders', 'fct_revenue'],
	task: ['load_orders', 'transform_sales'],
	dag: ['daily_sales', 'crm_sync'],
	conn: ['snowflake_default', 'azure_data_factory_conn'],
	ir: ['shir-onprem-01', 'SelfHostedIR'],
	function: ['LoadOrders', 'Transform'],
	name: ['parse_amount', 'my_udf', 'delta'],
	detail: ['see the driver log for details', 'unexpected end of stream'],
	date: ['2024-06-01T02:00:00+00:00'],
	sqlState: ['08001', 'HY000', '22000']
};

function fill(template: string, seed: string): string {
	return template.replace(/<([A-Za-z][\w.-]*)>/g, (_, name: string) => {
		const key = name.replace(/[^A-Za-z0-9]/g, '');
		const options = VALUES[key] ?? VALUES[key.toLowerCase()];
		if (options) return pick(`${seed}:${key}`, options);
		// Unknown placeholders read as identifiers, as they would in a live message.
		return `${key.toLowerCase()}_${pick(`${seed}:${key}`, ['a1', 'b7', 'c3'])}`;
	});
}

type Wrap = (message: string, entry: CatalogueEntry, seed: string) => string;

const ACTIVITY = [
	'Copy_Orders',
	'Lookup_Watermark',
	'Notebook_Transform',
	'DataFlow_Merge',
	'Copy_Customers'
];
const wrapAdf: Wrap = (message, entry, seed) => {
	const target = pick(seed, ACTIVITY);
	if (entry.system === 'sqlserver') {
		const number = /^-?\d+$/.test(entry.code) ? entry.code : '50000';
		const text = message.replace(/\s*\((?:Microsoft SQL Server, )?Error: -?\d+\)$/, '');
		return `Operation on target ${target} failed: Failure happened on 'Source' side. ErrorCode=SqlOperationFailed,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=A database operation failed with the following error: '${text}',Source=,''Type=System.Data.SqlClient.SqlException,Message=${text},Source=.Net SqlClient Data Provider,SqlErrorNumber=${number},Class=14,ErrorCode=-2146232060,State=1,Errors=[{Class=14,Number=${number},State=1,Message=${text},},],'`;
	}
	if (message.startsWith('ErrorCode=')) {
		const side = pick(`${seed}:side`, ['Source', 'Sink']);
		return `Operation on target ${target} failed: Failure happened on '${side}' side. ${message}`;
	}
	return `Operation on target ${target} failed: ${message}`;
};
const wrapSpark: Wrap = (message, _entry, seed) =>
	pick(seed, [
		`Py4JJavaError: An error occurred while calling o${pick(seed + 'o', ['123', '87', '412'])}.saveAsTable.\n: org.apache.spark.sql.AnalysisException: ${message}\n\tat org.apache.spark.sql.errors.QueryCompilationErrors$.failAnalysis(QueryCompilationErrors.scala:142)`,
		`pyspark.errors.exceptions.captured.AnalysisException: ${message}`,
		`run failed with error message\n Cell 4 raised: ${message}`,
		`com.databricks.sql.transaction.tahoe.DeltaAnalysisException: ${message}\n\tat com.databricks.sql.transaction.tahoe.DeltaErrorsBase.x(DeltaErrors.scala:99)`
	]);
const wrapAirflow: Wrap = (message, _entry, seed) =>
	pick(seed, [
		`airflow.exceptions.AirflowException: Task failed. State: FAILED. Error: ${message}`,
		`[2024-06-01, 02:14:07 UTC] {taskinstance.py:1937} ERROR - Task failed with exception\nTraceback (most recent call last):\n  File "/opt/airflow/dags/load.py", line 42, in run\nAirflowException: ${message}`
	]);
const wrapDatabricksJob: Wrap = (message, _entry, seed) =>
	pick(seed, [
		`Run ${pick(seed + 'r', VALUES.runId!)} failed with error message\n ${message}`,
		`airflow.exceptions.AirflowException: Job run failed with terminal state: {'life_cycle_state': 'INTERNAL_ERROR', 'result_state': 'FAILED', 'state_message': '${message.replace(/'/g, '"')}'}`
	]);

function wrapFor(entry: CatalogueEntry): [Wrap, CorpusItem['pipelineSource']] {
	switch (entry.system) {
		case 'adf':
		case 'sqlserver':
		case 'azure-storage':
		case 'keyvault':
		case 'entra':
			return [wrapAdf, 'adf'];
		case 'spark':
		case 'delta':
			return [wrapSpark, 'databricks'];
		case 'databricks':
			return [wrapDatabricksJob, 'databricks'];
		default:
			return [wrapAirflow, 'generic'];
	}
}

function templateOf(entry: CatalogueEntry): string | null {
	if (entry.template) return entry.template;
	if (entry.system === 'dbt')
		return `Runtime Error in model <model> (models/<model>.sql)\n  dbt.exceptions.${entry.code}: ${entry.title}`;
	if (entry.system === 'great-expectations')
		return `great_expectations.exceptions.exceptions.${entry.code}: ${entry.title}`;
	return null;
}

const items: CorpusItem[] = [];
for (const entry of CATALOGUE) {
	const template = templateOf(entry);
	if (!template) continue;
	const group = `${entry.system}:${entry.code}`;
	const message = fill(template, group);
	const [wrap, pipelineSource] = wrapFor(entry);
	const base = {
		group,
		system: entry.system,
		source: entry.source,
		label: entry.category,
		pipelineSource
	};
	items.push({ id: `${group}#plain`, kind: 'catalogue', ...base, message });
	items.push({
		id: `${group}#wrapped`,
		kind: 'wrapped',
		...base,
		message: wrap(message, entry, group)
	});
	if (entry.system === 'sqlserver') {
		// pyodbc, as Python tasks and Airflow's MsSql hook print it.
		const text = message.replace(/\s*\((?:Microsoft SQL Server, )?Error: -?\d+\)$/, '');
		items.push({
			id: `${group}#odbc`,
			kind: 'wrapped',
			...base,
			pipelineSource: 'generic',
			message: `pyodbc.Error: ('HY000', "[HY000] [Microsoft][ODBC Driver 18 for SQL Server][SQL Server]${text.replace(/"/g, "'")} (${entry.code}) (SQLExecDirectW)")`
		});
	}
}
writeFileSync(
	join(CORPUS_DIR, 'catalogue.jsonl'),
	items.map((item) => JSON.stringify(item)).join('\n') + '\n'
);
console.log(
	`catalogue.jsonl: ${items.length} messages from ${new Set(items.map((i) => i.group)).size} catalogue rows`
);
