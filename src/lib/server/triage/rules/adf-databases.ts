import { sqlServer, tableName } from './entity.ts';
import type { Rule } from './rule.ts';
import { rule } from './rule.ts';

/** Copy activity failures on databases: Azure SQL, Synapse, SQL Server and Snowflake. */

const ADF = 'https://learn.microsoft.com/en-us/azure/data-factory';
const SQL = `${ADF}/connector-troubleshoot-synapse-sql`;
const SNOWFLAKE = `${ADF}/connector-troubleshoot-snowflake`;
const SQL_ERRORS = 'https://learn.microsoft.com/en-us/sql/relational-databases/errors-events';

export const ADF_DATABASE_RULES: readonly Rule[] = [
	rule({
		errorType: 'SqlFailedToConnect',
		codes: ['SqlFailedToConnect'],
		patterns: [
			/Cannot connect to SQL Database/i,
			/A network-related or instance-specific error (?:has )?occurred while establishing a connection/i
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
		codes: ['SqlUnauthorizedAccess', '18456'],
		patterns: [/Login failed for user/i],
		// Entra ID already accepted the token: the database has no user (or no access) for it.
		adjust: (text) =>
			/Login failed for user '<token-identified principal>'/i.test(text)
				? { category: 'permission' }
				: null,
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
		// A temp table (#name) is filled by the procedure itself: the duplicate is its own bug.
		adjust: (text) =>
			/duplicate key in object '(?:\w+\.)?#/i.test(text) ? { category: 'code_error' } : null,
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
	})
];
