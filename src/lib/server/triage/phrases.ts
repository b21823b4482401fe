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

type Row = [
	id: string,
	pattern: RegExp,
	category: Category,
	severity: Severity,
	autoHeal: boolean,
	source: string
];

const ROWS: Row[] = [
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
		/schema mismatch detected when writing to the Delta table|Failed to merge fields|enforced contract that failed|contract .* mismatch/i,
		'schema_mismatch',
		'High',
		false,
		KB
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
		/depends on a node named '[^']+' which (?:was not found|is disabled)|Could not find profile named|no profile was specified for this dbt project/i,
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
		/return code -9|as zombie|SIGKILL|Killed by the OOM killer/i,
		'resource_exhausted',
		'High',
		true,
		AIRFLOW
	],
	[
		'OutOfMemory',
		/OutOfMemory|out of memory|GC overhead limit exceeded|Java heap space|exceeding memory limits|Unable to acquire \d+ bytes of memory|MemoryError|Unable to allocate [\d.]+ \w+ for an array|driver has stopped unexpectedly|maxResultSize|insufficient system memory|Resources exceeded during query execution|could not be executed in the allotted memory/i,
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
	[
		'LibraryMissing',
		/ModuleNotFoundError|No module named|ImportError|Library installation failed|Failed to (?:find|load class for) data source|Could not find a version that satisfies|ClassNotFoundException|NoClassDefFoundError|init script .* failed/i,
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
		/exceeding approved .* quota|QuotaExceeded|SkuNotAvailable|insufficient capacity|Cloud Provider Launch Failure|cluster .* (?:terminated|unexpected state Terminated)|exceeding quota limits of Core|on-demand HDInsight cores|Unexpected (?:startup|launch) failure|Self-bootstrap failure during launch/i,
		'cluster_launch',
		'High',
		true,
		KB
	],
	[
		'PermissionDenied',
		/permission (?:was )?denied|Access Denied|AccessDenied|not authorized to perform|Insufficient privileges|does not have (?:\w+ )*permission|AuthorizationPermissionMismatch|\b403\b|Forbidden|InsufficientPrivilege|not able to access the database/i,
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
	[
		'ObjectMissing',
		/Invalid object name|relation "[^"]+" does not exist|table or view (?:does not exist|not found)|(?:table|dataset|object|file|path|blob|container|key) .*(?:does not exist|was not found|not found)|No such file or directory|FileNotFoundException|PathNotFound|NoSuchKey|\b404\b|Not Found/i,
		'source_missing',
		'High',
		false,
		SQL
	],
	[
		'DuplicateKey',
		/duplicate key|UniqueViolation|Cannot insert duplicate|violates (?:unique|foreign key|check) constraint|PRIMARY KEY constraint/i,
		'data_quality',
		'High',
		false,
		PG
	],
	[
		'BadValue',
		/could not convert string|invalid input syntax|Conversion failed|cannot be converted to type|Error converting data type|not recognized|would be truncated|malformed|Error tokenizing data|cannot be cast|value NULL|non-nullable|ParserError|NumberFormatException/i,
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
		/ECONNREFUSED|ENOTFOUND|ECONNRESET|Connection refused|could not connect|Unable to connect|Failed to connect|connection (?:was )?(?:reset|closed|forcibly closed)|Name or service not known|remote name could not be resolved|network-related|SSL|CERTIFICATE_VERIFY_FAILED|integration runtime .* (?:offline|not available|unavailable)|\b50[234]\b|Service Unavailable|Failed to get the response/i,
		'connectivity',
		'High',
		true,
		'https://nodejs.org/api/errors.html#common-system-errors'
	],
	[
		'NoWarehouse',
		/No active warehouse|conn_id .* isn't defined|not defined|missing required field|Invalid Url/i,
		'configuration',
		'Medium',
		false,
		AIRFLOW
	],
	[
		'PythonBug',
		/\b(?:NameError|TypeError|AttributeError|SyntaxError|IndentationError|ZeroDivisionError|IndexError|AssertionError|NullPointerException|UnboundLocalError)\b/,
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
