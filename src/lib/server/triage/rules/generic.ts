import type { Rule } from './rule.ts';
import { rule } from './rule.ts';
import { airflowTask, columnName, dbtModel, endpointUrl, hostPort } from './entity.ts';

/**
 * Broad patterns that hold for any source (HTTP statuses, sockets, timeouts) plus dbt and
 * Airflow. Generic ones run after every specific rule so they never hide a precise cause.
 */

const STORAGE_ERRORS =
	'https://learn.microsoft.com/en-us/rest/api/storageservices/common-rest-api-error-codes';
const ENTRA_ERRORS =
	'https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes';
const HTTP_STATUS = 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Status';
const NODE_ERRORS = 'https://nodejs.org/api/errors.html#common-system-errors';
const ADF_COPY =
	'https://learn.microsoft.com/en-us/azure/data-factory/connector-troubleshoot-guide';
const DBT_DEBUG = 'https://docs.getdbt.com/guides/debug-errors';
const SNOWFLAKE_LOAD = 'https://docs.snowflake.com/en/sql-reference/sql/create-file-format';

export const GENERIC_RULES: readonly Rule[] = [
	/**
	 * The limits the services document, in their own words. An on-call engineer treats all of
	 * these the same way (back off, spread the load, ask for more quota): BigQuery's
	 * `rateLimitExceeded` (short-term rate) and `quotaExceeded` (a project or table quota, which
	 * resets) are both throttling here. Hard capacity that waiting does not restore (Azure
	 * regional cores for a cluster, a database at its size quota, a workspace at its job count)
	 * is cluster_launch or resource_exhausted instead, in their own rows and phrases.
	 */
	rule({
		errorType: 'ServiceLimitReached',
		codes: [
			'REQUEST_LIMIT_EXCEEDED',
			'TEMPORARILY_UNAVAILABLE',
			'rateLimitExceeded',
			'jobRateLimitExceeded'
		],
		patterns: [
			// Azure Storage scalability targets: ServerBusy (503) with the limit that was crossed.
			/\b(?:Ingress|Egress|Operations per second) is over the account limit/i,
			/<Code>ServerBusy<\/Code>|ErrorCode[:=]\s*ServerBusy\b/,
			// Azure SQL resource governance (10928, 10929) and 40501.
			/The request limit for the (?:database|elastic pool) is \d+ and has been reached/i,
			/The service is currently busy\. Retry the request after/i,
			// ADF pipeline concurrency (UserErrorConcurrencyLimitReached).
			/concurrency limit of the pipeline was reached/i,
			// Databricks REST API (REQUEST_LIMIT_EXCEEDED, 429 TEMPORARILY_UNAVAILABLE).
			/\bREQUEST_LIMIT_EXCEEDED\b/,
			/token bucket limit has been exceeded/i,
			// BigQuery reasons and their messages.
			/\b(?:rateLimitExceeded|jobRateLimitExceeded|quotaExceeded)\b/,
			/\bExceeded rate limits\b/i,
			/\bQuota exceeded: Your \w+ exceeded quota for\b/i
		],
		name: (text) =>
			/\b(REQUEST_LIMIT_EXCEEDED|TEMPORARILY_UNAVAILABLE|rateLimitExceeded|jobRateLimitExceeded|quotaExceeded|ServerBusy|UserErrorConcurrencyLimitReached)\b/.exec(
				text
			)?.[1] ?? null,
		// TEMPORARILY_UNAVAILABLE is also a cluster termination reason, which is a launch failure.
		adjust: (text) =>
			/Reason: TEMPORARILY_UNAVAILABLE|terminated[^\n]{0,80}TEMPORARILY_UNAVAILABLE/i.test(text) &&
			!/\b429\b/.test(text)
				? { category: 'cluster_launch', severity: 'High' }
				: null,
		category: 'throttling',
		severity: 'Medium',
		autoHealPossible: true,
		entity: endpointUrl,
		noun: 'service',
		rootCause: (s) =>
			`${s} refused work because a documented rate, concurrency or quota limit was reached.`,
		recommendations: [
			'Rerun after a short wait with exponential backoff; add a retry policy to the task or activity.',
			'Lower parallelism (ForEach batch count, concurrent runs, parallel copies) or spread the schedule.',
			'If the limit is reached every day, ask for a higher quota or a larger tier (the message names the limit).'
		],
		docs: 'https://learn.microsoft.com/en-us/azure/storage/common/scalability-targets-standard-account'
	}),
	rule({
		errorType: 'AirflowConnectionNotDefined',
		patterns: [/The conn_id `[^`]+` isn't defined/, /\bCONNECTION_NOT_FOUND\b/],
		category: 'configuration',
		severity: 'Medium',
		autoHealPossible: false,
		rootCause: (s) => `${s} uses an Airflow connection id that is not defined in this environment.`,
		recommendations: [
			'Create the connection (UI, CLI, environment variable AIRFLOW_CONN_<ID> or the secrets backend) with the id the task uses.',
			'Check the id in the DAG for typos and that the secrets backend is reachable from the workers.'
		],
		docs: 'https://airflow.apache.org/docs/apache-airflow/stable/howto/connection.html'
	}),
	rule({
		errorType: 'AirflowTaskTerminated',
		patterns: [/Task received SIGTERM signal/, /Received SIGTERM\. Terminating subprocesses/],
		// A SIGTERM comes from outside the task; the message alone does not say who sent it.
		category: 'unknown',
		severity: 'Medium',
		autoHealPossible: false,
		entity: airflowTask,
		noun: 'Airflow task',
		rootCause: (s) => `${s} was stopped from outside with SIGTERM; the message does not say why.`,
		recommendations: [
			'Read the scheduler and worker logs at the time of the SIGTERM: a cleared or externally changed task state, a missed heartbeat, a recorded pid mismatch, a pod eviction or a worker restart all send it.',
			'If the task hit its execution_timeout, the log says AirflowTaskTimeout instead; if memory ran out it is usually SIGKILL (-9).',
			'Rerun once the cause is known; a one-off eviction or restart needs nothing more.'
		],
		docs: 'https://airflow.apache.org/docs/apache-airflow/stable/troubleshooting.html'
	}),
	rule({
		errorType: 'SqlDeadlockVictim',
		codes: ['1205'],
		patterns: [/was deadlocked on lock(?: \|)?(?: [\w ]+)? resources with another process/i],
		category: 'configuration',
		severity: 'Medium',
		autoHealPossible: true,
		rootCause: (s) =>
			`${s} lost a deadlock on the database and was chosen as the victim: another job touches the same rows at the same time.`,
		recommendations: [
			'Rerun: the victim transaction can simply be retried.',
			'Find the competing job (overlapping schedules, parallel loads into one table) and serialise them or shorten their transactions.'
		],
		docs: 'https://learn.microsoft.com/en-us/sql/relational-databases/errors-events/mssqlserver-1205-database-engine-error'
	}),
	rule({
		errorType: 'AzureAdSignInFailed',
		patterns: [/\bAADSTS\d{5,}/],
		name: (text) => /\b(AADSTS\d{5,})/.exec(text)?.[1] ?? null,
		category: 'authentication',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) =>
			`Microsoft Entra ID refused to issue a token for ${s} (expired client secret, wrong tenant or app id).`,
		recommendations: [
			'Look up the AADSTS code in the message; AADSTS7000222/7000215 mean an expired or wrong client secret.',
			'Create a new client secret or certificate for the service principal and update the linked service or Key Vault secret.',
			'Check the tenant id and application (client) id in the connection settings.'
		],
		docs: ENTRA_ERRORS
	}),
	rule({
		errorType: 'DbtCompilationError',
		patterns: [
			/Compilation Error in (?:model|test|seed|snapshot|macro)/,
			/^Compilation Error\b/m,
			/Compilation error while compiling (?:model|test|seed|snapshot|macro)/i
		],
		// A ref to a node that is missing or disabled is a project configuration problem.
		adjust: (text) =>
			/depends on (?:a node named )?'[^']+' which (?:was not found|is disabled)|dbt found two \w+ with the name/.test(
				text
			)
				? { category: 'configuration', severity: 'Medium' }
				: // A macro dispatched to an installed package that lacks it, or a package not installed.
					/In dispatch: No macro named|install package dependencies with "dbt deps"/.test(text)
					? { category: 'dependency', severity: 'High' }
					: null,
		category: 'code_error',
		severity: 'High',
		autoHealPossible: false,
		entity: dbtModel,
		noun: 'dbt model',
		rootCause: (s) => `dbt could not compile ${s} (bad Jinja, a missing ref/source or macro).`,
		recommendations: [
			'Run `dbt compile --select <model>` locally to see the full compilation error.',
			'Check refs and sources named in the message exist and the package versions are installed (dbt deps).'
		],
		docs: DBT_DEBUG
	}),
	rule({
		errorType: 'SnowflakeValueNotRecognized',
		codes: ['100038', '100035', '100040'],
		patterns: [/(?:Numeric value|Timestamp|Date) '[^']*' is not recognized/i],
		// A value that fails on line 1 is the file's header, and an empty one is a file format that
		// does not turn empty fields into NULL: the file format, not the data, needs fixing.
		adjust: (text) =>
			/\bline 1, character|\bRow 1, column|(?:Numeric value|Timestamp|Date) '' is not recognized/i.test(
				text
			)
				? { category: 'configuration', severity: 'Medium' }
				: null,
		ambiguous:
			'A value that does not parse is bad data, or a file format that does not match the file (header row not skipped, empty fields not read as NULL, wrong delimiter).',
		category: 'data_quality',
		severity: 'High',
		autoHealPossible: false,
		entity: columnName,
		noun: 'column',
		rootCause: (s) => `Snowflake could not parse a value loaded into ${s}.`,
		recommendations: [
			'Open the file at the line and column in the message: a header row or a shifted column means the file format needs SKIP_HEADER, FIELD_DELIMITER or FIELD_OPTIONALLY_ENCLOSED_BY.',
			"An empty value ('') needs EMPTY_FIELD_AS_NULL = TRUE or NULL_IF in the file format.",
			'If the value itself is bad, fix it at the source or load with ON_ERROR = CONTINUE and review the rejected rows.'
		],
		docs: SNOWFLAKE_LOAD
	}),
	rule({
		errorType: 'TooManyRequests',
		tier: 'generic',
		codes: ['TooManyRequests', '429', 'ServerBusy', 'REQUEST_LIMIT_EXCEEDED'],
		patterns: [
			/\bTooManyRequests\b/,
			/\b429\b.{0,20}(?:Too Many Requests|Quota exceeded|rate limit)/i,
			/\(429\)/,
			/Server is busy/i,
			/server is currently unable to receive requests/i,
			/\brate limit (?:exceeded|reached)\b/i,
			/Quota exceeded for quota metric/i
		],
		category: 'throttling',
		severity: 'Medium',
		autoHealPossible: true,
		entity: endpointUrl,
		noun: 'service',
		rootCause: (s) =>
			`Requests from the pipeline were throttled by ${s} (rate limit or quota reached).`,
		recommendations: [
			'Rerun after a short wait, with exponential backoff and a retry policy on the task or activity.',
			'Lower parallelism (ForEach batch count, parallel copies, concurrent tasks) or spread the schedule.',
			'If the limit is a quota, request an increase from the service owner.'
		],
		docs: `${HTTP_STATUS}/429`
	}),
	rule({
		errorType: 'OperationTimedOut',
		tier: 'generic',
		codes: ['OperationTimedOut', 'GatewayTimeout'],
		patterns: [
			/The operation has timed out/i,
			/Operation could not be completed within the specified time/i,
			/\btimed out\b/i,
			/\btimeout expired\b/i,
			/\bTimeoutException\b/,
			/\bETIMEDOUT\b/
		],
		// Timing out while opening the connection is a network path problem, not a slow job.
		adjust: (text) =>
			/could not connect to server|connection to the host \S+(?:, port \d+)? has failed|network-related or instance-specific error|connect timed out|ConnectTimeoutException|ConnectFailed/i.test(
				text
			)
				? { category: 'connectivity', severity: 'High' }
				: null,
		category: 'timeout',
		severity: 'Medium',
		autoHealPossible: true,
		rootCause: (s) => `An operation in ${s} did not finish within its timeout.`,
		recommendations: [
			'Rerun; if the other side was slow or briefly unreachable, the retry usually passes.',
			'Compare the duration with previous runs; check data volume growth and the target system load.',
			'Raise the activity or client timeout only when the longer duration is expected.'
		],
		docs: STORAGE_ERRORS
	}),
	rule({
		errorType: 'ConnectionRefused',
		tier: 'generic',
		codes: ['ECONNREFUSED'],
		patterns: [/\bECONNREFUSED\b/, /Connection refused/i, /actively refused/i],
		category: 'connectivity',
		severity: 'High',
		autoHealPossible: true,
		entity: hostPort,
		noun: 'service',
		rootCause: (s) =>
			`Nothing accepted the connection at ${s}: the service is down or the host/port is wrong.`,
		recommendations: [
			'Check the target service is running and listening on that host and port.',
			'Check firewalls or security groups between the runner and the target.',
			'Rerun once the service is back; add a retry for brief restarts.'
		],
		docs: NODE_ERRORS
	}),
	rule({
		errorType: 'HostNotFound',
		tier: 'generic',
		codes: ['ENOTFOUND'],
		patterns: [
			/\bENOTFOUND\b/,
			/getaddrinfo/i,
			/Name or service not known/i,
			/No such host is known/i
		],
		category: 'connectivity',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) => `A host name used by ${s} could not be resolved by DNS.`,
		recommendations: [
			'Check the host name in the connection settings for typos or a decommissioned endpoint.',
			'For private endpoints, check the private DNS zone is linked to the network the runner uses.'
		],
		docs: NODE_ERRORS
	}),
	rule({
		errorType: 'Unauthorized',
		tier: 'generic',
		codes: ['401', 'Unauthorized'],
		patterns: [/\b401 Unauthorized\b/i, /\(401\) Unauthorized/i, /\bUnauthenticated\b/],
		category: 'authentication',
		severity: 'High',
		autoHealPossible: false,
		entity: endpointUrl,
		noun: 'service',
		rootCause: (s) => `${s} rejected the credentials (401): missing, expired or wrong.`,
		recommendations: [
			'Check the credential or token the connection uses and when it expires; rotate it if needed.',
			'Confirm the secret store (Key Vault, Databricks secrets) holds the current value.'
		],
		docs: `${HTTP_STATUS}/401`
	}),
	rule({
		errorType: 'Forbidden',
		tier: 'generic',
		codes: ['403', 'Forbidden'],
		patterns: [/\b403 Forbidden\b/i, /\(403\) Forbidden/i, /\bError 403\b/i],
		category: 'permission',
		severity: 'High',
		autoHealPossible: false,
		entity: endpointUrl,
		noun: 'service',
		rootCause: (s) =>
			`${s} refused the request (403): the identity is authenticated but lacks permission, or a firewall blocks it.`,
		recommendations: [
			'Check the role or ACL granted to the identity the pipeline runs as.',
			'Check IP allow-lists or network rules on the target.'
		],
		docs: `${HTTP_STATUS}/403`
	}),
	rule({
		errorType: 'PermissionDenied',
		tier: 'generic',
		patterns: [/permission denied/i, /access (?:is )?denied/i, /insufficient privileges?/i],
		category: 'permission',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) => `The identity running ${s} is not allowed to perform the operation.`,
		recommendations: [
			'Find the object and action in the message and grant the run identity that privilege.',
			'Check for recent permission changes or a switch of the run-as identity.'
		],
		docs: `${HTTP_STATUS}/403`
	}),
	rule({
		errorType: 'ServiceUnavailable',
		tier: 'generic',
		codes: ['503', 'ServiceUnavailable'],
		patterns: [
			/\b503 Service Unavailable\b/i,
			/\(503\) Server Unavailable/i,
			/\b502 Bad Gateway\b/i
		],
		category: 'connectivity',
		severity: 'Medium',
		autoHealPossible: true,
		entity: endpointUrl,
		noun: 'service',
		rootCause: (s) => `${s} was temporarily unavailable (502/503).`,
		recommendations: [
			'Rerun with backoff; check the service status page for an incident.',
			'Add a retry policy so brief outages do not fail the run.'
		],
		docs: `${HTTP_STATUS}/503`
	}),
	rule({
		errorType: 'ColumnNotFound',
		tier: 'generic',
		patterns: [/\bcolumn\b[^\n]{0,80}\bdoes not exist\b/i],
		category: 'schema_mismatch',
		severity: 'High',
		autoHealPossible: false,
		entity: columnName,
		noun: 'column',
		rootCause: (s) => `The query references ${s}, which the table no longer has.`,
		recommendations: [
			'Compare the query with the current table definition and find the rename or drop upstream.',
			'Update the query or restore the column, then rerun.'
		],
		docs: ADF_COPY
	}),
	rule({
		errorType: 'TypeConversionFailed',
		tier: 'generic',
		codes: ['CAST_INVALID_INPUT'],
		patterns: [
			/Failed to convert/i,
			/Conversion failed when converting/i,
			/Error converting data type/i
		],
		category: 'schema_mismatch',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) =>
			`A value in ${s} could not be converted to the target column type; the source type or format changed.`,
		recommendations: [
			'Find the value and column named in the message and compare source and target types.',
			'Add an explicit conversion with a format, or route bad rows aside (fault tolerance, try_cast).'
		],
		docs: ADF_COPY
	}),
	rule({
		errorType: 'DbtDatabaseError',
		tier: 'wrapper',
		patterns: [/Database Error in (?:model|test|seed|snapshot)/],
		category: 'code_error',
		severity: 'High',
		autoHealPossible: false,
		entity: dbtModel,
		noun: 'dbt model',
		rootCause: (s) => `The warehouse rejected the SQL compiled for ${s}.`,
		recommendations: [
			'Open target/run/<model>.sql and run it in the warehouse to see the full error.',
			'Check upstream models and sources it selects from ran successfully.'
		],
		docs: DBT_DEBUG
	}),
	rule({
		errorType: 'UpstreamFailed',
		tier: 'wrapper',
		codes: ['UPSTREAM_FAILED', 'upstream_failed'],
		patterns: [/\bupstream_failed\b/i, /Upstream task\(s\) failed/i],
		category: 'upstream',
		severity: 'Medium',
		autoHealPossible: false,
		entity: airflowTask,
		noun: 'upstream task',
		rootCause: (s) => `This task did not run because ${s} failed first.`,
		recommendations: [
			'Triage the first failed upstream task; this ticket resolves when it is fixed.',
			'Clear or repair the run from the failed task once the upstream cause is fixed.'
		],
		docs: 'https://airflow.apache.org/docs/apache-airflow/stable/core-concepts/tasks.html'
	})
];
