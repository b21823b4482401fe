import type { Category, Severity } from './types.ts';

/**
 * Phrasing that carries no code but names its cause, from the product documentation and the
 * messages quoted in public issue threads. Tried on the innermost layer first; the first phrase
 * that matches decides. Each row says where the phrase comes from.
 */
export interface Phrase {
	id: string;
	pattern: RegExp;
	category: Category;
	severity: Severity;
	autoHeal: boolean;
	source: string;
}

const SQL =
	'https://learn.microsoft.com/sql/relational-databases/errors-events/database-engine-events-and-errors';
const PG = 'https://www.postgresql.org/docs/current/errcodes-appendix.html';
const KB = 'https://kb.databricks.com/';
const PY = 'https://docs.python.org/3/library/exceptions.html';
const HTTP = 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Status';
const DBT = 'https://docs.getdbt.com/guides/debug-errors';
const AIRFLOW = 'https://airflow.apache.org/docs/apache-airflow/stable/troubleshooting.html';
const DELTA = 'https://docs.databricks.com/en/optimizations/isolation-level.html';
const S3 = 'https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html';
const SNOWFLAKE_FORMAT = 'https://docs.snowflake.com/en/sql-reference/sql/create-file-format';
const SNOWFLAKE_ADF =
	'https://learn.microsoft.com/azure/data-factory/connector-troubleshoot-snowflake';
const BIGQUERY = 'https://cloud.google.com/bigquery/docs/error-messages';
const ADF_EXPRESSIONS =
	'https://learn.microsoft.com/azure/data-factory/control-flow-expression-language-functions';
const ADF_ACTIVITIES =
	'https://learn.microsoft.com/azure/data-factory/data-factory-troubleshoot-guide';
const SNOWFLAKE_MONITORS = 'https://docs.snowflake.com/en/user-guide/resource-monitors';
const SNOWFLAKE_PANDAS =
	'https://docs.snowflake.com/en/developer-guide/python-connector/python-connector-pandas';
const GX =
	'https://docs.greatexpectations.io/docs/core/trigger_actions_based_on_results/create_a_checkpoint_with_actions';
const SPARK_CONDITIONS = 'https://spark.apache.org/docs/latest/sql-error-conditions.html';
const SPARK_PARQUET = 'https://kb.databricks.com/scala/spark-job-fail-parquet-column-convert';
const ADF_MAPPING =
	'https://learn.microsoft.com/azure/data-factory/copy-activity-schema-and-type-mapping';
const BIGQUERY_STREAMING = 'https://cloud.google.com/bigquery/docs/streaming-data-into-bigquery';
const SNOWFLAKE_ERRORS = 'https://docs.snowflake.com/en/sql-reference/sql/insert';
const DBT_ENV = 'https://docs.getdbt.com/reference/dbt-jinja-functions/env_var';
const JAVA_LINKAGE = 'https://docs.oracle.com/javase/8/docs/api/java/lang/LinkageError.html';

type Row = [
	id: string,
	pattern: RegExp,
	category: Category,
	severity: Severity,
	autoHeal: boolean,
	source: string
];

const ROWS: Row[] = [
	// Entra ID accepted the token; the database has no user or access for that principal.
	[
		'TokenPrincipalNoAccess',
		/Login failed for user '<token-identified principal>'/i,
		'permission',
		'High',
		false,
		SQL
	],
	// authentication before connectivity: "Cannot connect … Login failed" is a credential problem.
	[
		'LoginFailed',
		/Login failed for user|password authentication failed|Incorrect username or password|invalid username\/password|Invalid credentials|JWT token is invalid|Unable to locate credentials|invalid_token|access token is (?:invalid|expired)|Invalid access token|token (?:has )?expired/i,
		'authentication',
		'High',
		false,
		SQL
	],
	[
		'ClientIpNotAllowed',
		/is not allowed to access (?:the server|Snowflake)|Client with IP address .* is not allowed|ForbiddenByFirewall|Deny Public Network Access/i,
		'connectivity',
		'High',
		false,
		SQL
	],
	[
		'SchemaMismatchDelta',
		/schema mismatch detected when writing to the Delta table|Failed to merge fields|Failed to merge incompatible data types|arguments need to have the same data type|enforced contract that failed|contract .* mismatch/i,
		'schema_mismatch',
		'High',
		false,
		KB
	],
	// The data and the table (or the mapping) disagree on columns or types: schema, not data.
	[
		'ParquetColumnConvert',
		/Parquet column cannot be converted/i,
		'schema_mismatch',
		'High',
		false,
		SPARK_PARQUET
	],
	[
		'ColumnMappingMismatch',
		/The given ColumnMapping does not match up with any column|Column name or number of supplied values does not match table definition/i,
		'schema_mismatch',
		'High',
		false,
		ADF_MAPPING
	],
	[
		'InsertColumnListMismatch',
		/Insert value list does not match column list/i,
		'schema_mismatch',
		'High',
		false,
		SNOWFLAKE_ERRORS
	],
	[
		'BigQuerySchemaMismatch',
		/Provided Schema does not match Table|Field \S+ has changed type from|\bno such field:? [`'"]?\w|Unrecognized name: \w/i,
		'schema_mismatch',
		'High',
		false,
		BIGQUERY_STREAMING
	],
	// Snowflake's own words for 001003 (a syntax error) and 100080 (file and table columns differ).
	[
		'SqlSyntaxError',
		/SQL compilation error:\s*syntax error line \d+ at position \d+ unexpected/i,
		'code_error',
		'Medium',
		false,
		SNOWFLAKE_ADF
	],
	[
		'ColumnCountMismatch',
		/Number of columns in file \(\d+\) does not match that of the corresponding table \(\d+\)/i,
		'schema_mismatch',
		'High',
		false,
		SNOWFLAKE_FORMAT
	],
	// An ADF expression or pipeline definition that does not evaluate: the pipeline, not the data.
	[
		'PipelineExpressionInvalid',
		/ErrorCode=InvalidTemplate|"errorCode":\s*"InvalidTemplate"|cannot be evaluated because property '[^']+' (?:doesn't|does not) exist|Unable to parse expression|The template validation failed/i,
		'configuration',
		'Medium',
		false,
		ADF_EXPRESSIONS
	],
	[
		'ActivityMisconfigured',
		/Table is required for Copy activity|Execution worker with type '\w+' is not supported|\(Database name\) is required|'\w+' \([\w ]+\) is required/i,
		'configuration',
		'Medium',
		false,
		ADF_ACTIVITIES
	],
	[
		'ConnectionStringInvalid',
		/Connection string is invalid|Format of the initialization string does not conform to specification/i,
		'configuration',
		'Medium',
		false,
		SQL
	],
	// A value the job reads from its environment or scheduler is not set.
	[
		'SettingNotProvided',
		/Env var required but not provided|Variable \S+ does not exist|unrecognized arguments:|No such option:|Please provide value for the required property/i,
		'configuration',
		'Medium',
		false,
		DBT_ENV
	],
	// `format("")`: Spark looked up a data source with no name, so no format was configured.
	[
		'DataSourceFormatMissing',
		/Failed to find data source: \.(?:\s|$)|requires a single-part namespace|Failure to initialize configuration|Invalid configuration value detected for fs\.azure/i,
		'configuration',
		'Medium',
		false,
		SPARK_CONDITIONS
	],
	// Great Expectations validation results that failed (the JSON a checkpoint returns).
	[
		'ExpectationFailed',
		/"success":\s*false[\s\S]{0,3000}?"expectation_type"|Expectation Suite `[^`]+` Failed|\d+ of \d+ \([\d.]+%\) Expectations Failed/i,
		'data_quality',
		'High',
		false,
		GX
	],
	// Only the first row of a CSV failed: the header row was read as data (skip_leading_rows).
	[
		'HeaderRowAsData',
		/CSV table encountered too many errors, giving up\. Rows: 1; errors: 1\b/i,
		'configuration',
		'Medium',
		false,
		BIGQUERY
	],
	// PolyBase / COPY rejected more rows than the reject threshold allows: the rows are bad.
	[
		'RejectThresholdReached',
		/maximum reject threshold \(\d+ rows?\) was reached/i,
		'data_quality',
		'High',
		false,
		SQL
	],
	// BigQuery load jobs (reason "invalid"): rows of the file that do not parse.
	[
		'LoadTooManyBadRows',
		/(?:CSV|JSON) table encountered too many errors, giving up|Too many errors encountered\. Limit is: \d+/i,
		'data_quality',
		'High',
		false,
		BIGQUERY
	],
	[
		'DeltaConcurrentModification',
		/Concurrent\w*Exception|by a concurrent update|concurrent (?:transaction|writer)/i,
		'configuration',
		'Medium',
		true,
		DELTA
	],
	[
		'DeltaVersionMissing',
		/earliest available version in the _delta_log|_delta_log .* (?:not found|does not exist)/i,
		'source_missing',
		'High',
		false,
		KB
	],
	// An optional package of a client library is not installed, or pip could not resolve versions.
	[
		'OptionalDependencyMissing',
		/Missing optional dependency|MissingDependencyError|Optional dependency: '[^']+' is not installed|pyarrow package is missing|ManagedLibraryInstallFailed|pip's dependency resolver|requires [\w.-]+[<>=!~]=?[\w.]+, but you have/i,
		'dependency',
		'High',
		false,
		SNOWFLAKE_PANDAS
	],
	// A library built against another version (JVM linkage), or a version pip/Ivy cannot resolve.
	[
		'LibraryVersionConflict',
		/NoSuchMethodError|NoSuchFieldError|AbstractMethodError|IncompatibleClassChangeError|No matching distribution found|unresolved dependency: \S+|AttributeError: module '[\w.]+' has no attribute/i,
		'dependency',
		'High',
		false,
		JAVA_LINKAGE
	],
	[
		'DbtTestFailure',
		/Failure in test \S+|Got \d+ results?, configured to (?:fail|warn) if|expectations failed|Validation failed for suite/i,
		'data_quality',
		'High',
		false,
		DBT
	],
	[
		'DbtMissingNode',
		/depends on a node named '[^']+' which (?:was not found|is disabled)|Could not find profile named|no profile was specified for this dbt project|dbt found two \w+ with the name|Credentials in profile "[^"]+", target "[^"]+" invalid|profile \S+ doesn't exist/i,
		'configuration',
		'Medium',
		false,
		DBT
	],
	[
		'UpstreamFailed',
		/\bupstream_failed\b|upstream task\(s\)? failed|upstream task \S+ failed|Dependencies not met/i,
		'upstream',
		'Medium',
		true,
		AIRFLOW
	],
	[
		'TaskKilled',
		/return code -9|as zombie|SIGKILL|Killed by the OOM killer|\(exit code: 137\)|exit code (?:is )?137\b|Exit status: 137\b/i,
		'resource_exhausted',
		'High',
		true,
		AIRFLOW
	],
	[
		'OutOfMemory',
		/OutOfMemory|out of memory|GC overhead limit exceeded|Java heap space|exceeding memory limits|Unable to acquire \d+ bytes of memory|MemoryError|Unable to allocate [\d.]+ \w+ for an array|driver has stopped unexpectedly|maxResultSize|Response too large to return|insufficient system memory|Resources exceeded during query execution|could not be executed in the allotted memory/i,
		'resource_exhausted',
		'High',
		true,
		KB
	],
	[
		'DiskFull',
		/No space left on device|disk (?:is )?full|DiskFull|could not extend file|filegroup is full|transaction log for database .* is full/i,
		'resource_exhausted',
		'High',
		false,
		KB
	],
	// A Snowflake resource monitor suspended the warehouse: the credit budget is spent until reset.
	[
		'CreditQuotaExhausted',
		/cannot be resumed because resource monitor '[^']*' has exceeded its quota|has exceeded its credit quota/i,
		'resource_exhausted',
		'High',
		false,
		SNOWFLAKE_MONITORS
	],
	[
		'LibraryMissing',
		/ModuleNotFoundError|No module named|Could not find adapter type|JreNotFound|Java Runtime Environment cannot be found|ImportError|Library installation failed|Failed to (?:find|load class for) data source|Could not find a version that satisfies|ClassNotFoundException|NoClassDefFoundError|init script .* failed/i,
		'dependency',
		'High',
		false,
		KB
	],
	[
		'DriverUnreachable',
		/Could not reach driver|driver (?:is )?unreachable|Remote RPC client disassociated/i,
		'connectivity',
		'High',
		true,
		KB
	],
	[
		'Throttled',
		/Too Many Requests|\b429\b|rate limit|Rate exceeded|throttl|Request rate is large|reduce your request rate|SlowDown|Quota exceeded for quota metric|service is currently busy|Server is busy/i,
		'throttling',
		'Medium',
		true,
		HTTP
	],
	[
		'QuotaOrCapacity',
		/exceeding approved .* quota|QuotaExceeded|SkuNotAvailable|insufficient capacity|Cloud Provider Launch Failure|cluster .* (?:terminated|unexpected state Terminated)|exceeding quota limits of Core|on-demand HDInsight cores|Unexpected (?:startup|launch) failure|Self-bootstrap failure during launch|Cluster terminated\.\s*Reason:|Spark failed to start|Network Configuration Failure|Spark encountered an error during startup/i,
		'cluster_launch',
		'High',
		true,
		KB
	],
	[
		'PermissionDenied',
		/permission (?:was )?denied|Access Denied|AccessDenied|not authorized to perform|Insufficient privileges|does not have (?:\w+ )*permission|current role has no privileges|AuthorizationPermissionMismatch|\b403\b|Forbidden|InsufficientPrivilege|not able to access the database/i,
		'permission',
		'High',
		false,
		HTTP
	],
	[
		'Unauthorized',
		/\b401\b|Unauthorized|AuthenticationFailed|Server failed to authenticate/i,
		'authentication',
		'High',
		false,
		HTTP
	],
	[
		'ColumnMissing',
		/Invalid column name|column "?[\w.]+"? does not exist|UndefinedColumn|(?:cannot resolve|unresolved) .*column|Column '[^']+' (?:defined in the mapping |specified in column mapping )?cannot be found|has incompatible types|Column name used in expression is unavailable|invalid identifier|KeyError: '|No such struct field/i,
		'schema_mismatch',
		'High',
		false,
		SQL
	],
	// A secret the connection names is not in the vault: the reference is wrong (configuration).
	[
		'SecretNotFound',
		/SecretNotFound|The secret \S+ was not found|A secret with \(name\/id\) \S+ was not found/i,
		'configuration',
		'High',
		false,
		'https://learn.microsoft.com/azure/key-vault/general/rest-error-codes'
	],
	[
		'ObjectMissing',
		/Invalid object name|relation "[^"]+" does not exist|table or view (?:does not exist|not found)|(?:table|dataset|object|file|path|blob|container|key) .*(?:does not exist|was not found|not found)|(?:dbfs|abfss?|wasbs?|s3a?|gs):\/\S* doesn(?:'|&#39;)t exist|No such file or directory|FileNotFoundException|PathNotFound|Cannot time travel Delta table to version|is not a Delta table|NoSuchKey|\b404\b|Not Found/i,
		'source_missing',
		'High',
		false,
		SQL
	],
	[
		'DuplicateKey',
		/duplicate key|UniqueViolation|Cannot insert duplicate|violates (?:unique|foreign key|check) constraint|PRIMARY KEY constraint|conflicted with the (?:FOREIGN KEY|CHECK|REFERENCE) constraint/i,
		'data_quality',
		'High',
		false,
		PG
	],
	[
		'BadValue',
		/could not convert string|invalid input syntax|Conversion failed|cannot be converted to type|Error converting data type|not recognized|would be truncated|malformed|Error tokenizing data|cannot be cast|value NULL|non-nullable|ParserError|NumberFormatException|Bulk load data was expected but not sent|Arithmetic overflow error|Invalid (?:timestamp|date|datetime) string/i,
		'data_quality',
		'High',
		false,
		PG
	],
	[
		'TimedOut',
		/timed? ?out|timeout|Timeout expired|canceling statement due to statement timeout|took too long/i,
		'timeout',
		'Medium',
		true,
		PY
	],
	[
		'ConnectionFailed',
		/ECONNREFUSED|ENOTFOUND|ECONNRESET|Connection refused|could not connect|Unable to connect|Failed to connect|connection (?:was )?(?:reset|closed|forcibly closed)|Name or service not known|remote name could not be resolved|network-related|SSL|CERTIFICATE_VERIFY_FAILED|integration runtime .* (?:offline|not available|unavailable)|\b50[234]\b|Service Unavailable|Failed to get the response|cannot connect to server|is not currently available\. Please retry the connection later|UnknownHostException|Cannot resolve hostname|Temporary failure in name resolution|The service has encountered an error processing your request|getaddrinfo failed|nodename nor servname|No route to host|Network is unreachable|Broken pipe|transport-level error/i,
		'connectivity',
		'High',
		true,
		'https://nodejs.org/api/errors.html#common-system-errors'
	],
	[
		'NoWarehouse',
		/No active warehouse|does not have a current database|conn_id .* isn't defined|not defined|missing required field|Invalid Url/i,
		'configuration',
		'Medium',
		false,
		AIRFLOW
	],
	// BigQuery's analyser on the query text: the SQL is wrong, not the data.
	[
		'QuerySyntaxOrSignature',
		/Syntax error: (?:Expected|Unexpected)|No matching signature for (?:operator|function)/i,
		'code_error',
		'Medium',
		false,
		BIGQUERY
	],
	[
		'PythonBug',
		/\b(?:NameError|TypeError|AttributeError|SyntaxError|IndentationError|ZeroDivisionError|IndexError|AssertionError|NullPointerException|UnboundLocalError|UnsupportedOperationException)\b/,
		'code_error',
		'Medium',
		false,
		PY
	]
];

export const PHRASES: readonly Phrase[] = ROWS.map(
	([id, pattern, category, severity, autoHeal, source]) => ({
		id,
		pattern,
		category,
		severity,
		autoHeal,
		source
	})
);

export { S3 as S3_ERRORS };
