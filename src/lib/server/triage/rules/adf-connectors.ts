import { adlsPath, blobPath, sourceFile, sqlServer, storageUrl, tableName } from './entity.ts';
import type { Rule } from './rule.ts';
import { rule } from './rule.ts';

/** Copy activity and connector failures, from Microsoft's ADF connector troubleshooting pages. */

const ADF = 'https://learn.microsoft.com/en-us/azure/data-factory';
const BLOB = `${ADF}/connector-troubleshoot-azure-blob-storage`;
const ADLS = `${ADF}/connector-troubleshoot-azure-data-lake`;
const SQL = `${ADF}/connector-troubleshoot-synapse-sql`;
const DELIMITED = `${ADF}/connector-troubleshoot-delimited-text`;
const PARQUET = `${ADF}/connector-troubleshoot-parquet`;
const SFTP = `${ADF}/connector-troubleshoot-ftp-sftp-http`;
const SNOWFLAKE = `${ADF}/connector-troubleshoot-snowflake`;
const CONNECTORS = `${ADF}/connector-troubleshoot-guide`;
const STORAGE_ERRORS =
	'https://learn.microsoft.com/en-us/rest/api/storageservices/common-rest-api-error-codes';
const SQL_ERRORS = 'https://learn.microsoft.com/en-us/sql/relational-databases/errors-events';

const JAVA_OOM = /OutOfMemory|Java heap space/i;

export const ADF_CONNECTOR_RULES: readonly Rule[] = [
	rule({
		errorType: 'UserErrorSourceBlobNotExists',
		codes: ['UserErrorSourceBlobNotExists', 'BlobNotFound', 'ContainerNotFound'],
		patterns: [/The required Blob is missing/i, /The specified (?:blob|container) does not exist/i],
		category: 'source_missing',
		severity: 'High',
		autoHealPossible: false,
		entity: blobPath,
		noun: 'source blob',
		rootCause: (s) =>
			`The copy activity could not find ${s}; the file was not delivered or the dataset path is wrong.`,
		recommendations: [
			'Check whether the upstream system delivered the file for this run (list the container path in Storage Explorer or with `az storage blob list`).',
			'Verify the dataset folder and file name, including dynamic date expressions, resolve to the expected path.',
			'If files can arrive late, gate the copy with a Validation or Get Metadata activity or use a storage event trigger.'
		],
		docs: BLOB
	}),
	rule({
		errorType: 'UserErrorFileNotFound',
		codes: ['UserErrorFileNotFound', 'PathNotFound', 'FilesystemNotFound'],
		patterns: [/The specified (?:path|filesystem) does not exist/i],
		category: 'source_missing',
		severity: 'High',
		autoHealPossible: false,
		entity: adlsPath,
		noun: 'ADLS Gen2 path',
		rootCause: (s) => `The activity could not find ${s} in Azure Data Lake Storage Gen2.`,
		recommendations: [
			'Confirm the file system (container) and folder exist for this run date and that the upstream job wrote them.',
			'Check the dataset path parameters and wildcard settings resolve to an existing path.',
			'If the folder is created by an earlier activity, make this activity depend on its success.'
		],
		docs: ADLS
	}),
	rule({
		errorType: 'AuthorizationPermissionMismatch',
		codes: ['AuthorizationPermissionMismatch'],
		patterns: [/This request is not authorized to perform this operation using this permission/i],
		category: 'permission',
		severity: 'High',
		autoHealPossible: false,
		entity: adlsPath,
		noun: 'storage path',
		rootCause: (s) =>
			`The identity used by the linked service lacks the data-plane role or ACL needed on ${s}.`,
		recommendations: [
			"Grant the factory's managed identity (or the linked service's service principal) Storage Blob Data Reader or Contributor on the account or container.",
			'For ADLS Gen2 ACLs, give the identity execute (x) on every parent folder and read/write on the target path.',
			'Role assignments can take several minutes to apply; rerun once the assignment shows in Access control (IAM).'
		],
		docs: ADLS
	}),
	rule({
		errorType: 'AuthorizationFailure',
		codes: ['AuthorizationFailure'],
		patterns: [/This request is not authorized to perform this operation(?! using)/i],
		category: 'permission',
		severity: 'High',
		autoHealPossible: false,
		entity: storageUrl,
		noun: 'storage account',
		rootCause: (s) =>
			`Requests to ${s} were rejected, most often by the storage firewall or network rules.`,
		recommendations: [
			'Check the storage account networking: allow the integration runtime IPs or VNet, or enable "Allow trusted Microsoft services".',
			'With a managed VNet integration runtime, create and approve a managed private endpoint to the storage account.',
			'Confirm the SAS token or key in the linked service grants the needed permissions.'
		],
		docs: STORAGE_ERRORS
	}),
	rule({
		errorType: 'AuthenticationFailed',
		codes: ['AuthenticationFailed'],
		patterns: [
			/Server failed to authenticate the request/i,
			/Signature not valid in the specified time frame/i,
			/Signature did not match/i
		],
		category: 'authentication',
		severity: 'High',
		autoHealPossible: false,
		entity: storageUrl,
		noun: 'storage account',
		rootCause: (s) =>
			`Authentication to ${s} failed: the account key was rotated or the SAS token expired or is malformed.`,
		recommendations: [
			'Check the SAS token expiry (se=) and regenerate it, or update the account key after a rotation.',
			'Store the key or SAS in Key Vault so rotations reach every linked service, or switch to managed identity.',
			'Test the linked service connection in ADF Studio after updating the credential.'
		],
		docs: STORAGE_ERRORS
	}),
	rule({
		errorType: 'SqlFailedToConnect',
		codes: ['SqlFailedToConnect'],
		patterns: [
			/Cannot connect to SQL Database/i,
			/A network-related or instance-specific error occurred while establishing a connection to SQL Server/i
		],
		category: 'connectivity',
		severity: 'High',
		autoHealPossible: true,
		entity: sqlServer,
		noun: 'SQL server',
		rootCause: (s) =>
			`The integration runtime could not open a connection to ${s} (firewall, network path or a paused database).`,
		recommendations: [
			"Allow the integration runtime to reach the server: add its outbound IPs to the SQL firewall, enable 'Allow Azure services', or use a private endpoint.",
			'Test the linked service connection in ADF Studio with the same integration runtime.',
			'If the database is serverless and was auto-paused, rerun once it has resumed or raise the auto-pause delay.'
		],
		docs: SQL
	}),
	rule({
		errorType: 'SqlUnauthorizedAccess',
		codes: ['SqlUnauthorizedAccess'],
		patterns: [/Login failed for user/i],
		category: 'authentication',
		severity: 'High',
		autoHealPossible: false,
		entity: sqlServer,
		noun: 'SQL server',
		rootCause: (s) => `The login configured in the linked service was rejected by ${s}.`,
		recommendations: [
			'Verify the user name and password (or the Key Vault secret they come from) in the linked service.',
			"For managed identity authentication, create the factory's user in the database (CREATE USER [factory-name] FROM EXTERNAL PROVIDER) and grant it a role.",
			'Check the login is not disabled, locked or missing from the target database.'
		],
		docs: `${SQL_ERRORS}/mssqlserver-18456-database-engine-error`
	}),
	rule({
		errorType: 'SqlInvalidColumnName',
		codes: ['SqlInvalidColumnName'],
		patterns: [/Column '[^']+' does not exist in the table/i, /Invalid column name '[^']+'/i],
		category: 'schema_mismatch',
		severity: 'High',
		autoHealPossible: false,
		entity: tableName,
		noun: 'table',
		rootCause: (s) =>
			`A column used by the copy mapping or query does not exist in ${s}; source and sink schemas have drifted.`,
		recommendations: [
			'Compare the copy activity column mapping with the current table definition and re-import the schema.',
			'If the column was renamed or dropped on purpose, update the mapping, query or stored procedure.',
			'Check whether a deployment changed the table without updating the pipeline.'
		],
		docs: SQL
	}),
	rule({
		errorType: 'SqlPrimaryKeyViolation',
		patterns: [/Violation of PRIMARY KEY constraint/i, /Cannot insert duplicate key/i],
		category: 'data_quality',
		severity: 'High',
		autoHealPossible: false,
		entity: tableName,
		noun: 'table',
		rootCause: (s) =>
			`The load tried to insert rows whose primary key already exists in ${s} (duplicates in the source or a re-run of an already loaded batch).`,
		recommendations: [
			'Look up the duplicate key value shown in the message in both the source batch and the target table.',
			'Make the load idempotent: use the copy activity Upsert write behavior with key columns, or a MERGE stored procedure.',
			'If a partial earlier run left rows behind, clean the staging table before rerunning.'
		],
		docs: `${SQL_ERRORS}/mssqlserver-2627-database-engine-error`
	}),
	rule({
		errorType: 'SqlBatchWriteTimeout',
		codes: ['SqlBatchWriteTimeout'],
		patterns: [/Timeouts in SQL write operation/i],
		category: 'timeout',
		severity: 'Medium',
		autoHealPossible: true,
		entity: sqlServer,
		noun: 'SQL server',
		rootCause: (s) =>
			`Batch writes to ${s} exceeded the write timeout, usually because the database was busy or under-provisioned.`,
		recommendations: [
			'Check the database DTU/vCore usage and blocking during the run; scale up for the load window if it is saturated.',
			'Lower the sink write batch size or raise the write batch timeout on the copy sink.',
			'Rerun the activity; transient load spikes usually clear.'
		],
		docs: SQL
	}),
	rule({
		errorType: 'SqlBulkCopyInvalidColumnLength',
		codes: ['SqlBulkCopyInvalidColumnLength'],
		patterns: [/invalid column length from the bcp client/i],
		category: 'data_quality',
		severity: 'High',
		autoHealPossible: false,
		entity: tableName,
		noun: 'table',
		rootCause: (s) => `A source value is longer than the target column allows in ${s}.`,
		recommendations: [
			'Enable fault tolerance logging on the copy activity to find the offending rows and column.',
			'Widen the target column or trim/validate the value upstream.'
		],
		docs: SQL
	}),
	rule({
		errorType: 'DelimitedTextColumnNameNotAllowNull',
		codes: ['DelimitedTextColumnNameNotAllowNull'],
		patterns: [/The name of column index \d+ is empty/i],
		category: 'data_quality',
		severity: 'Medium',
		autoHealPossible: false,
		entity: sourceFile,
		noun: 'file',
		rootCause: (s) =>
			`The header row of ${s} has an empty column name, so the delimited text source cannot build its schema.`,
		recommendations: [
			'Open the file and fix the header row (empty names often come from a trailing delimiter).',
			"If the file has no header, clear 'First row as header' on the dataset and map columns by position."
		],
		docs: DELIMITED
	}),
	rule({
		errorType: 'DelimitedTextMoreColumnsThanDefined',
		codes: ['DelimitedTextMoreColumnsThanDefined'],
		patterns: [/found more columns than expected column count/i],
		category: 'data_quality',
		severity: 'Medium',
		autoHealPossible: false,
		entity: sourceFile,
		noun: 'file',
		rootCause: (s) =>
			`A row in ${s} has more fields than the header, typically an unquoted delimiter inside a value or a changed file layout.`,
		recommendations: [
			'Inspect the row number given in the message for unescaped delimiters or quotes.',
			'Check the dataset column delimiter, quote and escape characters match the file.',
			'Enable fault tolerance (skip incompatible rows) if bad rows are expected, and log them for follow-up.'
		],
		docs: DELIMITED
	}),
	rule({
		errorType: 'ParquetJavaInvocationException',
		codes: ['ParquetJavaInvocationException'],
		patterns: [/An error occurred when invoking java/i],
		category: 'resource_exhausted',
		severity: 'High',
		autoHealPossible: false,
		adjust: (text) => (JAVA_OOM.test(text) ? null : { category: 'dependency' }),
		rootCause: (s) =>
			`The Java runtime used to read or write Parquet failed for ${s}; with "Java heap space" the self-hosted integration runtime ran out of JVM memory.`,
		recommendations: [
			'On the self-hosted IR machine, raise the JVM heap with the _JAVA_OPTIONS environment variable (for example -Xms256m -Xmx16g) and restart the IR service.',
			'Update the self-hosted integration runtime and the installed JRE to current versions.',
			'Reduce parallel copies on the activity so fewer Parquet writers share the heap.'
		],
		docs: PARQUET
	}),
	rule({
		errorType: 'ParquetColumnNotFound',
		codes: ['ParquetColumnNotFound'],
		patterns: [/does not exist in Parquet file/i],
		category: 'schema_mismatch',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) => `A mapped column is missing from the Parquet file read by ${s}.`,
		recommendations: [
			'Compare the copy mapping with the columns of the current Parquet file (re-import the schema).',
			'Ask the producer whether the column was renamed or dropped, then update the mapping.'
		],
		docs: PARQUET
	}),
	rule({
		errorType: 'JreNotFound',
		codes: ['JreNotFound'],
		patterns: [/Java Runtime Environment cannot be found/i],
		category: 'dependency',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) =>
			`The self-hosted integration runtime used by ${s} has no Java runtime, which Parquet and ORC need.`,
		recommendations: [
			'Install a 64-bit JRE (or OpenJDK) on every self-hosted IR node and set JAVA_HOME.',
			'Restart the integration runtime service and rerun the pipeline.'
		],
		docs: CONNECTORS
	}),
	rule({
		errorType: 'SftpInvalidSftpCredential',
		codes: ['SftpInvalidSftpCredential'],
		patterns: [/Invalid SFTP credential provided/i],
		category: 'authentication',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) => `The SFTP server rejected the credentials configured for ${s}.`,
		recommendations: [
			'Check the user name, password or private key (and its passphrase) stored for the SFTP linked service.',
			'For SSH public key authentication, make sure the key is in OpenSSH format and the public key is installed on the server.'
		],
		docs: SFTP
	}),
	rule({
		errorType: 'SftpFailedToConnectToSftpServer',
		codes: ['SftpFailedToConnectToSftpServer'],
		patterns: [/Failed to connect to SFTP server/i],
		category: 'connectivity',
		severity: 'High',
		autoHealPossible: true,
		rootCause: (s) => `The integration runtime could not reach the SFTP server used by ${s}.`,
		recommendations: [
			'Check the host name and port in the linked service and that the server is up.',
			'Allow the integration runtime IPs through the SFTP server firewall.',
			'Rerun once connectivity is restored; short outages are common on partner SFTP servers.'
		],
		docs: SFTP
	}),
	rule({
		errorType: 'SnowflakeAuthenticationFailed',
		patterns: [/Incorrect username or password was specified/i],
		category: 'authentication',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) => `Snowflake rejected the user or password configured for ${s}.`,
		recommendations: [
			'Verify the Snowflake user and password (or key pair) in the linked service or Key Vault.',
			'Check the Snowflake user is not disabled or locked after failed logins.'
		],
		docs: SNOWFLAKE
	}),
	rule({
		errorType: 'SnowflakeIpNotAllowed',
		patterns: [/IP [\d.]+ is not allowed to access Snowflake/i],
		category: 'connectivity',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) => `A Snowflake network policy blocks the integration runtime IP used by ${s}.`,
		recommendations: [
			'Add the integration runtime outbound IPs (or the Azure service tag ranges) to the Snowflake network policy.',
			'Prefer a self-hosted or managed VNet IR with a fixed egress IP so the policy stays stable.'
		],
		docs: SNOWFLAKE
	}),
	rule({
		errorType: 'SnowflakeInsufficientPrivileges',
		patterns: [/Insufficient privileges to operate on/i],
		category: 'permission',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) =>
			`The Snowflake role used by ${s} lacks a privilege on the target database, schema, table or stage.`,
		recommendations: [
			'Grant the role the missing privilege (USAGE on database and schema, INSERT/SELECT on the table, USAGE on the stage).',
			'Check the linked service uses the intended role and warehouse.'
		],
		docs: SNOWFLAKE
	}),
	rule({
		errorType: 'SqlOperationFailed',
		tier: 'wrapper',
		codes: ['SqlOperationFailed'],
		patterns: [/A database operation failed/i],
		category: 'code_error',
		severity: 'High',
		autoHealPossible: false,
		entity: sqlServer,
		noun: 'SQL server',
		rootCause: (s) =>
			`A statement run by the copy activity failed on ${s}; the inner SqlException holds the cause.`,
		recommendations: [
			'Read the inner SqlException message and SqlErrorNumber in the activity output.',
			'Run the same query, pre-copy script or stored procedure directly against the database to reproduce.',
			'Check for recent schema, permission or constraint changes on the sink table.'
		],
		docs: SQL
	}),
	rule({
		errorType: 'ADLSGen2OperationFailed',
		tier: 'wrapper',
		codes: ['ADLSGen2OperationFailed'],
		patterns: [/ADLS Gen2 operation failed/i],
		category: 'connectivity',
		severity: 'High',
		autoHealPossible: false,
		entity: adlsPath,
		noun: 'ADLS Gen2 path',
		rootCause: (s) =>
			`A storage call on ${s} failed; the inner storage error code gives the reason.`,
		recommendations: [
			"Read the inner 'ErrorCode' and HTTP status in the message (403 = permission or firewall, 404 = missing path).",
			'Test the linked service connection and browse the path in ADF Studio with the same integration runtime.'
		],
		docs: ADLS
	}),
	rule({
		errorType: 'AzureBlobOperationFailed',
		tier: 'wrapper',
		codes: ['AzureBlobOperationFailed'],
		patterns: [/Blob operation Failed/i],
		category: 'connectivity',
		severity: 'High',
		autoHealPossible: false,
		entity: blobPath,
		noun: 'blob path',
		rootCause: (s) =>
			`A Blob storage call on ${s} failed; the inner storage error gives the reason.`,
		recommendations: [
			'Read the inner storage error code and HTTP status in the message.',
			'Test the linked service connection and browse the container in ADF Studio with the same integration runtime.'
		],
		docs: BLOB
	}),
	rule({
		errorType: 'CopyActivityFailure',
		tier: 'wrapper',
		codes: ['2200'],
		category: 'unknown',
		severity: 'Medium',
		autoHealPossible: false,
		rootCause: (s) =>
			`The copy activity in ${s} failed (ADF error 2200) without a more specific known cause.`,
		recommendations: [
			'Open the activity run output in ADF Monitor and read the full error, including the inner exception.',
			'Check whether the source, sink or linked service changed since the last successful run.',
			'Rerun once; if it fails again, escalate to the owner of the failing side (source or sink).'
		],
		docs: CONNECTORS
	})
];
