import type { Category, Severity } from '../types.ts';
import type { CatalogueEntry, EntityKind, System } from './types.ts';

/**
 * Rows written by hand from the product documentation pages (their URL is on every row): the
 * ADF troubleshooting guides, the SQL Server error catalogue, Azure Storage / Entra / Key Vault
 * REST codes, Spark error conditions (the Spark repository snapshot is too large to fetch here),
 * BigQuery reasons and Airflow exceptions. Templates are the product's message text.
 */
type Row = [
	code: string,
	category: Category,
	severity: Severity,
	entity: EntityKind | null,
	title: string,
	template: string
];

const ADF_CONNECTOR = 'https://learn.microsoft.com/azure/data-factory/connector-troubleshoot-guide';
const ADF_BLOB =
	'https://learn.microsoft.com/azure/data-factory/connector-troubleshoot-azure-blob-storage';
const ADF_ADLS =
	'https://learn.microsoft.com/azure/data-factory/connector-troubleshoot-azure-data-lake';
const ADF_SQL = 'https://learn.microsoft.com/azure/data-factory/connector-troubleshoot-synapse-sql';
const ADF_TEXT =
	'https://learn.microsoft.com/azure/data-factory/connector-troubleshoot-delimited-text';
const ADF_PARQUET = 'https://learn.microsoft.com/azure/data-factory/connector-troubleshoot-parquet';
const ADF_REST = 'https://learn.microsoft.com/azure/data-factory/connector-troubleshoot-rest';
const ADF_SFTP =
	'https://learn.microsoft.com/azure/data-factory/connector-troubleshoot-ftp-sftp-http';
const ADF_ORACLE = 'https://learn.microsoft.com/azure/data-factory/connector-troubleshoot-oracle';
const ADF_SNOWFLAKE =
	'https://learn.microsoft.com/azure/data-factory/connector-troubleshoot-snowflake';
const ADF_COSMOS =
	'https://learn.microsoft.com/azure/data-factory/connector-troubleshoot-azure-cosmos-db';
const ADF_ACTIVITY =
	'https://learn.microsoft.com/azure/data-factory/data-factory-troubleshoot-guide';
const ADF_DATAFLOW = 'https://learn.microsoft.com/azure/data-factory/data-flow-troubleshoot-errors';
const ADF_SHIR =
	'https://learn.microsoft.com/azure/data-factory/self-hosted-integration-runtime-troubleshoot-guide';
const SQL_ERRORS =
	'https://learn.microsoft.com/sql/relational-databases/errors-events/database-engine-events-and-errors';
const AZURE_SQL =
	'https://learn.microsoft.com/azure/azure-sql/database/troubleshoot-common-errors-issues';
const STORAGE = 'https://learn.microsoft.com/rest/api/storageservices/blob-service-error-codes';
const STORAGE_COMMON =
	'https://learn.microsoft.com/rest/api/storageservices/common-rest-api-error-codes';
const ENTRA = 'https://learn.microsoft.com/entra/identity-platform/reference-error-codes';
const KEYVAULT = 'https://learn.microsoft.com/azure/key-vault/general/rest-error-codes';
const SPARK =
	'https://github.com/apache/spark/blob/master/common/utils/src/main/resources/error/error-conditions.json';
const BIGQUERY = 'https://cloud.google.com/bigquery/docs/error-messages';
const AIRFLOW =
	'https://github.com/apache/airflow/blob/main/airflow-core/src/airflow/exceptions.py';
const DATABRICKS_API =
	'https://github.com/databricks/databricks-sdk-py/blob/main/databricks/sdk/errors/platform.py';
const AZURE_SQL_CODES = new Set([
	'40615',
	'40532',
	'40613',
	'40197',
	'40501',
	'49918',
	'10928',
	'10929',
	'40544',
	'33155'
]);

const ADF_ROWS: [string, Row[]][] = [
	[
		ADF_CONNECTOR,
		[
			[
				'UserErrorOdbcOperationFailed',
				'connectivity',
				'High',
				'database',
				'ODBC operation failed',
				"ErrorCode=UserErrorOdbcOperationFailed,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=ERROR [08S01] [Microsoft][ODBC Driver] Communication link failure, connection reset by peer,Source=Microsoft.DataTransfer.ClientLibrary.Odbc.OdbcConnector,'"
			],
			[
				'UserErrorInvalidValueInPayload',
				'configuration',
				'Medium',
				null,
				'Invalid value in the request payload',
				"ErrorCode=UserErrorInvalidValueInPayload,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Failed to convert the value in 'partitionOption' property to 'Microsoft.DataTransfer.Common.PartitionOption' type. Please make sure the payload structure and value are correct.'"
			],
			[
				'UserErrorColumnNameNotAllowNull',
				'data_quality',
				'Medium',
				'column',
				'A header column name is empty',
				"ErrorCode=UserErrorColumnNameNotAllowNull,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Empty or Null string found in Column Name 3. Please make sure column name not null and try again.'"
			],
			[
				'UserErrorSchemaMappingCannotInferSinkColumnType',
				'schema_mismatch',
				'High',
				'column',
				'Sink column type cannot be inferred from the mapping',
				"ErrorCode=UserErrorSchemaMappingCannotInferSinkColumnType,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Data type of column '<column>' can't be inferred from 1st row of data, please specify its data type in mappings of copy activity or structure of DataSet.'"
			],
			[
				'UserErrorInvalidColumnMappingColumnNotFound',
				'schema_mismatch',
				'High',
				'column',
				'A column in the mapping is not in the data',
				"ErrorCode=UserErrorInvalidColumnMappingColumnNotFound,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Column '<column>' defined in the mapping cannot be found in Source structure. Check column mapping in table definition.,Source=Microsoft.DataTransfer.Common,'"
			],
			[
				'UserErrorColumnMappingMissing',
				'schema_mismatch',
				'High',
				'column',
				'A sink column has no mapping',
				"ErrorCode=UserErrorColumnMappingMissing,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Column '<column>' in the sink has no mapping from the source. Please check the column mapping.'"
			],
			[
				'UserErrorTypeConversionFail',
				'data_quality',
				'High',
				'column',
				'A value could not be converted to the sink type',
				"ErrorCode=TypeConversionFailure,Exception occurred when converting value '<value>' for column name '<column>' from type 'String' (precision:, scale:) to type 'DateTime' (precision:255, scale:255). Additional info: String was not recognized as a valid DateTime."
			],
			[
				'TypeConversionFailure',
				'data_quality',
				'High',
				'column',
				'A value could not be converted to the sink type',
				"ErrorCode=TypeConversionFailure,Exception occurred when converting value '<value>' for column name '<column>' from type 'String' (precision:, scale:) to type 'Int32' (precision:255, scale:255). Additional info: Input string was not in a correct format."
			],
			[
				'UserErrorFailedToConnectOdbcSource',
				'connectivity',
				'High',
				'database',
				'Cannot connect to the ODBC source',
				"ErrorCode=UserErrorFailedToConnectOdbcSource,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=ERROR [08001] [Microsoft][ODBC] Unable to establish connection with the server <host>:<port>,Source=Microsoft.DataTransfer.ClientLibrary.Odbc.OdbcConnector,'"
			],
			[
				'UserErrorUnclassifiedError',
				'unknown',
				'Medium',
				null,
				'Unclassified connector error',
				"ErrorCode=UserErrorUnclassifiedError,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Odbc Operation Failed.,Source=Microsoft.DataTransfer.ClientLibrary.Odbc.OdbcConnector,'"
			],
			[
				'UserErrorKeyVaultSecretNotFound',
				'configuration',
				'High',
				'secret',
				'The Key Vault secret referenced by the linked service does not exist',
				"ErrorCode=UserErrorKeyVaultSecretNotFound,'Message=The secret '<secret>' was not found in key vault '<vault>'. Check the secret name and version in the linked service.'"
			],
			[
				'UserErrorFailedToReadHttpFile',
				'connectivity',
				'Medium',
				'service',
				'Reading a file over HTTP failed',
				"ErrorCode=UserErrorFailedToReadHttpFile,'Message=Failed to read data from http server. Check the error from http server：The remote server returned an error: (503) Server Unavailable.'"
			],
			[
				'UserErrorSourceNotExist',
				'source_missing',
				'High',
				'path',
				'The source object does not exist',
				"ErrorCode=UserErrorSourceNotExist,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=The required source '<path>' does not exist.'"
			],
			[
				'UserErrorFileNotFound',
				'source_missing',
				'High',
				'path',
				'The source file does not exist',
				"ErrorCode=UserErrorFileNotFound,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=File '<path>' does not exist. Check the file path and the wildcard filter.'"
			],
			[
				'UserErrorWriteFailedFileOperationUnauthorized',
				'permission',
				'High',
				'path',
				'The sink folder is not writable by this identity',
				"ErrorCode=UserErrorWriteFailedFileOperationUnauthorized,'Message=Operation on '<path>' failed because the identity lacks write permission.'"
			],
			[
				'UserErrorAccessForbidden',
				'permission',
				'High',
				'service',
				'Access forbidden by the target',
				"ErrorCode=UserErrorAccessForbidden,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Access denied. The remote server returned an error: (403) Forbidden.'"
			],
			[
				'UserErrorStructureIsRequired',
				'configuration',
				'Medium',
				null,
				'The dataset needs a schema',
				"ErrorCode=UserErrorStructureIsRequired,'Message=The schema of the dataset is required for this operation. Import the schema in the dataset.'"
			]
		]
	],
	[
		ADF_BLOB,
		[
			[
				'AzureBlobOperationFailed',
				'connectivity',
				'Medium',
				'path',
				'A Blob storage operation failed',
				"ErrorCode=AzureBlobOperationFailed,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Blob operation Failed. ContainerName: <container>, path: <path>.,Source=Microsoft.DataTransfer.ClientLibrary,''Type=Microsoft.WindowsAzure.Storage.StorageException,Message=Unable to connect to the remote server,Source=Microsoft.WindowsAzure.Storage,'"
			],
			[
				'UserErrorSourceBlobNotExists',
				'source_missing',
				'High',
				'path',
				'The source blob does not exist',
				"ErrorCode=UserErrorSourceBlobNotExists,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=The required Blob is missing. ContainerName: https://<account>.blob.core.windows.net/<container>, path: <path>.,Source=Microsoft.DataTransfer.ClientLibrary,'"
			],
			[
				'AzureBlobCredentialMissing',
				'authentication',
				'High',
				'service',
				'No credential for Blob storage',
				"ErrorCode=AzureBlobCredentialMissing,'Message=Please provide either connectionString or sasUri or serviceEndpoint to connect to Blob.'"
			]
		]
	],
	[
		ADF_ADLS,
		[
			[
				'ADLSGen2OperationFailed',
				'connectivity',
				'Medium',
				'path',
				'An ADLS Gen2 operation failed',
				"ErrorCode=ADLSGen2OperationFailed,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=ADLS Gen2 operation failed for: Operation returned an invalid status code 'InternalServerError'. Account: '<account>'. FileSystem: '<filesystem>'. Path: '<path>'. ErrorCode: 'InternalServerError'.'"
			],
			[
				'ADLSGen2ForbiddenError',
				'permission',
				'High',
				'path',
				'ADLS Gen2 refused the operation (403)',
				"ErrorCode=AdlsGen2ForbiddenError,'Message=ADLS Gen2 operation failed for: Operation returned an invalid status code 'Forbidden'. Account: '<account>'. FileSystem: '<filesystem>'. Path: '<path>'. ErrorCode: 'AuthorizationPermissionMismatch'. Message: 'This request is not authorized to perform this operation using this permission.'"
			],
			[
				'AdlsGen2TimeoutError',
				'timeout',
				'Medium',
				'path',
				'ADLS Gen2 request timed out',
				"ErrorCode=AdlsGen2TimeoutError,'Message=Request to ADLS Gen2 account '<account>' met timeout error. It is mostly caused by the poor network between the Self-hosted IR machine and the ADLS Gen2 account.'"
			],
			[
				'AdlsGen2InvalidUrl',
				'configuration',
				'Medium',
				'path',
				'The ADLS Gen2 URL is invalid',
				"ErrorCode=AdlsGen2InvalidUrl,'Message=Invalid url '<url>' provided, expecting http[s]://<accountname>.dfs.core.windows.net.'"
			]
		]
	],
	[
		ADF_SQL,
		[
			[
				'SqlFailedToConnect',
				'connectivity',
				'High',
				'database',
				'Cannot connect to SQL',
				"ErrorCode=SqlFailedToConnect,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Cannot connect to SQL Database: '<server>', Database: '<database>', User: '<user>'. Check the linked service configuration is correct, and make sure the SQL Database firewall allows the integration runtime to access.,Source=Microsoft.DataTransfer.ClientLibrary,''Type=System.Data.SqlClient.SqlException,Message=A network-related or instance-specific error occurred while establishing a connection to SQL Server.,Source=.Net SqlClient Data Provider,SqlErrorNumber=53,Class=20,'"
			],
			[
				'SqlOperationFailed',
				'code_error',
				'Medium',
				'table',
				'A SQL operation failed (see the inner SQL error)',
				"ErrorCode=SqlOperationFailed,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=A database operation failed with the following error: '<detail>',Source=,''Type=System.Data.SqlClient.SqlException,Message=<detail>,Source=.Net SqlClient Data Provider,'"
			],
			[
				'SqlUnauthorizedAccess',
				'authentication',
				'High',
				'database',
				'SQL refused the login',
				"ErrorCode=SqlUnauthorizedAccess,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Cannot connect to 'SQL'. Detail Message: Login failed for user '<user>'.'"
			],
			[
				'SqlInvalidColumnName',
				'schema_mismatch',
				'High',
				'column',
				'A column in the query does not exist',
				"ErrorCode=SqlInvalidColumnName,'Message=Invalid column name '<column>'.'"
			],
			[
				'SqlBatchWriteTimeout',
				'timeout',
				'Medium',
				'table',
				'Writing a batch to SQL timed out',
				"ErrorCode=SqlBatchWriteTimeout,'Message=Timeouts in SQL write operation.'"
			],
			[
				'SqlBatchWriteTransactionFailed',
				'connectivity',
				'Medium',
				'table',
				'A batch write transaction failed',
				"ErrorCode=SqlBatchWriteTransactionFailed,'Message=SQL transaction commits failed.'"
			],
			[
				'SqlBulkCopyInvalidColumnLength',
				'data_quality',
				'High',
				'column',
				'A value is longer than the column',
				"ErrorCode=SqlBulkCopyInvalidColumnLength,'Message=SQL Bulk Copy failed due to receive an invalid column length from the bcp client.'"
			],
			[
				'SqlDeniedPublicAccess',
				'connectivity',
				'High',
				'database',
				'Public network access to the SQL server is denied',
				"ErrorCode=SqlDeniedPublicAccess,'Message=Cannot connect to SQL Database: '<server>'. Reason: Connection was denied because Deny Public Network Access is set to Yes.'"
			],
			[
				'SqlParallelFailedToDetectPartitionColumn',
				'configuration',
				'Medium',
				'table',
				'Partition column for parallel copy not found',
				"ErrorCode=SqlParallelFailedToDetectPartitionColumn,'Message=Failed to detect the partition column with name '<column>'.'"
			],
			[
				'SqlAutoCreateTableTypeMapFailed',
				'schema_mismatch',
				'Medium',
				'table',
				'Auto-create table cannot map a type',
				"ErrorCode=SqlAutoCreateTableTypeMapFailed,'Message=Type '<type>' in source side cannot be mapped to a type that supported by sink side(column name:'<column>') in autocreate table.'"
			],
			[
				'SqlDataTypeNotSupported',
				'schema_mismatch',
				'Medium',
				'column',
				'A SQL data type is not supported',
				"ErrorCode=SqlDataTypeNotSupported,'Message=A database operation failed. Check the SQL errors: data type '<type>' is not supported.'"
			],
			[
				'SqlCreateTableFailedUnsupportedType',
				'schema_mismatch',
				'Medium',
				'table',
				'Auto-create table failed on a type',
				"ErrorCode=SqlCreateTableFailedUnsupportedType,'Message=Type '<type>' in source side cannot be mapped to a type that supported by sink side.'"
			],
			[
				'PolybaseOperationFailed',
				'data_quality',
				'High',
				'table',
				'PolyBase load failed',
				"ErrorCode=PolybaseOperationFailed,'Message=Error happened when loading data into SQL Data Warehouse. Operation: 'Polybase operation'.,Source=Microsoft.DataTransfer.ClientLibrary,''Type=System.Data.SqlClient.SqlException,Message=HdfsBridge::recordReaderFillBuffer - Unexpected error encountered filling record reader buffer: HadoopExecutionException: Too many columns in the line.,Source=.Net SqlClient Data Provider,SqlErrorNumber=107090,'"
			]
		]
	],
	[
		ADF_TEXT,
		[
			[
				'DelimitedTextColumnNameNotAllowNull',
				'data_quality',
				'Medium',
				'column',
				'A header column name is empty',
				"ErrorCode=DelimitedTextColumnNameNotAllowNull,'Message=The name of column index 4 is empty. Make sure column name is properly specified in the header row.'"
			],
			[
				'DelimitedTextMoreColumnsThanDefined',
				'data_quality',
				'High',
				'path',
				'A row has more columns than the header',
				"ErrorCode=DelimitedTextMoreColumnsThanDefined,'Message=Error found when processing 'Csv/Tsv Format Text' source '<path>' with row number 3: found more columns than expected column count 12.'"
			],
			[
				'DelimitedTextIncorrectRowDelimiter',
				'configuration',
				'Medium',
				'path',
				'The row delimiter is wrong',
				"ErrorCode=DelimitedTextIncorrectRowDelimiter,'Message=The specified row delimiter \\r\\n is incorrect. Cannot detect a row after parse 256 rows.'"
			],
			[
				'DelimitedTextTooLargeColumnCount',
				'configuration',
				'Medium',
				'path',
				'Too many columns detected (wrong delimiter?)',
				"ErrorCode=DelimitedTextTooLargeColumnCount,'Message=Column count reaches limitation when deserializing csv file. Maximum size is '20480'. Check the column delimiter and row delimiter provided.'"
			],
			[
				'DelimitedTextInvalidSettings',
				'configuration',
				'Medium',
				null,
				'Invalid delimited text settings',
				"ErrorCode=DelimitedTextInvalidSettings,'Message=Invalid delimited text format settings: the quote character and the escape character cannot both be empty when column delimiter appears in data.'"
			]
		]
	],
	[
		ADF_PARQUET,
		[
			[
				'ParquetJavaInvocationException',
				'resource_exhausted',
				'High',
				'path',
				'The JVM used for Parquet ran out of memory',
				"ErrorCode=ParquetJavaInvocationException,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=An error occurred when invoking java, message: java.lang.OutOfMemoryError:Java heap space total entry:1 com.microsoft.datatransfer.bridge.parquet.ParquetWriterBuilderBridge.build,'"
			],
			[
				'ParquetInvalidFile',
				'data_quality',
				'High',
				'path',
				'The file is not valid Parquet',
				"ErrorCode=ParquetInvalidFile,'Message=File is not a valid Parquet file: '<path>'.'"
			],
			[
				'ParquetColumnNotFound',
				'schema_mismatch',
				'High',
				'column',
				'A column in the schema is not in the Parquet file',
				"ErrorCode=ParquetColumnNotFound,'Message=Column <column> does not exist in Parquet file.'"
			],
			[
				'ParquetNotSupportedType',
				'schema_mismatch',
				'Medium',
				'column',
				'A Parquet type is not supported',
				"ErrorCode=ParquetNotSupportedType,'Message=Unsupported Parquet type. PrimitiveType: INT96 OriginalType: <type>.'"
			],
			[
				'ParquetMissedDecimalPrecisionScale',
				'schema_mismatch',
				'Medium',
				'column',
				'Decimal precision and scale are missing',
				"ErrorCode=ParquetMissedDecimalPrecisionScale,'Message=Decimal Precision or Scale information is not found in schema for column: <column>.'"
			],
			[
				'ParquetBridgeInvalidData',
				'data_quality',
				'High',
				'column',
				'A value does not fit the Parquet type',
				"ErrorCode=ParquetBridgeInvalidData,'Message=<column> has invalid value '<value>'.'"
			],
			[
				'JreNotFound',
				'dependency',
				'High',
				null,
				'No Java runtime on the self-hosted IR',
				"ErrorCode=JreNotFound,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Java Runtime Environment cannot be found on the Self-hosted Integration Runtime machine. It is required for parsing or writing to Parquet/ORC files. Make sure Java Runtime Environment has been installed on the Self-hosted Integration Runtime machine.'"
			]
		]
	],
	[
		ADF_REST,
		[
			[
				'RestSinkCallFailed',
				'connectivity',
				'Medium',
				'service',
				'The REST sink call failed',
				"ErrorCode=RestSinkCallFailed,'Message=Rest Endpoint responded with Failure from server. Check the error from server:InternalServerError.'"
			],
			[
				'UserErrorRestResourceNotFound',
				'source_missing',
				'Medium',
				'service',
				'The REST resource was not found (404)',
				"ErrorCode=UserErrorFailToReadFromRestResource,'Message=Failed to read from REST resource: The remote server returned an error: (404) Not Found. Request URL: <url>.'"
			]
		]
	],
	[
		ADF_SFTP,
		[
			[
				'SftpInvalidSftpCredential',
				'authentication',
				'High',
				'service',
				'SFTP credentials rejected',
				"ErrorCode=SftpInvalidSftpCredential,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Invalid Sftp credential provided for 'SshPublicKey' authentication type.'"
			],
			[
				'SftpFailedToConnectToSftpServer',
				'connectivity',
				'High',
				'service',
				'Cannot connect to the SFTP server',
				"ErrorCode=SftpFailedToConnectToSftpServer,'Message=Failed to connect to Sftp server '<host>'.,Source=Microsoft.DataTransfer.ClientLibrary.SftpConnector,''Type=System.Net.Sockets.SocketException,Message=A connection attempt failed because the connected party did not properly respond after a period of time'"
			],
			[
				'SftpPathNotFound',
				'source_missing',
				'High',
				'path',
				'The SFTP path does not exist',
				"ErrorCode=SftpPathNotFound,'Message=Can't find SFTP path '<path>'. Please check if the path exists. If the path you configured does not start with '/', note it is a relative path under the given user's default folder.'"
			],
			[
				'SftpPermissionDenied',
				'permission',
				'High',
				'path',
				'SFTP permission denied',
				"ErrorCode=SftpPermissionDenied,'Message=Permission denied to access '<path>'.'"
			]
		]
	],
	[
		ADF_ORACLE,
		[
			[
				'UserErrorOracleConnectionFailed',
				'connectivity',
				'High',
				'database',
				'Cannot connect to Oracle',
				"ErrorCode=UserErrorFailedToConnectOdbcSource,'Message=ERROR [HY000] [Microsoft][ODBC Oracle Wire Protocol driver][Oracle]ORA-12541: TNS:no listener'"
			],
			[
				'ORA-01017',
				'authentication',
				'High',
				'database',
				'Oracle rejected the user or password',
				'ERROR [HY000] [Microsoft][ODBC Oracle Wire Protocol driver][Oracle]ORA-01017: invalid username/password; logon denied'
			],
			[
				'ORA-00942',
				'source_missing',
				'High',
				'table',
				'Oracle table or view does not exist',
				'ERROR [42S02] [Microsoft][ODBC Oracle Wire Protocol driver][Oracle]ORA-00942: table or view does not exist'
			],
			[
				'ORA-01555',
				'timeout',
				'Medium',
				'table',
				'Snapshot too old',
				'ORA-01555: snapshot too old: rollback segment number 12 with name "_SYSSMU12$" too small'
			],
			[
				'ORA-12170',
				'connectivity',
				'High',
				'database',
				'Oracle connect timeout',
				'ORA-12170: TNS:Connect timeout occurred'
			],
			[
				'ORA-01031',
				'permission',
				'High',
				'table',
				'Oracle insufficient privileges',
				'ORA-01031: insufficient privileges'
			]
		]
	],
	[
		ADF_SNOWFLAKE,
		[
			[
				'SnowflakeIncorrectUsernameOrPassword',
				'authentication',
				'High',
				'user',
				'Snowflake rejected the credentials',
				"ErrorCode=UserErrorOdbcOperationFailed,'Message=ERROR [28000] Incorrect username or password was specified.'"
			],
			[
				'390144',
				'authentication',
				'High',
				'user',
				'Snowflake JWT token is invalid',
				'snowflake.connector.errors.DatabaseError: 250001 (08001): Failed to connect to DB: <account>.snowflakecomputing.com:443. JWT token is invalid. [<uuid>]'
			],
			[
				'390100',
				'authentication',
				'High',
				'user',
				'Snowflake incorrect username or password',
				'snowflake.connector.errors.DatabaseError: 250001 (08001): Failed to connect to DB: <account>.snowflakecomputing.com:443. Incorrect username or password was specified.'
			],
			[
				'390422',
				'connectivity',
				'High',
				'user',
				'Snowflake IP not allowed by network policy',
				'snowflake.connector.errors.DatabaseError: 250001 (08001): Failed to connect to DB: <account>.snowflakecomputing.com:443. IP <ip> is not allowed to access Snowflake. Contact your local security administrator or please create a case with Snowflake Support.'
			],
			[
				'002003',
				'source_missing',
				'High',
				'table',
				'Snowflake object does not exist or not authorized',
				"snowflake.connector.errors.ProgrammingError: 002003 (42S02): SQL compilation error: Object '<table>' does not exist or not authorized."
			],
			[
				'000904',
				'schema_mismatch',
				'High',
				'column',
				'Snowflake invalid identifier (column)',
				"snowflake.connector.errors.ProgrammingError: 000904 (42000): SQL compilation error: error line 1 at position 7 invalid identifier '<column>'"
			],
			[
				'000630',
				'timeout',
				'Medium',
				null,
				'Snowflake statement timeout',
				'snowflake.connector.errors.ProgrammingError: 000630 (57014): Statement reached its statement or warehouse timeout of 3,600 second(s) and was canceled.'
			],
			[
				'100038',
				'data_quality',
				'High',
				'column',
				'Snowflake numeric value not recognised',
				"snowflake.connector.errors.ProgrammingError: 100038 (22018): Numeric value '<value>' is not recognized"
			],
			[
				'100040',
				'data_quality',
				'High',
				'column',
				'Snowflake date not recognised',
				"snowflake.connector.errors.ProgrammingError: 100040 (22007): Date '<value>' is not recognized"
			],
			[
				'003001',
				'permission',
				'High',
				'table',
				'Snowflake insufficient privileges',
				"snowflake.connector.errors.ProgrammingError: 003001 (42501): SQL access control error: Insufficient privileges to operate on table '<table>'"
			],
			[
				'000606',
				'configuration',
				'Medium',
				null,
				'No active warehouse',
				"snowflake.connector.errors.ProgrammingError: 000606 (57P03): No active warehouse selected in the current session. Select an active warehouse with the 'use warehouse' command."
			],
			[
				'100072',
				'data_quality',
				'High',
				'column',
				'NULL into a NOT NULL column',
				'snowflake.connector.errors.IntegrityError: 100072 (22000): NULL result in a non-nullable column'
			],
			[
				'001003',
				'code_error',
				'Medium',
				null,
				'SQL syntax error',
				"snowflake.connector.errors.ProgrammingError: 001003 (42000): SQL compilation error: syntax error line 3 at position 14 unexpected 'FROM'."
			]
		]
	],
	[
		ADF_COSMOS,
		[
			[
				'CosmosDbSqlApiOperationFailed',
				'throttling',
				'Medium',
				'service',
				'Cosmos DB request rate too large',
				"ErrorCode=CosmosDbSqlApiOperationFailed,'Message=CosmosDbSqlApi operation Failed. ErrorMessage: Request rate is large. More Request Units may be needed, so no changes were made. Please retry this request later.'"
			],
			[
				'CosmosDbRequestTimeout',
				'timeout',
				'Medium',
				'service',
				'Cosmos DB request timed out',
				"ErrorCode=CosmosDbSqlApiOperationFailed,'Message=CosmosDbSqlApi operation Failed. ErrorMessage: Request timed out.'"
			]
		]
	],
	[
		ADF_ACTIVITY,
		[
			[
				'2011',
				'configuration',
				'Medium',
				null,
				'Azure Function or Web activity response is not valid JSON',
				"ErrorCode=2011,'Message=The function '<function>' returned a response that is not a valid JObject.'"
			],
			[
				'2108',
				'connectivity',
				'Medium',
				'service',
				'Web activity endpoint call failed',
				"ErrorCode=2108,'Message=Error calling the endpoint '<url>'. Response status code: 'NA - Unknown'. More details: Exception message: 'NA - Unknown [ClientSideException] The remote name could not be resolved'.'"
			],
			[
				'2128',
				'connectivity',
				'Medium',
				'service',
				'No response from the endpoint',
				"ErrorCode=2128,'Message=No response from the endpoint. Possible causes: network connectivity, DNS failure, server certificate validation or timeout.'"
			],
			[
				'2200',
				'unknown',
				'Medium',
				null,
				'Copy activity failed (generic wrapper code)',
				"ErrorCode=2200,'Message=Failure happened on 'Sink' side.'"
			],
			[
				'2906',
				'configuration',
				'Medium',
				null,
				'Activity failed: invalid output of the custom activity',
				"ErrorCode=2906,'Message=Package execution failed.'"
			],
			[
				'2103',
				'configuration',
				'Medium',
				null,
				'A required activity property has no value',
				"ErrorCode=2103,'Message=Please provide value for the required property '<property>'.'"
			],
			[
				'2104',
				'configuration',
				'Medium',
				null,
				'An activity property has the wrong type',
				"ErrorCode=2104,'Message=The type of the property '<property>' is incorrect.'"
			],
			[
				'2105',
				'configuration',
				'Medium',
				null,
				'Invalid JSON for an activity property',
				"ErrorCode=2105,'Message=The value type '<type>', in key '<key>' is not expected type 'System.String'.'"
			],
			[
				'3200',
				'authentication',
				'High',
				'service',
				'Databricks access token expired or invalid',
				"ErrorCode=3200,'Message=Error 403. Invalid access token.'"
			],
			[
				'3201',
				'configuration',
				'High',
				'service',
				'Databricks job configuration invalid',
				"ErrorCode=3201,'Message=Missing required field: settings.task.notebook_task.notebook_path.'"
			],
			[
				'3202',
				'throttling',
				'Medium',
				'service',
				'Databricks job creation rate limit',
				"ErrorCode=3202,'Message=There were already 1000 jobs created in past 3600 seconds, exceeding rate limit: 1000 job creations per 3600 seconds.'"
			],
			[
				'3203',
				'cluster_launch',
				'High',
				'cluster',
				'Databricks cluster terminated',
				"ErrorCode=3203,'Message=The cluster is in Terminated state, not available to receive jobs. Please fix the cluster or retry later.'"
			],
			[
				'3204',
				'configuration',
				'Medium',
				'service',
				'Databricks job execution failed: bad parameters',
				"ErrorCode=3204,'Message=Job execution failed. Initial job has not accepted any resources; check your cluster UI to ensure that workers are registered and have sufficient resources.'"
			],
			[
				'3208',
				'connectivity',
				'Medium',
				'service',
				'Request to Databricks failed',
				"ErrorCode=3208,'Message=An error occurred while sending the request.'"
			],
			[
				'3600',
				'configuration',
				'Medium',
				null,
				'Object reference not set (HDInsight/Spark activity)',
				"ErrorCode=3600,'Message=Object reference not set to an instance of an object.'"
			],
			[
				'4121',
				'authentication',
				'High',
				'service',
				'Machine Learning credential expired',
				"ErrorCode=4121,'Message=Request sent to Azure Machine Learning for operation '<op>' failed with http status code 'Unauthorized'. Error message from Azure Machine Learning: The access token is invalid or expired.'"
			],
			[
				'4110',
				'configuration',
				'Medium',
				null,
				'Azure ML pipeline id invalid',
				"ErrorCode=4110,'Message=AzureMLExecutePipeline activity missing LinkedService definition in JSON.'"
			],
			[
				'3606',
				'authentication',
				'High',
				'service',
				'Azure Function key missing',
				"ErrorCode=3606,'Message=Azure function activity missing function key.'"
			],
			[
				'3608',
				'connectivity',
				'Medium',
				'service',
				'Azure Function call failed',
				"ErrorCode=3608,'Message=Call to provided Azure function '<function>' failed with status-'NotFound' and message - 'Invalid Azure Function Name'.'"
			],
			[
				'2001',
				'configuration',
				'Medium',
				null,
				'Response content too large',
				"ErrorCode=2001,'Message=The length of execution output is over limit (around 4MB currently).'"
			],
			[
				'4000',
				'configuration',
				'Medium',
				null,
				'Activity policy is not valid',
				"ErrorCode=4000,'Message=The value of property 'timeout' is not valid.'"
			],
			[
				'UserErrorConcurrencyLimitReached',
				'throttling',
				'Medium',
				null,
				'Pipeline concurrency limit reached',
				"ErrorCode=UserErrorConcurrencyLimitReached,'Message=The pipeline run was queued because the concurrency limit of the pipeline was reached.'"
			]
		]
	],
	[
		ADF_DATAFLOW,
		[
			[
				'DF-SRC-002',
				'configuration',
				'Medium',
				null,
				'Data flow source setting missing',
				"DF-SRC-002 'type' (Connection type) is required"
			],
			[
				'DF-SINK-002',
				'configuration',
				'Medium',
				null,
				'Data flow sink setting missing',
				"DF-SINK-002 'type' (Connection type) is required"
			],
			[
				'DF-Executor-OutOfMemoryError',
				'resource_exhausted',
				'High',
				null,
				'Data flow cluster ran out of memory',
				'DF-Executor-OutOfMemoryError: Cluster ran into out of memory issue during execution, please retry using an integration runtime with bigger core count and/or memory optimized compute type'
			],
			[
				'DF-Executor-InvalidInputColumns',
				'schema_mismatch',
				'High',
				'column',
				'A column of the source configuration is missing from the source data',
				"DF-Executor-InvalidInputColumns: Job failed due to reason: The column in source configuration cannot be found in source data's schema."
			],
			[
				'DF-Executor-RemoteRPCClientDisassociated',
				'resource_exhausted',
				'High',
				null,
				'Executor lost (memory pressure)',
				'DF-Executor-RemoteRPCClientDisassociated: Job aborted due to stage failure: Remote RPC client disassociated. Likely due to containers exceeding thresholds, or network issues.'
			],
			[
				'DF-Executor-BroadcastTimeout',
				'timeout',
				'Medium',
				null,
				'Broadcast join timed out',
				'DF-Executor-BroadcastTimeout: Broadcast join timeout error, make sure broadcast stream produces data within 60 secs in debug runs and 300 secs in job runs'
			],
			[
				'DF-Executor-ColumnUnavailable',
				'schema_mismatch',
				'High',
				'column',
				'A column used in the flow is missing',
				"DF-Executor-ColumnUnavailable: Column name used in expression is unavailable or invalid: '<column>'"
			],
			[
				'DF-Executor-Conversion',
				'data_quality',
				'High',
				'column',
				'A value could not be converted',
				'DF-Executor-Conversion: Converting to a date or time failed due to an invalid character'
			],
			[
				'DF-Executor-SourceInvalidPayload',
				'source_missing',
				'High',
				'path',
				'Source data preview: path does not exist',
				'DF-Executor-SourceInvalidPayload: Data preview, debug, and pipeline data flow execution failed because container does not exist'
			],
			[
				'DF-Executor-SystemImplicitCartesian',
				'configuration',
				'Medium',
				null,
				'Implicit cartesian product in a join',
				'DF-Executor-SystemImplicitCartesian: Implicit cartesian product for INNER join is not supported, use CROSS JOIN instead. Columns used in join should create a unique key for rows.'
			],
			[
				'DF-Executor-InvalidPath',
				'source_missing',
				'High',
				'path',
				'Path does not resolve to any file',
				'DF-Executor-InvalidPath: Path does not resolve to any file(s). Please make sure the file/folder exists and is not hidden.'
			],
			[
				'DF-Executor-StoreIsNotDefined',
				'configuration',
				'Medium',
				null,
				'Store configuration missing',
				'DF-Executor-StoreIsNotDefined: The store configuration is not defined. This error is potentially caused by invalid parameter assignment in the pipeline.'
			],
			[
				'DF-Executor-UnauthorizedStorageAccess',
				'permission',
				'High',
				'path',
				'Storage access denied for the data flow',
				'DF-Executor-UnauthorizedStorageAccess: You are not permitted to access the storage account either due to missing read/write/list permissions or due to firewall.'
			],
			[
				'DF-Executor-DriverError',
				'resource_exhausted',
				'High',
				null,
				'Data flow driver error',
				'DF-Executor-DriverError: INT96 is legacy timestamp type, which is not supported by ADF Dataflow. Please consider upgrading the column type to the latest types.'
			],
			[
				'DF-Executor-InternalServerError',
				'unknown',
				'Medium',
				null,
				'Data flow internal server error',
				'DF-Executor-InternalServerError: Failed to execute dataflow with internal server error, please retry later. If issue persists, please contact Microsoft support for further assistance'
			],
			[
				'DF-Executor-PartitionDirectoryError',
				'source_missing',
				'High',
				'path',
				'Partition directory has no files',
				'DF-Executor-PartitionDirectoryError: The specified source path has either multiple partitioned directories or partitioned directory with other file or non-partitioned directory.'
			],
			[
				'DF-Executor-AcquireStorageMemoryFailed',
				'resource_exhausted',
				'High',
				null,
				'Storage memory could not be acquired',
				'DF-Executor-AcquireStorageMemoryFailed: Transferring unroll memory to storage memory failed. Cluster ran out of memory during execution.'
			],
			[
				'DF-Executor-IncorrectLinkedServiceConfiguration',
				'configuration',
				'High',
				null,
				'Linked service misconfigured',
				'DF-Executor-IncorrectLinkedServiceConfiguration: Possible causes are, The linked service is incorrectly configured as type Azure Blob Storage instead of Azure DataLake Storage Gen2.'
			],
			[
				'DF-Executor-BlockCountExceedsLimitError',
				'resource_exhausted',
				'Medium',
				'path',
				'Too many blocks in a blob',
				'DF-Executor-BlockCountExceedsLimitError: The uncommitted block count cannot exceed the maximum limit of 100,000 blocks.'
			],
			[
				'DF-File-InvalidSparkFolder',
				'configuration',
				'Medium',
				'path',
				'Invalid Spark folder',
				'DF-File-InvalidSparkFolder: Failed to read footer for file'
			],
			[
				'DF-Delimited-InvalidConfiguration',
				'configuration',
				'Medium',
				null,
				'Delimited settings invalid',
				'DF-Delimited-InvalidConfiguration: Either one of empty lines or custom header should be specified.'
			],
			[
				'DF-Delimited-ColumnDelimiterMissed',
				'configuration',
				'Medium',
				null,
				'Column delimiter missing',
				'DF-Delimited-ColumnDelimiterMissed: Column delimiter is required for parse.'
			],
			[
				'DF-Xml-InvalidElement',
				'data_quality',
				'Medium',
				'path',
				'Invalid XML element',
				"DF-Xml-InvalidElement: XML Element has sub elements or attributes and it can't be converted."
			],
			[
				'DF-JSON-WrongDocumentForm',
				'configuration',
				'Medium',
				'path',
				'Wrong JSON document form',
				'DF-JSON-WrongDocumentForm: Malformed records are detected in schema inference. Parse Mode: FAILFAST. It could be because of a wrong selection in document form to parse json file(s).'
			],
			[
				'DF-Cosmos-PartitionKeyMissed',
				'configuration',
				'Medium',
				null,
				'Cosmos partition key missing',
				'DF-Cosmos-PartitionKeyMissed: Partition key path should be specified for update and delete operations.'
			],
			[
				'DF-SQLDW-InternalErrorUsingMSI',
				'authentication',
				'High',
				'database',
				'Managed identity failed for Synapse',
				'DF-SQLDW-InternalErrorUsingMSI: An internal error occurred while authenticating against Managed Service Identity in Azure Synapse Analytics instance.'
			],
			[
				'DF-Synapse-InvalidDatabaseType',
				'configuration',
				'Medium',
				null,
				'Invalid database type',
				'DF-Synapse-InvalidDatabaseType: Database type is not supported.'
			],
			[
				'DF-Hive-InvalidBlobStagingConfiguration',
				'configuration',
				'Medium',
				null,
				'Invalid blob staging',
				'DF-Hive-InvalidBlobStagingConfiguration: Blob storage staging properties should be specified.'
			],
			[
				'DF-Snowflake-InvalidStageConfiguration',
				'configuration',
				'Medium',
				null,
				'Invalid Snowflake stage',
				'DF-Snowflake-InvalidStageConfiguration: Only blob storage type can be used as stage in snowflake read/write operation.'
			],
			[
				'DF-Executor-OutOfDiskSpaceError',
				'resource_exhausted',
				'High',
				null,
				'Data flow node ran out of disk',
				'DF-Executor-OutOfDiskSpaceError: Internal server error. Cluster ran out of disk space during execution.'
			],
			[
				'DF-MSSQL-InvalidFirewallSetting',
				'connectivity',
				'High',
				'database',
				'SQL firewall blocks the data flow',
				'DF-MSSQL-InvalidFirewallSetting: The TCP/IP connection to the host has failed. Make sure that an instance of SQL Server is running on the host and accepting TCP/IP connections at the port. Make sure that TCP connections to the port are not blocked by a firewall.'
			],
			[
				'DF-MSSQL-InvalidCredential',
				'authentication',
				'High',
				'database',
				'SQL login failed in data flow',
				"DF-MSSQL-InvalidCredential: Either user '<user>' or password is incorrect."
			],
			[
				'DF-MSSQL-ErrorRowsFound',
				'data_quality',
				'High',
				'table',
				'Error rows found writing to SQL',
				'DF-MSSQL-ErrorRowsFound: Error or Invalid rows are found when writing to Azure SQL Database sink.'
			],
			[
				'DF-Executor-UnreachableStorageAccount',
				'connectivity',
				'High',
				'path',
				'Storage account unreachable',
				'DF-Executor-UnreachableStorageAccount: Cannot connect to storage account <account>. Check the account name, network rules and private endpoints.'
			]
		]
	],
	[
		ADF_SHIR,
		[
			[
				'UserErrorSelfHostedIrOffline',
				'connectivity',
				'High',
				'service',
				'Self-hosted IR is offline',
				"ErrorCode=UserErrorSelfHostedIrOffline,'Message=The Self-hosted Integration Runtime '<ir>' is offline.'"
			],
			[
				'SelfHostedIntegrationRuntimeUnavailable',
				'connectivity',
				'High',
				'service',
				'No node of the self-hosted IR is available',
				"Activity failed because of an error: The self-hosted integration runtime '<ir>' is unavailable: no node is online."
			],
			[
				'UserErrorIrNodeHighCpu',
				'resource_exhausted',
				'Medium',
				'service',
				'IR node overloaded',
				"ErrorCode=UserErrorIrNodeHighCpu,'Message=The Self-hosted Integration Runtime node '<node>' reached its concurrent jobs limit and high CPU usage.'"
			]
		]
	]
];

const SQL_ROWS: Row[] = [
	[
		'18456',
		'authentication',
		'High',
		'user',
		'Login failed for user',
		"Login failed for user '<user>'. (Microsoft SQL Server, Error: 18456)"
	],
	[
		'18452',
		'authentication',
		'High',
		'user',
		'Login from an untrusted domain',
		'Login failed. The login is from an untrusted domain and cannot be used with Integrated authentication. (Error: 18452)'
	],
	[
		'4060',
		'authentication',
		'High',
		'database',
		'Cannot open the database requested by the login',
		'Cannot open database "<database>" requested by the login. The login failed. Login failed for user \'<user>\'. (Error: 4060)'
	],
	[
		'40615',
		'connectivity',
		'High',
		'database',
		'Server firewall blocks the client IP',
		"Cannot open server '<server>' requested by the login. Client with IP address '<ip>' is not allowed to access the server. To enable access, use the Azure Management Portal or run sp_set_firewall_rule on the master database to create a firewall rule for this IP address or address range. (Error: 40615)"
	],
	[
		'40532',
		'connectivity',
		'High',
		'database',
		'Cannot open server requested by the login',
		'Cannot open server "<server>" requested by the login. The login failed. (Error: 40532)'
	],
	[
		'40613',
		'connectivity',
		'High',
		'database',
		'Database is not currently available',
		"Database '<database>' on server '<server>' is not currently available. Please retry the connection later. If the problem persists, contact customer support, and provide them the session tracing ID of '<uuid>'. (Error: 40613)"
	],
	[
		'40197',
		'connectivity',
		'Medium',
		'database',
		'Service error processing the request (reconfiguration)',
		'The service has encountered an error processing your request. Please try again. Error code 4815. (Error: 40197)'
	],
	[
		'40501',
		'throttling',
		'Medium',
		'database',
		'The service is currently busy',
		'The service is currently busy. Retry the request after 10 seconds. Incident ID: <uuid>. Code: 1 (Error: 40501)'
	],
	[
		'49918',
		'resource_exhausted',
		'Medium',
		'database',
		'Not enough resources to process the request',
		'Cannot process request. Not enough resources to process request. The service is currently busy. Please retry the request later. (Error: 49918)'
	],
	[
		'10928',
		'throttling',
		'Medium',
		'database',
		'Resource limit (workers/sessions) reached',
		"Resource ID : 1. The request limit for the database is 200 and has been reached. See 'http://go.microsoft.com/fwlink/?LinkId=267637' for assistance. (Error: 10928)"
	],
	[
		'10929',
		'throttling',
		'Medium',
		'database',
		'Minimum guarantee not met, too busy',
		'Resource ID : 1. The request limit for the elastic pool is 400 and has been reached. However, the server is currently too busy to support requests greater than 400 for this database. (Error: 10929)'
	],
	[
		'40544',
		'resource_exhausted',
		'Critical',
		'database',
		'Database reached its size quota',
		"The database '<database>' has reached its size quota. Partition or delete data, drop indexes, or consult the documentation for possible resolutions. (Error: 40544)"
	],
	[
		'1105',
		'resource_exhausted',
		'Critical',
		'database',
		'Filegroup is full',
		"Could not allocate space for object 'dbo.<table>' in database '<database>' because the 'PRIMARY' filegroup is full. (Error: 1105)"
	],
	[
		'9002',
		'resource_exhausted',
		'Critical',
		'database',
		'Transaction log is full',
		"The transaction log for database '<database>' is full due to 'LOG_BACKUP'. (Error: 9002)"
	],
	[
		'701',
		'resource_exhausted',
		'High',
		'database',
		'Insufficient system memory',
		"There is insufficient system memory in resource pool 'default' to run this query. (Error: 701)"
	],
	[
		'208',
		'source_missing',
		'High',
		'table',
		'Invalid object name',
		"Invalid object name '<table>'. (Error: 208)"
	],
	[
		'207',
		'schema_mismatch',
		'High',
		'column',
		'Invalid column name',
		"Invalid column name '<column>'. (Error: 207)"
	],
	[
		'213',
		'schema_mismatch',
		'High',
		'table',
		'Column count does not match table definition',
		'Column name or number of supplied values does not match table definition. (Error: 213)'
	],
	[
		'8152',
		'data_quality',
		'High',
		'column',
		'String or binary data would be truncated',
		'String or binary data would be truncated. (Error: 8152)'
	],
	[
		'2628',
		'data_quality',
		'High',
		'column',
		'String or binary data would be truncated in a column',
		"String or binary data would be truncated in table '<table>', column '<column>'. Truncated value: '<value>'. (Error: 2628)"
	],
	[
		'2627',
		'data_quality',
		'High',
		'table',
		'Violation of PRIMARY KEY / UNIQUE constraint',
		"Violation of PRIMARY KEY constraint 'PK_<table>'. Cannot insert duplicate key in object 'dbo.<table>'. The duplicate key value is (<value>). (Error: 2627)"
	],
	[
		'2601',
		'data_quality',
		'High',
		'table',
		'Duplicate key row in unique index',
		"Cannot insert duplicate key row in object 'dbo.<table>' with unique index 'IX_<table>_key'. The duplicate key value is (<value>). (Error: 2601)"
	],
	[
		'515',
		'data_quality',
		'High',
		'column',
		'NULL into a NOT NULL column',
		"Cannot insert the value NULL into column '<column>', table '<database>.dbo.<table>'; column does not allow nulls. INSERT fails. (Error: 515)"
	],
	[
		'547',
		'data_quality',
		'High',
		'table',
		'FOREIGN KEY / CHECK constraint conflict',
		'The INSERT statement conflicted with the FOREIGN KEY constraint "FK_<table>_customer". The conflict occurred in database "<database>", table "dbo.<table>", column \'<column>\'. (Error: 547)'
	],
	[
		'241',
		'data_quality',
		'High',
		'column',
		'Conversion failed converting date/time from string',
		'Conversion failed when converting date and/or time from character string. (Error: 241)'
	],
	[
		'245',
		'data_quality',
		'High',
		'column',
		'Conversion failed converting a value to int',
		"Conversion failed when converting the varchar value '<value>' to data type int. (Error: 245)"
	],
	[
		'8114',
		'data_quality',
		'High',
		'column',
		'Error converting data type',
		'Error converting data type varchar to numeric. (Error: 8114)'
	],
	[
		'8115',
		'data_quality',
		'High',
		'column',
		'Arithmetic overflow',
		'Arithmetic overflow error converting expression to data type int. (Error: 8115)'
	],
	[
		'8134',
		'data_quality',
		'Medium',
		null,
		'Divide by zero',
		'Divide by zero error encountered. (Error: 8134)'
	],
	[
		'229',
		'permission',
		'High',
		'table',
		'Permission denied on object',
		"The SELECT permission was denied on the object '<table>', database '<database>', schema 'dbo'. (Error: 229)"
	],
	[
		'262',
		'permission',
		'High',
		'database',
		'Permission denied in database',
		"CREATE TABLE permission denied in database '<database>'. (Error: 262)"
	],
	[
		'300',
		'permission',
		'High',
		'database',
		'Permission was denied on server/database',
		"VIEW SERVER STATE permission was denied on object 'server', database 'master'. (Error: 300)"
	],
	[
		'916',
		'permission',
		'High',
		'database',
		'Server principal cannot access the database',
		'The server principal "<user>" is not able to access the database "<database>" under the current security context. (Error: 916)'
	],
	[
		'1205',
		'configuration',
		'Medium',
		'table',
		'Deadlock victim',
		'Transaction (Process ID 57) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction. (Error: 1205)'
	],
	[
		'15165',
		'source_missing',
		'High',
		'table',
		'Object not found, or no permission on it',
		"Could not find object '<table>' or you do not have permission. (Error: 15165)"
	],
	[
		'1222',
		'timeout',
		'Medium',
		'table',
		'Lock request time out period exceeded',
		'Lock request time out period exceeded. (Error: 1222)'
	],
	[
		'-2',
		'timeout',
		'Medium',
		'database',
		'Execution timeout expired',
		'Execution Timeout Expired. The timeout period elapsed prior to completion of the operation or the server is not responding. (Error: -2)'
	],
	[
		'53',
		'connectivity',
		'High',
		'database',
		'Network-related error: server not found',
		'A network-related or instance-specific error occurred while establishing a connection to SQL Server. The server was not found or was not accessible. (provider: Named Pipes Provider, error: 40 - Could not open a connection to SQL Server) (Error: 53)'
	],
	[
		'10054',
		'connectivity',
		'Medium',
		'database',
		'Connection forcibly closed by the remote host',
		'A transport-level error has occurred when receiving results from the server. (provider: TCP Provider, error: 0 - An existing connection was forcibly closed by the remote host.) (Error: 10054)'
	],
	[
		'10060',
		'connectivity',
		'High',
		'database',
		'Connection attempt timed out',
		'A network-related or instance-specific error occurred while establishing a connection to SQL Server. (provider: TCP Provider, error: 0 - A connection attempt failed because the connected party did not properly respond after a period of time.) (Error: 10060)'
	],
	[
		'2812',
		'source_missing',
		'High',
		null,
		'Stored procedure not found',
		"Could not find stored procedure '<procedure>'. (Error: 2812)"
	],
	[
		'102',
		'code_error',
		'Medium',
		null,
		'Incorrect syntax',
		"Incorrect syntax near '<token>'. (Error: 102)"
	],
	[
		'156',
		'code_error',
		'Medium',
		null,
		'Incorrect syntax near keyword',
		"Incorrect syntax near the keyword 'FROM'. (Error: 156)"
	],
	[
		'137',
		'code_error',
		'Medium',
		null,
		'Must declare the scalar variable',
		'Must declare the scalar variable "@<name>". (Error: 137)'
	],
	[
		'50000',
		'code_error',
		'Medium',
		null,
		'Error raised by RAISERROR/THROW in a procedure',
		'<detail> (Error: 50000)'
	],
	[
		'4861',
		'source_missing',
		'High',
		'path',
		'Bulk load: file could not be opened',
		'Cannot bulk load because the file "<path>" could not be opened. Operating system error code 2(The system cannot find the file specified.). (Error: 4861)'
	],
	[
		'13807',
		'source_missing',
		'High',
		'path',
		'Serverless SQL: file cannot be opened',
		"Content of directory on path '<path>' cannot be listed. (Error: 13807)"
	],
	[
		'15151',
		'permission',
		'High',
		'user',
		'Cannot find the user or no permission',
		"Cannot find the user '<user>', because it does not exist or you do not have permission. (Error: 15151)"
	],
	[
		'33155',
		'authentication',
		'High',
		'user',
		'Azure AD token login failed',
		"Login failed for user '<token-identified principal>'. The server is not currently configured to accept this token. (Error: 33155)"
	]
];

const STORAGE_ROWS: Row[] = [
	[
		'BlobNotFound',
		'source_missing',
		'High',
		'path',
		'The specified blob does not exist (404)',
		'Status: 404 (The specified blob does not exist.) ErrorCode: BlobNotFound'
	],
	[
		'ContainerNotFound',
		'source_missing',
		'High',
		'path',
		'The specified container does not exist (404)',
		'Status: 404 (The specified container does not exist.) ErrorCode: ContainerNotFound'
	],
	[
		'PathNotFound',
		'source_missing',
		'High',
		'path',
		'The specified path does not exist (404)',
		'Status: 404 (The specified path does not exist.) ErrorCode: PathNotFound'
	],
	[
		'FilesystemNotFound',
		'source_missing',
		'High',
		'path',
		'The specified filesystem does not exist (404)',
		'Status: 404 (The specified filesystem does not exist.) ErrorCode: FilesystemNotFound'
	],
	[
		'ResourceNotFound',
		'source_missing',
		'High',
		'path',
		'The specified resource does not exist',
		'Status: 404 (The specified resource does not exist.) ErrorCode: ResourceNotFound'
	],
	[
		'AuthenticationFailed',
		'authentication',
		'High',
		'service',
		'Server failed to authenticate the request (bad key or SAS)',
		'Status: 403 (Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.) ErrorCode: AuthenticationFailed'
	],
	[
		'AuthorizationPermissionMismatch',
		'permission',
		'High',
		'path',
		'Not authorized to perform this operation using this permission',
		'Status: 403 (This request is not authorized to perform this operation using this permission.) ErrorCode: AuthorizationPermissionMismatch'
	],
	[
		'AuthorizationFailure',
		'connectivity',
		'High',
		'path',
		'Not authorized to perform this operation (firewall or network rules)',
		'Status: 403 (This request is not authorized to perform this operation.) ErrorCode: AuthorizationFailure'
	],
	[
		'InsufficientAccountPermissions',
		'permission',
		'High',
		'path',
		'Account does not have sufficient permissions',
		'Status: 403 (The account being accessed does not have sufficient permissions to execute this operation.) ErrorCode: InsufficientAccountPermissions'
	],
	[
		'AccountIsDisabled',
		'configuration',
		'High',
		'service',
		'The storage account is disabled',
		'Status: 403 (The specified account is disabled.) ErrorCode: AccountIsDisabled'
	],
	[
		'ServerBusy',
		'throttling',
		'Medium',
		'service',
		'Storage server busy (503)',
		'Status: 503 (The server is busy.) ErrorCode: ServerBusy'
	],
	[
		'OperationTimedOut',
		'timeout',
		'Medium',
		'service',
		'Storage operation timed out (500)',
		'Status: 500 (Operation could not be completed within the specified time.) ErrorCode: OperationTimedOut'
	],
	[
		'InternalError',
		'unknown',
		'Medium',
		'service',
		'Storage internal error',
		'Status: 500 (The server encountered an internal error. Please retry the request.) ErrorCode: InternalError'
	],
	[
		'LeaseIdMissing',
		'configuration',
		'Medium',
		'path',
		'Blob has a lease; no lease id given',
		'Status: 412 (There is currently a lease on the blob and no lease ID was specified in the request.) ErrorCode: LeaseIdMissing'
	],
	[
		'BlobAlreadyExists',
		'configuration',
		'Medium',
		'path',
		'The blob already exists',
		'Status: 409 (The specified blob already exists.) ErrorCode: BlobAlreadyExists'
	],
	[
		'PathAlreadyExists',
		'configuration',
		'Medium',
		'path',
		'The path already exists',
		'Status: 409 (The specified path already exists.) ErrorCode: PathAlreadyExists'
	],
	[
		'InvalidQueryParameterValue',
		'configuration',
		'Medium',
		null,
		'Invalid query parameter',
		'Status: 400 (Value for one of the query parameters specified in the request URI is invalid.) ErrorCode: InvalidQueryParameterValue'
	],
	[
		'KeyVaultEncryptionKeyNotFound',
		'permission',
		'High',
		'secret',
		'Customer-managed key not accessible',
		'Status: 403 (The key vault key is not found to unwrap the encryption key.) ErrorCode: KeyVaultEncryptionKeyNotFound'
	]
];

const ENTRA_ROWS: Row[] = [
	[
		'AADSTS7000215',
		'authentication',
		'High',
		'user',
		'Invalid client secret provided',
		"AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '<uuid>'."
	],
	[
		'AADSTS7000222',
		'authentication',
		'High',
		'user',
		'The client secret has expired',
		"AADSTS7000222: The provided client secret keys for app '<uuid>' are expired. Visit the Azure portal to create new keys for your app."
	],
	[
		'AADSTS700016',
		'configuration',
		'High',
		'user',
		'Application not found in the tenant',
		"AADSTS700016: Application with identifier '<uuid>' was not found in the directory '<tenant>'. This can happen if the application has not been installed by the administrator of the tenant."
	],
	[
		'AADSTS70001',
		'configuration',
		'High',
		null,
		'Application not found in the directory (older code of AADSTS700016)',
		"AADSTS70001: Application with identifier '<uuid>' was not found in the directory <tenant>."
	],
	[
		'AADSTS90002',
		'configuration',
		'High',
		null,
		'Tenant not found',
		"AADSTS90002: Tenant '<uuid>' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
	],
	[
		'AADSTS50034',
		'authentication',
		'High',
		'user',
		'The user account does not exist in the directory',
		'AADSTS50034: The user account <user> does not exist in the <tenant> directory. To sign into this application, the account must be added to the directory.'
	],
	[
		'AADSTS50126',
		'authentication',
		'High',
		'user',
		'Invalid username or password',
		'AADSTS50126: Error validating credentials due to invalid username or password.'
	],
	[
		'AADSTS50076',
		'authentication',
		'High',
		'user',
		'MFA required',
		"AADSTS50076: Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '<uuid>'."
	],
	[
		'AADSTS53003',
		'permission',
		'High',
		'user',
		'Blocked by Conditional Access',
		'AADSTS53003: Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.'
	],
	[
		'AADSTS65001',
		'permission',
		'High',
		'user',
		'Consent not granted',
		"AADSTS65001: The user or administrator has not consented to use the application with ID '<uuid>' named '<app>'."
	],
	[
		'AADSTS700027',
		'authentication',
		'High',
		'user',
		'Client assertion (certificate) invalid',
		'AADSTS700027: Client assertion failed signature validation.'
	],
	[
		'AADSTS50173',
		'authentication',
		'High',
		'user',
		'Grant expired (password changed)',
		'AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed.'
	],
	[
		'AADSTS700024',
		'authentication',
		'High',
		'user',
		'Client assertion is not within its valid time range',
		'AADSTS700024: Client assertion is not within its valid time range.'
	],
	[
		'AADSTS500011',
		'configuration',
		'High',
		null,
		'Resource principal not found',
		'AADSTS500011: The resource principal named <url> was not found in the tenant named <tenant>.'
	],
	[
		'AADSTS70011',
		'configuration',
		'Medium',
		null,
		'Invalid scope',
		"AADSTS70011: The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid."
	],
	[
		'AADSTS50057',
		'authentication',
		'High',
		'user',
		'The user account is disabled',
		'AADSTS50057: The user account is disabled.'
	],
	[
		'AADSTS50053',
		'authentication',
		'High',
		'user',
		'Account locked',
		"AADSTS50053: The account is locked, you've tried to sign in too many times with an incorrect user ID or password."
	]
];

const KEYVAULT_ROWS: Row[] = [
	[
		'ForbiddenByPolicy',
		'permission',
		'High',
		'secret',
		'Key Vault access policy does not grant the operation',
		"Operation returned an invalid status code 'Forbidden'. Code: Forbidden. Message: The user, group or application 'appid=<uuid>;oid=<uuid>' does not have secrets get permission on key vault '<vault>;location=westeurope'. InnerError: {\"code\":\"AccessDenied\"} ForbiddenByPolicy"
	],
	[
		'ForbiddenByRbac',
		'permission',
		'High',
		'secret',
		'Key Vault RBAC does not grant the operation',
		"Caller is not authorized to perform action on resource. If role assignments, deny assignments or role definitions were changed recently, please observe propagation time. Caller: appid=<uuid>;oid=<uuid>. Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'. Resource: '/subscriptions/<uuid>/resourcegroups/<rg>/providers/microsoft.keyvault/vaults/<vault>/secrets/<secret>'. Assignment: (not found). Vault: <vault>;location=westeurope. ForbiddenByRbac"
	],
	[
		'ForbiddenByFirewall',
		'connectivity',
		'High',
		'secret',
		'Key Vault firewall blocks the client',
		'Client address is not authorized and caller is not a trusted service. Client address: <ip>. Caller: appid=<uuid>. Vault: <vault>;location=westeurope. ForbiddenByFirewall'
	],
	[
		'SecretNotFound',
		'configuration',
		'High',
		'secret',
		'Secret not found in the vault',
		'A secret with (name/id) <secret> was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. SecretNotFound'
	],
	[
		'SecretDisabled',
		'configuration',
		'High',
		'secret',
		'Secret version disabled',
		'Operation get is not allowed on a disabled secret. SecretDisabled'
	],
	[
		'Throttled',
		'throttling',
		'Medium',
		'secret',
		'Key Vault throttled the caller (429)',
		'Status: 429 (Too Many Requests). Rate limit is exceeded. Try again in 10 seconds. ErrorCode: Throttled'
	],
	[
		'VaultNotFound',
		'configuration',
		'High',
		'secret',
		'Key vault not found',
		"The vault '<vault>' could not be found. VaultNotFound"
	]
];

const SPARK_ROWS: Row[] = [
	[
		'REQUIRES_SINGLE_PART_NAMESPACE',
		'configuration',
		'Medium',
		null,
		'Catalog.schema name used where the session catalog takes one part',
		'[REQUIRES_SINGLE_PART_NAMESPACE] spark_catalog requires a single-part namespace, but got <namespace>. SQLSTATE: 42K05'
	],
	[
		'TABLE_OR_VIEW_NOT_FOUND',
		'source_missing',
		'High',
		'table',
		'Table or view not found',
		'[TABLE_OR_VIEW_NOT_FOUND] The table or view `<catalog>`.`<schema>`.`<table>` cannot be found. Verify the spelling and correctness of the schema and catalog. SQLSTATE: 42P01'
	],
	[
		'SCHEMA_NOT_FOUND',
		'source_missing',
		'High',
		'table',
		'Schema not found',
		'[SCHEMA_NOT_FOUND] The schema `<catalog>`.`<schema>` cannot be found. Verify the spelling and correctness of the schema and catalog. SQLSTATE: 42704'
	],
	[
		'PATH_NOT_FOUND',
		'source_missing',
		'High',
		'path',
		'Path does not exist',
		'[PATH_NOT_FOUND] Path does not exist: abfss://<container>@<account>.dfs.core.windows.net/<path>. SQLSTATE: 42K03'
	],
	[
		'UNRESOLVED_COLUMN',
		'schema_mismatch',
		'High',
		'column',
		'Column cannot be resolved',
		'[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `<column>` cannot be resolved. Did you mean one of the following? [`<column2>`, `id`]. SQLSTATE: 42703'
	],
	[
		'UNRESOLVED_COLUMN.WITH_SUGGESTION',
		'schema_mismatch',
		'High',
		'column',
		'Column cannot be resolved',
		'[UNRESOLVED_COLUMN.WITH_SUGGESTION] A column, variable, or function parameter with name `<column>` cannot be resolved. Did you mean one of the following? [`<column2>`]. SQLSTATE: 42703'
	],
	[
		'UNRESOLVED_FIELD',
		'schema_mismatch',
		'High',
		'column',
		'Field cannot be resolved',
		'[UNRESOLVED_FIELD.WITH_SUGGESTION] A field with name `<column>` cannot be resolved with the struct-type column `payload`. SQLSTATE: 42703'
	],
	[
		'FIELD_NOT_FOUND',
		'schema_mismatch',
		'High',
		'column',
		'No such struct field',
		'[FIELD_NOT_FOUND] No such struct field `<column>` in `id`, `name`. SQLSTATE: 42704'
	],
	[
		'INCOMPATIBLE_DATA_FOR_TABLE',
		'schema_mismatch',
		'High',
		'table',
		'Data incompatible with the table',
		'[INCOMPATIBLE_DATA_FOR_TABLE.CANNOT_FIND_DATA] Cannot write incompatible data for the table `<table>`: Cannot find data for the output column `<column>`. SQLSTATE: KD000'
	],
	[
		'INSERT_COLUMN_ARITY_MISMATCH',
		'schema_mismatch',
		'High',
		'table',
		'Column count mismatch on insert',
		'[INSERT_COLUMN_ARITY_MISMATCH.TOO_MANY_DATA_COLUMNS] Cannot write to `<table>`, the reason is too many data columns: Table columns: `id`, `name`. Data columns: `id`, `name`, `<column>`. SQLSTATE: 21S01'
	],
	[
		'DATATYPE_MISMATCH',
		'code_error',
		'Medium',
		null,
		'Data type mismatch in an expression',
		'[DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES] Cannot resolve "(<column> + amount)" due to data type mismatch: the left and right operands of the binary operator have incompatible types ("STRING" and "INT"). SQLSTATE: 42K09'
	],
	[
		'CAST_INVALID_INPUT',
		'data_quality',
		'High',
		'column',
		'A value cannot be cast (malformed)',
		'[CAST_INVALID_INPUT] The value \'<value>\' of the type "STRING" cannot be cast to "INT" because it is malformed. Correct the value as per the syntax, or change its target type. Use `try_cast` to tolerate malformed input and return NULL instead. SQLSTATE: 22018'
	],
	[
		'CAST_OVERFLOW',
		'data_quality',
		'High',
		'column',
		'Cast overflow',
		'[CAST_OVERFLOW] The value 3000000000L of the type "BIGINT" cannot be cast to "INT" due to an overflow. Use `try_cast` to tolerate overflow and return NULL instead. SQLSTATE: 22003'
	],
	[
		'DIVIDE_BY_ZERO',
		'data_quality',
		'Medium',
		null,
		'Division by zero',
		'[DIVIDE_BY_ZERO] Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead. If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error. SQLSTATE: 22012'
	],
	[
		'ARITHMETIC_OVERFLOW',
		'data_quality',
		'Medium',
		null,
		'Arithmetic overflow',
		'[ARITHMETIC_OVERFLOW] long overflow. Use \'try_add\' to tolerate overflow and return NULL instead. If necessary set spark.sql.ansi.enabled to "false" to bypass this error. SQLSTATE: 22003'
	],
	[
		'NUMERIC_VALUE_OUT_OF_RANGE',
		'data_quality',
		'High',
		'column',
		'Numeric value out of range',
		'[NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION] <value> cannot be represented as Decimal(10, 2). If necessary set "spark.sql.ansi.enabled" to "false" to bypass this error, and return NULL instead. SQLSTATE: 22003'
	],
	[
		'MALFORMED_RECORD_IN_PARSING',
		'data_quality',
		'High',
		'path',
		'Malformed record while parsing',
		"[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION] Malformed records are detected in record parsing: [null,null]. Parse Mode: FAILFAST. To process malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'. SQLSTATE: 22023"
	],
	[
		'CANNOT_PARSE_TIMESTAMP',
		'data_quality',
		'High',
		'column',
		'Cannot parse timestamp',
		"[CANNOT_PARSE_TIMESTAMP] Text '<value>' could not be parsed at index 0. Use `try_to_timestamp` to tolerate invalid input string and return NULL instead. SQLSTATE: 22007"
	],
	[
		'NOT_NULL_ASSERT_VIOLATION',
		'data_quality',
		'High',
		'column',
		'NULL in a non-nullable field',
		'[NOT_NULL_ASSERT_VIOLATION] NULL value appeared in non-nullable field: - field (class: "scala.Long", name: "<column>") - root class: "Order" If the schema is inferred from a Scala tuple/case class, or a Java bean, please try to use scala.Option[_] or other nullable types. SQLSTATE: 42000'
	],
	[
		'PARSE_SYNTAX_ERROR',
		'code_error',
		'Medium',
		null,
		'SQL syntax error',
		"[PARSE_SYNTAX_ERROR] Syntax error at or near 'FROM'. SQLSTATE: 42601"
	],
	[
		'UNRESOLVED_ROUTINE',
		'code_error',
		'Medium',
		null,
		'Function cannot be resolved',
		'[UNRESOLVED_ROUTINE] Cannot resolve routine `<name>` on search path [`system`.`builtin`, `system`.`session`, `<catalog>`.`default`]. SQLSTATE: 42883'
	],
	[
		'AMBIGUOUS_REFERENCE',
		'code_error',
		'Medium',
		'column',
		'Ambiguous reference',
		'[AMBIGUOUS_REFERENCE] Reference `<column>` is ambiguous, could be: [`a`.`<column>`, `b`.`<column>`]. SQLSTATE: 42704'
	],
	[
		'MISSING_GROUP_BY',
		'code_error',
		'Medium',
		null,
		'Missing GROUP BY',
		'[MISSING_GROUP_BY] The query does not include a GROUP BY clause. Add GROUP BY or turn it into the window functions using OVER clauses. SQLSTATE: 42803'
	],
	[
		'TABLE_OR_VIEW_ALREADY_EXISTS',
		'configuration',
		'Medium',
		'table',
		'Table already exists',
		'[TABLE_OR_VIEW_ALREADY_EXISTS] Cannot create table or view `<schema>`.`<table>` because it already exists. Choose a different name, drop or replace the existing object, or add the IF NOT EXISTS clause to tolerate pre-existing objects. SQLSTATE: 42P07'
	],
	[
		'INSUFFICIENT_PERMISSIONS',
		'permission',
		'High',
		'table',
		'Insufficient privileges (Unity Catalog)',
		"[INSUFFICIENT_PERMISSIONS] Insufficient privileges: User does not have SELECT on Table '<catalog>.<schema>.<table>'. SQLSTATE: 42501"
	],
	[
		'PERMISSION_DENIED',
		'permission',
		'High',
		'table',
		'Permission denied',
		"[PERMISSION_DENIED] User does not have USE SCHEMA on Schema '<catalog>.<schema>'. SQLSTATE: 42501"
	],
	[
		'UNAUTHORIZED_ACCESS',
		'permission',
		'High',
		'path',
		'Unauthorized access to a location',
		'[UNAUTHORIZED_ACCESS] Unauthorized access: PERMISSION_DENIED: request not authorized. SQLSTATE: 42501'
	],
	[
		'UC_NOT_ENABLED',
		'configuration',
		'Medium',
		null,
		'Unity Catalog not enabled on the compute',
		'[UC_NOT_ENABLED] Unity Catalog is not enabled on this cluster. SQLSTATE: 56038'
	],
	[
		'CLOUD_FILES_SOURCE_NOT_FOUND',
		'source_missing',
		'High',
		'path',
		'Auto Loader source path missing',
		'[CF_EMPTY_DIR_FOR_SCHEMA_INFERENCE] Cannot infer schema when the input path `<path>` is empty. Please try to start the stream when there are files in the input path, or specify the schema. SQLSTATE: 42000'
	],
	[
		'CF_EMPTY_DIR_FOR_SCHEMA_INFERENCE',
		'source_missing',
		'Medium',
		'path',
		'Auto Loader: empty input path',
		'[CF_EMPTY_DIR_FOR_SCHEMA_INFERENCE] Cannot infer schema when the input path `<path>` is empty. Please try to start the stream when there are files in the input path, or specify the schema. SQLSTATE: 42000'
	],
	[
		'UNKNOWN_FIELD_EXCEPTION',
		'schema_mismatch',
		'High',
		'column',
		'Unknown fields found during parsing (schema evolution)',
		'[UNKNOWN_FIELD_EXCEPTION.NEW_FIELDS_IN_RECORD_WITH_FILE_PATH] Encountered unknown fields during parsing: {"<column>":"x"}, which can be fixed by an automatic retry: true. SQLSTATE: KD003'
	],
	[
		'FAILED_READ_FILE',
		'source_missing',
		'High',
		'path',
		'Error while reading a file',
		'[FAILED_READ_FILE.FILE_NOT_EXIST] Error while reading file <path>. File does not exist. It is possible the underlying files have been updated. SQLSTATE: KD001'
	],
	[
		'FAILED_READ_FILE.FILE_NOT_EXIST',
		'source_missing',
		'High',
		'path',
		'File no longer exists',
		"[FAILED_READ_FILE.FILE_NOT_EXIST] Error while reading file <path>. File does not exist. It is possible the underlying files have been updated. You can explicitly invalidate the cache in Spark by running 'REFRESH TABLE tableName' command. SQLSTATE: KD001"
	],
	[
		'FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER',
		'data_quality',
		'High',
		'path',
		'Corrupt file footer',
		'[FAILED_READ_FILE.CANNOT_READ_FILE_FOOTER] Could not read footer for file: <path>. Please ensure that the file is in either ORC or Parquet format. SQLSTATE: KD001'
	],
	[
		'TASK_WRITE_FAILED',
		'unknown',
		'Medium',
		'path',
		'Task failed while writing rows',
		'[TASK_WRITE_FAILED] Task failed while writing rows to <path>. SQLSTATE: 58030'
	],
	[
		'STREAM_FAILED',
		'unknown',
		'Medium',
		null,
		'Streaming query terminated',
		'[STREAM_FAILED] Query [id = <uuid>, runId = <uuid>] terminated with exception: <detail> SQLSTATE: XXKST'
	],
	[
		'SPARK_JOB_CANCELLED',
		'upstream',
		'Medium',
		null,
		'Spark job cancelled',
		'[SPARK_JOB_CANCELLED] Job 42 cancelled part of cancelled job group <uuid> SQLSTATE: XXKDA'
	],
	[
		'INVALID_HANDLE.SESSION_NOT_FOUND',
		'connectivity',
		'Medium',
		null,
		'Spark Connect session lost',
		'[INVALID_HANDLE.SESSION_NOT_FOUND] The handle <uuid> is invalid. Session not found. SQLSTATE: HY000'
	],
	[
		'DATA_SOURCE_NOT_FOUND',
		'dependency',
		'High',
		'library',
		'Data source format not found',
		'[DATA_SOURCE_NOT_FOUND] Failed to find the data source: <name>. Make sure the provider name is correct and the package is properly registered and compatible with your Spark version. SQLSTATE: 42K02'
	],
	[
		'CANNOT_LOAD_FUNCTION_CLASS',
		'dependency',
		'Medium',
		'library',
		'UDF class not on the classpath',
		'[CANNOT_LOAD_FUNCTION_CLASS] Cannot load class <name> when registering the function `<name>`, please make sure it is on the classpath. SQLSTATE: 46103'
	],
	[
		'PYTHON_DATA_SOURCE_ERROR',
		'code_error',
		'Medium',
		null,
		'Python data source error',
		'[PYTHON_DATA_SOURCE_ERROR] Failed to create Python data source instance: <detail> SQLSTATE: 38000'
	],
	[
		'UDF_USER_CODE_ERROR',
		'code_error',
		'Medium',
		null,
		'Error in a user-defined function',
		'[UDF_USER_CODE_ERROR.GENERIC] Execution of function <name> failed. SQLSTATE: 39000'
	],
	[
		'CANNOT_MERGE_SCHEMAS',
		'schema_mismatch',
		'High',
		'table',
		'Schemas cannot be merged',
		'[CANNOT_MERGE_SCHEMAS] Failed merging schemas: Initial schema: "STRUCT<id: BIGINT>" Schema that cannot be merged with the initial schema: "STRUCT<id: STRING>". SQLSTATE: 42KD9'
	],
	[
		'CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE',
		'schema_mismatch',
		'High',
		'column',
		'Incompatible data types in a merge',
		'[CANNOT_MERGE_INCOMPATIBLE_DATA_TYPE] Failed to merge incompatible data types "BIGINT" and "STRING". SQLSTATE: 42825'
	],
	[
		'CANNOT_UP_CAST_DATATYPE',
		'schema_mismatch',
		'High',
		'column',
		'Cannot up-cast',
		'[CANNOT_UP_CAST_DATATYPE] Cannot up cast <column> from "STRING" to "INT". The type path of the target object is: - field (class: "scala.Int", name: "<column>"). SQLSTATE: 42846'
	],
	[
		'EXCEED_LIMIT_LENGTH',
		'data_quality',
		'High',
		'column',
		'Value exceeds char/varchar length',
		'[EXCEED_LIMIT_LENGTH] Exceeds char/varchar type length limitation: 20. SQLSTATE: 54006'
	],
	[
		'DUPLICATED_MAP_KEY',
		'data_quality',
		'Medium',
		null,
		'Duplicate map key',
		'[DUPLICATED_MAP_KEY] Duplicate map key <value> was found, please check the input data. SQLSTATE: 23505'
	],
	[
		'MERGE_CARDINALITY_VIOLATION',
		'data_quality',
		'High',
		'table',
		'MERGE: several source rows match one target row',
		'[DELTA_MULTIPLE_SOURCE_ROW_MATCHING_TARGET_ROW_IN_MERGE] Cannot perform Merge as multiple source rows matched and attempted to modify the same target row in the Delta table in possibly conflicting ways. SQLSTATE: 21506'
	],
	[
		'INVALID_PARAMETER_VALUE',
		'configuration',
		'Medium',
		null,
		'Invalid parameter value',
		'[INVALID_PARAMETER_VALUE.PATTERN] The value of parameter(s) `regexp` in `regexp_extract` is invalid: <value>. SQLSTATE: 22023'
	],
	[
		'CONFIG_NOT_AVAILABLE',
		'configuration',
		'Medium',
		null,
		'Configuration not available',
		'[CONFIG_NOT_AVAILABLE] Configuration <name> is not available. SQLSTATE: 42K0I'
	],
	[
		'NO_ACTIVE_SESSION',
		'connectivity',
		'Medium',
		null,
		'Session closed',
		'[NO_ACTIVE_SESSION] No active Spark session. SQLSTATE: 08003'
	],
	[
		'GC_OVERHEAD',
		'resource_exhausted',
		'High',
		null,
		'GC overhead limit exceeded',
		'java.lang.OutOfMemoryError: GC overhead limit exceeded'
	],
	[
		'UNSUPPORTED_FEATURE',
		'configuration',
		'Medium',
		null,
		'Feature not supported',
		'[UNSUPPORTED_FEATURE.TABLE_OPERATION] The feature is not supported: Table `<table>` does not support MERGE INTO. Please check the current catalog and namespace to make sure the qualified table name is expected, and also check the catalog implementation which is configured by "spark.sql.catalog". SQLSTATE: 0A000'
	],
	[
		'STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA',
		'configuration',
		'Medium',
		null,
		'Streaming state does not match the query',
		'[STREAMING_STATEFUL_OPERATOR_NOT_MATCH_IN_STATE_METADATA] Streaming stateful operator name does not match with the operator in state metadata. SQLSTATE: 42K03'
	]
];

const BIGQUERY_ROWS: Row[] = [
	[
		'accessDenied',
		'permission',
		'High',
		'table',
		'Access denied',
		'403 Access Denied: Table <project>:<dataset>.<table>: User does not have permission to query table <project>:<dataset>.<table>, or perhaps it does not exist. reason: accessDenied'
	],
	[
		'jobInternalError',
		'unknown',
		'Medium',
		null,
		'BigQuery job hit an internal error (transient)',
		'400 The job encountered an internal error during execution and was unable to complete successfully. reason: jobInternalError'
	],
	[
		'jobRateLimitExceeded',
		'throttling',
		'Medium',
		'table',
		'Job exceeded a rate limit (table update operations)',
		'400 Job exceeded rate limits: Your table exceeded quota for table update operations. reason: jobRateLimitExceeded'
	],
	[
		'backendError',
		'unknown',
		'Medium',
		'service',
		'BigQuery backend error (transient)',
		'503 Error encountered during execution. Retrying may solve the problem. reason: backendError'
	],
	[
		'billingNotEnabled',
		'configuration',
		'High',
		null,
		'Billing not enabled',
		'403 Billing has not been enabled for this project. Enable billing at https://console.cloud.google.com/billing. reason: billingNotEnabled'
	],
	[
		'billingTierLimitExceeded',
		'resource_exhausted',
		'Medium',
		null,
		'Billing tier exceeded',
		'400 Query exceeded limit for bytes billed: 1000000000. 12000000000 or higher required. reason: billingTierLimitExceeded'
	],
	[
		'duplicate',
		'configuration',
		'Medium',
		'table',
		'Already exists',
		'409 Already Exists: Table <project>:<dataset>.<table> reason: duplicate'
	],
	[
		'invalid',
		'data_quality',
		'High',
		'table',
		'Invalid input (rows, schema or values)',
		'400 Error while reading data, error message: CSV table encountered too many errors, giving up. Rows: 5; errors: 1. Please look into the errors[] collection for more details. reason: invalid'
	],
	[
		'invalidQuery',
		'code_error',
		'Medium',
		null,
		'Invalid query',
		'400 Syntax error: Unexpected keyword FROM at [3:1] reason: invalidQuery'
	],
	[
		'notFound',
		'source_missing',
		'High',
		'table',
		'Not found',
		'404 Not found: Table <project>:<dataset>.<table> was not found in location EU reason: notFound'
	],
	[
		'quotaExceeded',
		'throttling',
		'Medium',
		null,
		'Quota exceeded',
		'403 Quota exceeded: Your table exceeded quota for Number of partition modifications to a column partitioned table. reason: quotaExceeded'
	],
	[
		'rateLimitExceeded',
		'throttling',
		'Medium',
		null,
		'Rate limit exceeded',
		'403 Exceeded rate limits: too many table update operations for this table. reason: rateLimitExceeded'
	],
	[
		'resourcesExceeded',
		'resource_exhausted',
		'High',
		null,
		'Query exceeded resource limits',
		'400 Resources exceeded during query execution: The query could not be executed in the allotted memory. Peak usage: 135% of limit. reason: resourcesExceeded'
	],
	[
		'responseTooLarge',
		'resource_exhausted',
		'Medium',
		null,
		'Response too large',
		'403 Response too large to return. Consider specifying a destination table in your job configuration. reason: responseTooLarge'
	],
	[
		'timeout',
		'timeout',
		'Medium',
		null,
		'Job timed out',
		'400 Operation timed out after 6.0 hours. Consider reducing the amount of work performed by your operation so that it can complete within this limit. reason: timeout'
	],
	[
		'stopped',
		'upstream',
		'Low',
		null,
		'Job stopped',
		'Job execution was cancelled: User requested cancellation reason: stopped'
	],
	[
		'tableUnavailable',
		'connectivity',
		'Medium',
		'table',
		'Table temporarily unavailable',
		'400 Table <project>:<dataset>.<table> is temporarily unavailable. reason: tableUnavailable'
	],
	[
		'invalidUser',
		'authentication',
		'High',
		'user',
		'Invalid user',
		'400 Invalid user: the service account <user> is invalid or deleted. reason: invalidUser'
	],
	[
		'internalError',
		'unknown',
		'Medium',
		null,
		'Internal error',
		'500 An internal error occurred and the request could not be completed. reason: internalError'
	]
];

/** Error codes of the Databricks REST API (the SDK maps each to an HTTP status). */
const DATABRICKS_API_ROWS: Row[] = [
	[
		'REQUEST_LIMIT_EXCEEDED',
		'throttling',
		'Medium',
		'service',
		'Workspace API rate limit reached (429)',
		'databricks.sdk.errors.platform.TooManyRequests: REQUEST_LIMIT_EXCEEDED: <detail>'
	],
	[
		'RESOURCE_EXHAUSTED',
		'throttling',
		'Medium',
		'service',
		'Per-user or per-workspace rate limiting rejected the call (429)',
		'databricks.sdk.errors.platform.ResourceExhausted: RESOURCE_EXHAUSTED: Too many requests. Please wait a moment and try again.'
	],
	[
		'QUOTA_EXCEEDED',
		'resource_exhausted',
		'High',
		'service',
		'A workspace quota (number of jobs, clusters, pipelines) is reached',
		"{'error_code': 'QUOTA_EXCEEDED', 'message': 'The quota for the number of jobs has been reached. The current quota is <detail>.'}"
	]
];

const AIRFLOW_ROWS: Row[] = [
	[
		'AirflowTaskTimeout',
		'timeout',
		'Medium',
		'task',
		'Task exceeded execution_timeout',
		'airflow.exceptions.AirflowTaskTimeout: Timeout, PID: <pid>'
	],
	[
		'AirflowSensorTimeout',
		'upstream',
		'Medium',
		'task',
		'Sensor timed out waiting for its condition (upstream late)',
		'airflow.exceptions.AirflowSensorTimeout: Sensor has timed out; run duration of 3600.0 seconds exceeds the specified timeout of 3600.0.'
	],
	[
		'AirflowNotFoundException',
		'configuration',
		'High',
		'task',
		'Connection or variable not defined',
		"airflow.exceptions.AirflowNotFoundException: The conn_id `<conn>` isn't defined"
	],
	[
		'AirflowTaskTerminated',
		'unknown',
		'Medium',
		'task',
		'Task process was killed',
		'airflow.exceptions.AirflowTaskTerminated: Task received SIGTERM signal'
	],
	[
		'DagRunAlreadyExists',
		'configuration',
		'Low',
		null,
		'DAG run already exists',
		'airflow.exceptions.DagRunAlreadyExists: A DAG Run already exists for DAG <dag> with run id <runId>'
	],
	[
		'AirflowConfigException',
		'configuration',
		'Medium',
		null,
		'Invalid Airflow configuration',
		'airflow.exceptions.AirflowConfigException: section/key [core/executor] not found in config'
	],
	[
		'DuplicateTaskIdFound',
		'code_error',
		'Medium',
		'task',
		'Duplicate task id in a DAG',
		"airflow.exceptions.DuplicateTaskIdFound: Task id '<task>' has already been added to the DAG"
	],
	[
		'AirflowDagCycleException',
		'code_error',
		'Medium',
		null,
		'Cycle in the DAG',
		'airflow.exceptions.AirflowDagCycleException: Cycle detected in DAG: <dag>. Faulty task: <task>'
	],
	[
		'TaskDeferralError',
		'code_error',
		'Medium',
		'task',
		'Task deferral failed',
		'airflow.exceptions.TaskDeferralError: Trigger failure'
	],
	[
		'PoolNotFound',
		'configuration',
		'Medium',
		null,
		'Pool not found',
		"airflow.exceptions.PoolNotFound: Pool '<name>' doesn't exist"
	],
	[
		'CONNECTION_NOT_FOUND',
		'configuration',
		'Medium',
		'task',
		'Connection not defined (task SDK)',
		"AirflowRuntimeError: CONNECTION_NOT_FOUND: {'conn_id': '<conn>'}"
	],
	[
		'upstream_failed',
		'upstream',
		'Medium',
		'task',
		'An upstream task failed',
		'Task <task> in DAG <dag> was marked upstream_failed: upstream task(s) failed. Dependencies not met for <TaskInstance: <dag>.<task> manual__<date> [upstream_failed]>'
	],
	[
		'ZombieTask',
		'resource_exhausted',
		'High',
		'task',
		'Task detected as zombie (worker died)',
		'Detected <TaskInstance: <dag>.<task> scheduled__<date> [running]> as zombie'
	],
	[
		'ReturnCodeMinus9',
		'resource_exhausted',
		'High',
		'task',
		'Task killed with SIGKILL (OOM)',
		'Task exited with return code -9'
	],
	[
		'AirflowBadRequest',
		'configuration',
		'Medium',
		null,
		'Bad request to Airflow',
		'airflow.exceptions.AirflowBadRequest: Invalid arguments were passed.'
	]
];

/**
 * Codes whose documented causes the message does not tell apart; the classifier answers them
 * with Medium confidence and says what else the code may mean.
 */
const AMBIGUOUS: Record<string, string> = {
	'000606':
		'Snowflake gives this both when no default warehouse is set and when the role lacks USAGE on the warehouse.',
	'002003':
		'Snowflake says "does not exist or not authorized" for both a missing object and a role without privileges on it.',
	'100038':
		'A value that is not a number: bad data, or a file format that does not match the file (header row not skipped, wrong delimiter or quoting).',
	'15165': 'SQL Server says "could not find object or you do not have permission" for both causes.',
	'000904':
		'An invalid identifier is a column renamed or dropped upstream, a typo in the query, or a quoted mixed-case name referenced without quotes.',
	AuthorizationFailure:
		'Azure Storage answers this both when the firewall or network rules block the caller and when a SAS token lacks the permission; a missing RBAC role says AuthorizationPermissionMismatch instead.'
};

/** Next steps for rows whose category's generic steps would mislead. */
const STEPS: Record<string, string[]> = {
	AirflowTaskTerminated: [
		'Read the scheduler and worker logs at the time of the SIGTERM: a cleared or externally changed task state, a missed heartbeat, a pod eviction or a worker restart all send it.',
		'If memory ran out the task usually gets SIGKILL (-9) instead; if execution_timeout fired the log says AirflowTaskTimeout.'
	],
	AuthorizationFailure: [
		"Check the storage account's Firewalls and virtual networks: allow the caller's VNet/subnet or IP, or a private endpoint, or enable trusted Microsoft services.",
		'If the caller uses a SAS token, check it grants the operation (read, write, list) and has not expired.'
	],
	'000606': [
		'Set a default warehouse for the user or name one in the connection (warehouse=..., USE WAREHOUSE).',
		'Grant USAGE on that warehouse to the role the connection uses, and check the warehouse exists and is not suspended for good.'
	],
	'100038': [
		'Open the file at the line and column in the message: if it is a header row or a shifted column, fix the file format (SKIP_HEADER, FIELD_DELIMITER, FIELD_OPTIONALLY_ENCLOSED_BY).',
		'If the value itself is bad, fix it at the source or load with ON_ERROR = CONTINUE and review the rejected rows.'
	]
};

function expand(system: System, source: string, rows: Row[]): CatalogueEntry[] {
	return rows.map(([code, category, severity, entity, title, template]) => ({
		code,
		system,
		category,
		severity,
		...(entity ? { entity } : {}),
		title,
		template,
		source,
		...(AMBIGUOUS[code] ? { ambiguous: AMBIGUOUS[code] } : {}),
		...(STEPS[code] ? { steps: STEPS[code] } : {})
	}));
}

export const HAND_ENTRIES: readonly CatalogueEntry[] = [
	...ADF_ROWS.flatMap(([source, rows]) => expand('adf', source, rows)),
	...expand(
		'sqlserver',
		SQL_ERRORS,
		SQL_ROWS.filter(([code]) => !AZURE_SQL_CODES.has(code))
	),
	...expand(
		'sqlserver',
		AZURE_SQL,
		SQL_ROWS.filter(([code]) => AZURE_SQL_CODES.has(code))
	),
	...expand('azure-storage', STORAGE, STORAGE_ROWS.slice(0, 4)),
	...expand('azure-storage', STORAGE_COMMON, STORAGE_ROWS.slice(4)),
	...expand('entra', ENTRA, ENTRA_ROWS),
	...expand('keyvault', KEYVAULT, KEYVAULT_ROWS),
	...expand('spark', SPARK, SPARK_ROWS),
	...expand('bigquery', BIGQUERY, BIGQUERY_ROWS),
	...expand('databricks', DATABRICKS_API, DATABRICKS_API_ROWS),
	...expand('airflow', AIRFLOW, AIRFLOW_ROWS)
];
