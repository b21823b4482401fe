import { describe, expect, it } from 'vitest';
import { classifyOffline } from './classifier.ts';
import type { Category, TriageInput } from './types.ts';

/**
 * Azure Data Factory failures as ADF reports them (the `ErrorCode=…,'Type=…,Message=…'` wrapping
 * of activity errors), with the Microsoft troubleshooting page each pattern is documented on.
 */

const LEARN = 'https://learn.microsoft.com/en-us/azure/data-factory';
const HDE = 'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException';
const CLIENT = 'Source=Microsoft.DataTransfer.ClientLibrary';

interface Case {
	doc: string;
	message: string;
	errorCode?: string;
	errorType: string;
	category: Category;
	entity?: string;
}

const CASES: Case[] = [
	{
		doc: `Troubleshoot the Azure Blob Storage connector — ${LEARN}/connector-troubleshoot-azure-blob-storage`,
		errorCode: '2200',
		message: `ErrorCode=UserErrorSourceBlobNotExists,'${HDE},Message=The required Blob is missing. ContainerName: https://stsalesrawweu.blob.core.windows.net/landing, path: orders/2026/10/14/orders_20261014.csv.,${CLIENT},'`,
		errorType: 'UserErrorSourceBlobNotExists',
		category: 'source_missing',
		entity:
			'https://stsalesrawweu.blob.core.windows.net/landing/orders/2026/10/14/orders_20261014.csv'
	},
	{
		doc: `Troubleshoot the Azure Data Lake Storage connectors — ${LEARN}/connector-troubleshoot-azure-data-lake`,
		message: `Operation on target Copy_Sales failed: ErrorCode=UserErrorFileNotFound,'${HDE},Message=ADLS Gen2 operation failed for: Operation returned an invalid status code 'NotFound'. Account: 'adlssalesprod'. FileSystem: 'raw'. Path: 'sales/2026/10/14/sales.parquet'. ErrorCode: 'PathNotFound'. Message: 'The specified path does not exist.'.,${CLIENT},'`,
		errorType: 'UserErrorFileNotFound',
		category: 'source_missing',
		entity: 'adlssalesprod/raw/sales/2026/10/14/sales.parquet'
	},
	{
		doc: `Troubleshoot the Azure Data Lake Storage connectors — ${LEARN}/connector-troubleshoot-azure-data-lake`,
		message: `ErrorCode=ADLSGen2OperationFailed,'${HDE},Message=ADLS Gen2 operation failed for: Operation returned an invalid status code 'Forbidden'. Account: 'adlsfinprod'. FileSystem: 'curated'. Path: 'finance/gl'. ErrorCode: 'AuthorizationPermissionMismatch'. Message: 'This request is not authorized to perform this operation using this permission.'.,${CLIENT},'`,
		errorType: 'AuthorizationPermissionMismatch',
		category: 'permission',
		entity: 'adlsfinprod/curated/finance/gl'
	},
	{
		doc: 'Common REST API error codes (Azure Storage) — https://learn.microsoft.com/en-us/rest/api/storageservices/common-rest-api-error-codes',
		message:
			'The remote server returned an error: (403) Forbidden. ErrorCode: AuthorizationFailure. This request is not authorized to perform this operation.',
		errorType: 'AuthorizationFailure',
		// What the storage firewall answers; a missing role says AuthorizationPermissionMismatch.
		category: 'connectivity'
	},
	{
		doc: 'Common REST API error codes (Azure Storage) — https://learn.microsoft.com/en-us/rest/api/storageservices/common-rest-api-error-codes',
		message:
			'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
		errorType: 'AuthenticationFailed',
		category: 'authentication'
	},
	{
		doc: `Troubleshoot the Azure Synapse Analytics, Azure SQL Database, and SQL Server connectors — ${LEARN}/connector-troubleshoot-synapse-sql`,
		message: `Operation on target Copy_Customers failed: ErrorCode=SqlFailedToConnect,'${HDE},Message=Cannot connect to SQL Database. Please contact SQL server team for further support. Server: 'sql-crm-prod.database.windows.net', Database: 'crm', User: 'adf_loader'. Check the linked service configuration is correct, and make sure the SQL Database firewall allows the integration runtime to access.,${CLIENT},''Type=Microsoft.Data.SqlClient.SqlException,Message=Login timeout expired,Source=Framework Microsoft SqlClient Data Provider,'`,
		errorType: 'SqlFailedToConnect',
		category: 'connectivity',
		entity: 'sql-crm-prod.database.windows.net'
	},
	{
		doc: `Troubleshoot the Azure Synapse Analytics, Azure SQL Database, and SQL Server connectors — ${LEARN}/connector-troubleshoot-synapse-sql`,
		message: `ErrorCode=SqlUnauthorizedAccess,'${HDE},Message=Cannot connect to 'AzureSqlDatabase'. Detail Message: 'Login failed for user 'adf_loader'.',${CLIENT},'`,
		errorType: 'SqlUnauthorizedAccess',
		category: 'authentication'
	},
	{
		doc: `Troubleshoot the Azure Synapse Analytics, Azure SQL Database, and SQL Server connectors — ${LEARN}/connector-troubleshoot-synapse-sql`,
		message: `ErrorCode=SqlInvalidColumnName,'${HDE},Message=Column 'CustomerSegment' does not exist in the table 'dbo.DimCustomer', ServerName: 'sql-dwh-prod.database.windows.net', DatabaseName: 'dwh'.,${CLIENT},'`,
		errorType: 'SqlInvalidColumnName',
		category: 'schema_mismatch',
		entity: 'dbo.DimCustomer'
	},
	{
		doc: 'MSSQLSERVER_2627 — https://learn.microsoft.com/en-us/sql/relational-databases/errors-events/mssqlserver-2627-database-engine-error',
		message: `Failure happened on 'Sink' side. ErrorCode=SqlOperationFailed,'${HDE},Message=A database operation failed. Please search error to get more details.,${CLIENT},''Type=System.Data.SqlClient.SqlException,Message=Violation of PRIMARY KEY constraint 'PK_Customers'. Cannot insert duplicate key in object 'dbo.Customers'. The duplicate key value is (1042).,Source=.Net SqlClient Data Provider,SqlErrorNumber=2627,Class=14,'`,
		errorType: 'SqlPrimaryKeyViolation',
		category: 'data_quality',
		entity: 'dbo.Customers'
	},
	{
		doc: `Troubleshoot the Azure Synapse Analytics, Azure SQL Database, and SQL Server connectors — ${LEARN}/connector-troubleshoot-synapse-sql`,
		message: `ErrorCode=SqlOperationFailed,'${HDE},Message=A database operation failed. Please search error to get more details.,${CLIENT},''Type=System.Data.SqlClient.SqlException,Message=Incorrect syntax near 'WHERE'.,Source=.Net SqlClient Data Provider,SqlErrorNumber=102,Class=15,'`,
		errorType: 'SqlOperationFailed',
		category: 'code_error'
	},
	{
		doc: `Troubleshoot the Azure Synapse Analytics, Azure SQL Database, and SQL Server connectors — ${LEARN}/connector-troubleshoot-synapse-sql`,
		message: `ErrorCode=SqlBatchWriteTimeout,'${HDE},Message=Timeouts in SQL write operation.,${CLIENT},'`,
		errorType: 'SqlBatchWriteTimeout',
		category: 'timeout'
	},
	{
		doc: `Troubleshoot the Azure Synapse Analytics, Azure SQL Database, and SQL Server connectors — ${LEARN}/connector-troubleshoot-synapse-sql`,
		message: `ErrorCode=SqlBulkCopyInvalidColumnLength,'${HDE},Message=SQL Bulk Copy failed due to receive an invalid column length from the bcp client.,${CLIENT},'`,
		errorType: 'SqlBulkCopyInvalidColumnLength',
		category: 'data_quality'
	},
	{
		doc: `Troubleshoot the delimited text format connector — ${LEARN}/connector-troubleshoot-delimited-text`,
		message: `ErrorCode=DelimitedTextColumnNameNotAllowNull,'${HDE},Message=The name of column index 3 is empty. Make sure column name is properly specified in the header row.,${CLIENT},'`,
		errorType: 'DelimitedTextColumnNameNotAllowNull',
		category: 'data_quality'
	},
	{
		doc: `Troubleshoot the delimited text format connector — ${LEARN}/connector-troubleshoot-delimited-text`,
		message: `ErrorCode=DelimitedTextMoreColumnsThanDefined,'${HDE},Message=Error found when processing 'Csv/Tsv Format Text' source 'orders_20261014.csv' with row number 2: found more columns than expected column count 5.,${CLIENT},'`,
		errorType: 'DelimitedTextMoreColumnsThanDefined',
		category: 'data_quality',
		entity: 'orders_20261014.csv'
	},
	{
		doc: `Troubleshoot the Parquet format connector — ${LEARN}/connector-troubleshoot-parquet`,
		message: `ErrorCode=ParquetJavaInvocationException,'${HDE},Message=An error occurred when invoking java, message: java.lang.OutOfMemoryError:Java heap space total entry:1 java.util.ArrayDeque.doubleCapacity(Unknown Source).,${CLIENT},'`,
		errorType: 'ParquetJavaInvocationException',
		category: 'resource_exhausted'
	},
	{
		doc: `Troubleshoot connectors (general copy activity errors) — ${LEARN}/connector-troubleshoot-guide`,
		message: `ErrorCode=JreNotFound,'${HDE},Message=Java Runtime Environment cannot be found on the Self-hosted Integration Runtime machine. It is required for parsing or writing to Parquet/ORC files. Make sure Java Runtime Environment has been installed on the Self-hosted Integration Runtime machine.,${CLIENT},'`,
		errorType: 'JreNotFound',
		category: 'dependency'
	},
	{
		doc: `Troubleshoot the FTP, SFTP and HTTP connectors — ${LEARN}/connector-troubleshoot-ftp-sftp-http`,
		message: `ErrorCode=SftpInvalidSftpCredential,'${HDE},Message=Invalid SFTP credential provided for 'SshPublicKey' authentication type.,${CLIENT},'`,
		errorType: 'SftpInvalidSftpCredential',
		category: 'authentication'
	},
	{
		doc: `Troubleshoot the FTP, SFTP and HTTP connectors — ${LEARN}/connector-troubleshoot-ftp-sftp-http`,
		message: `ErrorCode=SftpFailedToConnectToSftpServer,'${HDE},Message=Failed to connect to SFTP server 'sftp.partner.example'.,${CLIENT},'`,
		errorType: 'SftpFailedToConnectToSftpServer',
		category: 'connectivity'
	},
	{
		doc: `Troubleshoot the Snowflake connector — ${LEARN}/connector-troubleshoot-snowflake`,
		message:
			'ERROR [HY000] [Microsoft][Snowflake] (4) REST request for URL https://contoso.snowflakecomputing.com/session/v1/login-request failed: IP 20.61.14.7 is not allowed to access Snowflake. Contact your local security administrator.',
		errorType: 'SnowflakeIpNotAllowed',
		category: 'connectivity'
	},
	{
		doc: `Troubleshoot Azure Data Factory and Synapse pipelines (Azure Databricks, 3200) — ${LEARN}/data-factory-troubleshoot-guide`,
		errorCode: '3200',
		message: 'Error 403.',
		errorType: 'DatabricksAccessTokenExpired',
		category: 'authentication'
	},
	{
		doc: `Troubleshoot Azure Data Factory and Synapse pipelines (Azure Databricks, 3202) — ${LEARN}/data-factory-troubleshoot-guide`,
		message:
			'There were already 1000 jobs created in past 3600 seconds, exceeding rate limit: 1000 job creations per 3600 seconds.',
		errorType: 'DatabricksJobRateLimit',
		category: 'throttling'
	},
	{
		doc: `Troubleshoot Azure Data Factory and Synapse pipelines (Azure Databricks, 3203) — ${LEARN}/data-factory-troubleshoot-guide`,
		errorCode: '3203',
		message:
			'The cluster is in Terminated state, not available to receive jobs. Please fix the cluster or retry later.',
		errorType: 'DatabricksClusterTerminated',
		category: 'cluster_launch'
	},
	{
		doc: `Troubleshoot Azure Data Factory and Synapse pipelines (Azure Databricks, 3208) — ${LEARN}/data-factory-troubleshoot-guide`,
		errorCode: '3208',
		message: 'An error occurred while sending the request.',
		errorType: 'DatabricksRequestFailed',
		category: 'connectivity'
	},
	{
		doc: `Troubleshoot Azure Data Factory and Synapse pipelines (Web activity, 2108) — ${LEARN}/data-factory-troubleshoot-guide`,
		errorCode: '2108',
		message:
			"Error calling the endpoint 'https://api.contoso.example/v1/orders'. Response status code: 'ClientSideException HttpStatusCode : 404, HttpStatusString: NotFound'.",
		errorType: 'WebActivityEndpointCallFailed',
		category: 'configuration',
		entity: 'https://api.contoso.example/v1/orders'
	},
	{
		doc: `Troubleshoot Azure Data Factory and Synapse pipelines (Web activity, 2108) — ${LEARN}/data-factory-troubleshoot-guide`,
		errorCode: '2108',
		message:
			"Error calling the endpoint 'https://api.contoso.example/v1/token'. Response status code: 'ClientSideException HttpStatusCode : 401, HttpStatusString: Unauthorized'.",
		errorType: 'WebActivityEndpointCallFailed',
		category: 'authentication'
	},
	{
		doc: `Troubleshoot Azure Data Factory and Synapse pipelines (Web activity, 2128) — ${LEARN}/data-factory-troubleshoot-guide`,
		errorCode: '2128',
		message:
			'No response from the endpoint. Possible causes: network connectivity, DNS failure, server certificate validation or timeout.',
		errorType: 'WebActivityNoResponse',
		category: 'connectivity'
	},
	{
		doc: `Troubleshoot pipeline orchestration and triggers — ${LEARN}/pipeline-trigger-troubleshoot-guide`,
		message:
			'Operation on target ForEach_Tables failed: Activity failed because an inner activity failed',
		errorType: 'InnerActivityFailed',
		category: 'upstream',
		entity: 'ForEach_Tables'
	},
	{
		doc: `Troubleshoot pipeline orchestration and triggers — ${LEARN}/pipeline-trigger-troubleshoot-guide`,
		message:
			"Type=Microsoft.DataTransfer.Execution.Core.ExecutionException,Message=There are substantial concurrent MappingDataflow executions which is causing failures due to throttling under Integration Runtime 'AutoResolveIntegrationRuntime'.",
		errorType: 'MappingDataFlowConcurrencyThrottled',
		category: 'throttling',
		entity: 'AutoResolveIntegrationRuntime'
	},
	{
		doc: `Troubleshoot self-hosted integration runtime — ${LEARN}/self-hosted-integration-runtime-troubleshoot-guide`,
		message:
			"Operation on target Copy_OnPrem_Orders failed: The self-hosted integration runtime 'shir-onprem-01' is offline.",
		errorType: 'SelfHostedIntegrationRuntimeOffline',
		category: 'connectivity',
		entity: 'shir-onprem-01'
	},
	{
		doc: `Troubleshoot mapping data flows — ${LEARN}/data-flow-troubleshoot-guide`,
		message:
			'{"StatusCode":"DF-Executor-OutOfMemoryError","Message":"Job failed due to reason: Cluster ran into out of memory issue during execution, please retry using an integration runtime with bigger core count and/or memory optimized compute type","Details":""}',
		errorType: 'DF-Executor-OutOfMemoryError',
		category: 'resource_exhausted'
	},
	{
		doc: `Troubleshoot mapping data flows — ${LEARN}/data-flow-troubleshoot-guide`,
		message:
			'{"StatusCode":"DF-Executor-SourceInvalidPayload","Message":"Job failed due to reason: Data preview, debug, and pipeline data flow execution failed because container does not exist","Details":""}',
		errorType: 'DF-Executor-SourceInvalidPayload',
		category: 'source_missing'
	},
	{
		doc: `Troubleshoot mapping data flows — ${LEARN}/data-flow-troubleshoot-guide`,
		message:
			'{"StatusCode":"DF-Executor-BroadcastTimeout","Message":"Job failed due to reason: Broadcast join timeout error, make sure broadcast stream produces data within 60 secs in debug runs and 300 secs in job runs","Details":""}',
		errorType: 'DF-Executor-BroadcastTimeout',
		category: 'timeout'
	},
	{
		doc: `Troubleshoot mapping data flows — ${LEARN}/data-flow-troubleshoot-guide`,
		message:
			'{"StatusCode":"DF-Executor-ColumnUnavailable","Message":"Job failed due to reason: Column name used in expression is unavailable or invalid","Details":""}',
		errorType: 'DF-Executor-ColumnUnavailable',
		category: 'schema_mismatch'
	},
	{
		doc: `Troubleshoot mapping data flows — ${LEARN}/data-flow-troubleshoot-guide`,
		message:
			'{"StatusCode":"DF-Executor-Conversion","Message":"Job failed due to reason: Converting to a date or time failed due to an invalid character","Details":""}',
		errorType: 'DF-Executor-Conversion',
		category: 'data_quality'
	},
	{
		doc: `Troubleshoot mapping data flows — ${LEARN}/data-flow-troubleshoot-guide`,
		message:
			'{"StatusCode":"DF-Executor-RemoteRPCClientDisassociated","Message":"Job failed due to reason: Job aborted due to stage failure: Remote RPC client disassociated. Likely due to containers exceeding thresholds, or network issues.","Details":""}',
		errorType: 'DF-Executor-RemoteRPCClientDisassociated',
		category: 'resource_exhausted'
	},
	{
		doc: `Store credentials in Azure Key Vault — ${LEARN}/store-credentials-in-key-vault`,
		message:
			"Failed to get the secret from key vault, secretName: sql-password. The user, group or application 'appid=3c1a2b4d-0000-4e5f-8a9b-1c2d3e4f5a6b;oid=9f8e7d6c-0000-4b3a-8c9d-0e1f2a3b4c5d;iss=https://sts.windows.net/72f988bf-0000-41af-91ab-2d7cd011db47/' does not have secrets get permission on key vault 'kv-dataplatform-prod;location=westeurope'.",
		errorType: 'KeyVaultAccessDenied',
		category: 'permission',
		entity: 'kv-dataplatform-prod'
	},
	{
		doc: `Store credentials in Azure Key Vault — ${LEARN}/store-credentials-in-key-vault`,
		message:
			'A secret with (name/id) sql-crm-password was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command.',
		errorType: 'KeyVaultSecretNotFound',
		category: 'configuration'
	},
	{
		doc: 'Common REST API error codes (Azure Storage, ServerBusy) — https://learn.microsoft.com/en-us/rest/api/storageservices/common-rest-api-error-codes',
		message:
			'Operation on target Copy_Events failed: The remote server returned an error: (429) Too Many Requests.',
		errorType: 'TooManyRequests',
		category: 'throttling'
	},
	{
		doc: 'Common REST API error codes (Azure Storage, OperationTimedOut) — https://learn.microsoft.com/en-us/rest/api/storageservices/common-rest-api-error-codes',
		message: 'Operation on target Copy_Events failed: The operation has timed out.',
		errorType: 'OperationTimedOut',
		category: 'timeout'
	}
];

function adf(message: string, errorCode: string | null = null): TriageInput {
	return {
		source: 'adf',
		pipeline: 'pl_load_customer_dim',
		resource: 'adf-crm-prod-neu',
		errorMessage: message,
		errorCode,
		failureType: 'UserError'
	};
}

function messageOf(errorType: string): string {
	const found = CASES.find((c) => c.errorType === errorType);
	if (!found) throw new Error(`no case for ${errorType}`);
	return found.message;
}

describe('classifyOffline on Azure Data Factory errors', () => {
	it.each(CASES)('$errorType / $category ← $doc', (c) => {
		const result = classifyOffline(adf(c.message, c.errorCode ?? null));
		expect(result.errorType).toBe(c.errorType);
		expect(result.category).toBe(c.category);
		if (c.entity) expect(result.affectedEntity).toBe(c.entity);
		expect(result.recommendations.length).toBeGreaterThanOrEqual(1);
	});

	it('names the SQL server and gives a P2 connectivity ticket for SqlFailedToConnect', () => {
		const result = classifyOffline(adf(messageOf('SqlFailedToConnect')));
		expect(result).toMatchObject({
			severity: 'High',
			priority: 'P2',
			confidence: 'High',
			autoHealPossible: true
		});
		expect(result.rootCause).toContain('sql-crm-prod.database.windows.net');
		expect(result.evidence).toContain('error code SqlFailedToConnect (in the message)');
		expect(result.evidence).toContain('matched "Cannot connect to SQL Database"');
	});

	it('treats an offline self-hosted integration runtime as a P1', () => {
		const result = classifyOffline(adf(messageOf('SelfHostedIntegrationRuntimeOffline')));
		expect(result.errorType).toBe('SelfHostedIntegrationRuntimeOffline');
		expect(result.priority).toBe('P1');
	});

	it('reads the HTTP status of a failed Web activity call to pick the category', () => {
		const throttled = classifyOffline(
			adf(
				"Error calling the endpoint 'https://api.contoso.example/v1/orders'. Response status code: 'ClientSideException HttpStatusCode : 429, HttpStatusString: TooManyRequests'.",
				'2108'
			)
		);
		expect(throttled).toMatchObject({
			category: 'throttling',
			priority: 'P3',
			autoHealPossible: true
		});
	});

	it('falls back to the Parquet dependency category when the Java failure is not memory', () => {
		const result = classifyOffline(
			adf(
				`ErrorCode=ParquetJavaInvocationException,'${HDE},Message=An error occurred when invoking java, message: java.lang.UnsatisfiedLinkError:no snappyjava in java.library.path.,${CLIENT},'`
			)
		);
		expect(result.category).toBe('dependency');
	});
});
