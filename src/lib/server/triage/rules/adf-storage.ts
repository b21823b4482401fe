import { adlsPath, blobPath, sftpHost, sourceFile, storageUrl } from './entity.ts';
import type { Rule } from './rule.ts';
import { rule } from './rule.ts';

/** Copy activity failures on files: Blob, ADLS Gen2, SFTP, delimited text and Parquet. */

const ADF = 'https://learn.microsoft.com/en-us/azure/data-factory';
const BLOB = `${ADF}/connector-troubleshoot-azure-blob-storage`;
const ADLS = `${ADF}/connector-troubleshoot-azure-data-lake`;
const DELIMITED = `${ADF}/connector-troubleshoot-delimited-text`;
const PARQUET = `${ADF}/connector-troubleshoot-parquet`;
const SFTP = `${ADF}/connector-troubleshoot-ftp-sftp-http`;
const CONNECTORS = `${ADF}/connector-troubleshoot-guide`;
const STORAGE_ERRORS =
	'https://learn.microsoft.com/en-us/rest/api/storageservices/common-rest-api-error-codes';

const JAVA_OOM = /OutOfMemory|Java heap space/i;

export const ADF_STORAGE_RULES: readonly Rule[] = [
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
		patterns: [
			/Firewalls (?:&|and) virtual networks'? settings (?:of this storage account )?may be blocking/i,
			/This request is not authorized to perform this operation(?! using)/i
		],
		// Azure Storage's own troubleshooting: this 403 (without "using this permission") is what
		// the storage firewall answers; a missing role answers AuthorizationPermissionMismatch.
		category: 'connectivity',
		ambiguous:
			'Azure Storage answers this both when the firewall or network rules block the caller and when a SAS token lacks the permission.',
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
		entity: sftpHost,
		noun: 'SFTP server',
		rootCause: (s) => `The integration runtime could not reach ${s}.`,
		recommendations: [
			'Check the host name and port in the linked service and that the server is up.',
			'Allow the integration runtime IPs through the SFTP server firewall.',
			'Rerun once connectivity is restored; short outages are common on partner SFTP servers.'
		],
		docs: SFTP
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
