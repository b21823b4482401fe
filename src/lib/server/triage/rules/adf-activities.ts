import type { Adjustment, Rule } from './rule.ts';
import { rule } from './rule.ts';
import {
	activityName,
	clusterId,
	endpointUrl,
	integrationRuntime,
	keyVaultName
} from './entity.ts';

/**
 * Pipeline orchestration, data flow, self-hosted IR, Databricks/Web activity and Key Vault
 * failures, from Microsoft's ADF troubleshooting pages.
 */

const ADF = 'https://learn.microsoft.com/en-us/azure/data-factory';
const ACTIVITIES = `${ADF}/data-factory-troubleshoot-guide`;
const PIPELINES = `${ADF}/pipeline-trigger-troubleshoot-guide`;
const DATA_FLOWS = `${ADF}/data-flow-troubleshoot-guide`;
const SHIR = `${ADF}/self-hosted-integration-runtime-troubleshoot-guide`;
const KEY_VAULT = `${ADF}/store-credentials-in-key-vault`;

/** Web activity 2108 carries the endpoint's HTTP status; it decides what kind of failure this is. */
function byHttpStatus(text: string): Adjustment | null {
	const status = /(?:status code|HttpStatusCode)\s*[:'"]*\s*'?(\d{3})/i.exec(text)?.[1];
	if (status === '401') return { category: 'authentication', autoHealPossible: false };
	if (status === '403') return { category: 'permission', autoHealPossible: false };
	if (status === '404') return { category: 'configuration', autoHealPossible: false };
	if (status === '429')
		return { category: 'throttling', severity: 'Medium', autoHealPossible: true };
	return null;
}

const DF_OOM_RECOMMENDATIONS = [
	'Use an Azure integration runtime with a larger core count or the memory optimized compute type.',
	'Repartition skewed data and avoid broadcasting large streams in joins and lookups.',
	'Filter or aggregate early in the flow so less data is held in memory.'
];

export const ADF_ACTIVITY_RULES: readonly Rule[] = [
	rule({
		errorType: 'DatabricksAccessTokenExpired',
		codes: ['3200'],
		category: 'authentication',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) =>
			`Azure Databricks answered 403 to ${s}: the access token in the Databricks linked service has expired or was revoked.`,
		recommendations: [
			'Generate a new Databricks access token and update the linked service or its Key Vault secret.',
			'Switch the Databricks linked service to managed identity authentication so tokens stop expiring.'
		],
		docs: ACTIVITIES
	}),
	rule({
		errorType: 'DatabricksInvalidJobConfiguration',
		codes: ['3201'],
		category: 'configuration',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) =>
			`The Databricks activity in ${s} submitted an invalid job: a notebook path, cluster or library setting is missing or wrong.`,
		recommendations: [
			'Check the notebook/jar/python path exists in the workspace and is spelled exactly (paths are case-sensitive).',
			'Check the existing cluster id or the new-cluster settings in the Databricks linked service.',
			'Check library definitions on the activity (package names, Maven coordinates, DBFS paths).'
		],
		docs: ACTIVITIES
	}),
	rule({
		errorType: 'DatabricksJobRateLimit',
		codes: ['3202'],
		patterns: [/job creations per \d+ seconds/i],
		category: 'throttling',
		severity: 'Medium',
		autoHealPossible: true,
		rootCause: (s) =>
			`The Databricks workspace hit its job-creation rate limit while ${s} was submitting runs.`,
		recommendations: [
			'Lower the ForEach batch count or spread schedules so fewer Databricks runs start at once.',
			'Rerun after the rate-limit window; group small notebooks into one job where possible.'
		],
		docs: ACTIVITIES
	}),
	rule({
		errorType: 'DatabricksClusterTerminated',
		codes: ['3203'],
		patterns: [/The cluster is in Terminated state, not available to receive jobs/i],
		category: 'cluster_launch',
		severity: 'High',
		autoHealPossible: true,
		entity: clusterId,
		noun: 'cluster',
		rootCause: (s) =>
			`The existing interactive cluster ${s} was terminated when the Databricks activity tried to run on it.`,
		recommendations: [
			'Start the cluster (or let ADF start it) and rerun the activity.',
			'Prefer a job cluster (new cluster) in the linked service so each run gets its own compute.',
			'Check the cluster auto-termination setting against the pipeline schedule.'
		],
		docs: ACTIVITIES
	}),
	rule({
		errorType: 'DatabricksRequestFailed',
		codes: ['3208'],
		patterns: [/An error occurred while sending the request/i],
		// "Time out to retry." only says ADF stopped retrying; it names no cause to act on.
		adjust: (text) =>
			/Time out to retry/i.test(text) && !/sending the request/i.test(text)
				? { category: 'unknown', autoHealPossible: false }
				: null,
		category: 'connectivity',
		severity: 'Medium',
		autoHealPossible: true,
		rootCause: (s) =>
			`The network call from ADF to the Databricks workspace failed while running ${s}.`,
		recommendations: [
			'Rerun the activity; this is usually a transient network error.',
			'If it repeats, check the workspace URL in the linked service and any private link or firewall rules.'
		],
		docs: ACTIVITIES
	}),
	rule({
		errorType: 'WebActivityEndpointCallFailed',
		codes: ['2108'],
		patterns: [/Error calling the endpoint/i],
		category: 'connectivity',
		severity: 'High',
		autoHealPossible: false,
		adjust: byHttpStatus,
		entity: endpointUrl,
		noun: 'endpoint',
		rootCause: (s) => `The HTTP call to ${s} returned an error status.`,
		recommendations: [
			'Read the response status code in the message: 401/403 point to credentials, 404 to the URL, 429/5xx to the remote service.',
			'Call the endpoint with the same method, headers and body from a tool such as curl to reproduce.',
			'Add a retry policy on the activity for transient 429/5xx answers.'
		],
		docs: ACTIVITIES
	}),
	rule({
		errorType: 'WebActivityNoResponse',
		codes: ['2128'],
		patterns: [/No response from the endpoint/i],
		category: 'connectivity',
		severity: 'Medium',
		autoHealPossible: true,
		entity: endpointUrl,
		noun: 'endpoint',
		rootCause: (s) => `${s} did not answer (network, DNS, TLS certificate or timeout).`,
		recommendations: [
			'Check the URL resolves and is reachable from the integration runtime (DNS, firewall, private endpoint).',
			'Check the server certificate is valid and trusted.',
			'Rerun; add a retry policy if the endpoint is occasionally slow.'
		],
		docs: ACTIVITIES
	}),
	rule({
		errorType: 'SelfHostedIntegrationRuntimeOffline',
		patterns: [
			/self-hosted integration runtime\b.{0,100}?\b(?:is )?(?:offline|not online|unavailable)/i,
			/integration runtime\b.{0,100}?\bis (?:offline|not online)/i
		],
		category: 'connectivity',
		severity: 'Critical',
		autoHealPossible: false,
		entity: integrationRuntime,
		noun: 'self-hosted integration runtime',
		rootCause: (s) => `${s} is offline, so every activity that uses it fails.`,
		recommendations: [
			'On the IR host, check the machine is up and the Integration Runtime service (DIAHostService) is running; restart it.',
			'Use the Diagnostics tab of the Integration Runtime Configuration Manager to test outbound 443 to Azure Relay and the factory.',
			'Add a second node to the self-hosted IR so one host outage does not stop pipelines.'
		],
		docs: SHIR
	}),
	rule({
		errorType: 'MappingDataFlowConcurrencyThrottled',
		patterns: [/substantial concurrent MappingDataflow executions/i],
		category: 'throttling',
		severity: 'Medium',
		autoHealPossible: true,
		entity: integrationRuntime,
		noun: 'integration runtime',
		rootCause: (s) => `Too many data flows ran at once on ${s} and were throttled.`,
		recommendations: [
			'Lower the ForEach batch count or stagger triggers that start data flows.',
			'Use a dedicated Azure integration runtime (with TTL) for heavy data flow pipelines.',
			'Rerun; the throttling clears when concurrent runs finish.'
		],
		docs: PIPELINES
	}),
	rule({
		errorType: 'DF-Executor-OutOfMemoryError',
		codes: ['DF-Executor-OutOfMemoryError'],
		patterns: [/Cluster ran into out of memory issue during execution/i],
		category: 'resource_exhausted',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) => `The Spark cluster behind the data flow in ${s} ran out of memory.`,
		recommendations: DF_OOM_RECOMMENDATIONS,
		docs: DATA_FLOWS
	}),
	rule({
		errorType: 'DF-Executor-RemoteRPCClientDisassociated',
		codes: ['DF-Executor-RemoteRPCClientDisassociated'],
		category: 'resource_exhausted',
		severity: 'High',
		autoHealPossible: true,
		rootCause: (s) =>
			`A data flow executor in ${s} was lost, usually from exceeding memory limits or a network blip.`,
		recommendations: [
			'Rerun the data flow; the failure is often transient.',
			...DF_OOM_RECOMMENDATIONS.slice(0, 2)
		],
		docs: DATA_FLOWS
	}),
	rule({
		errorType: 'DF-Executor-SourceInvalidPayload',
		codes: ['DF-Executor-SourceInvalidPayload'],
		patterns: [/data flow execution failed because container does not exist/i],
		category: 'source_missing',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) =>
			`A data flow source in ${s} points to a storage container that does not exist.`,
		recommendations: [
			'Check the container name in the source dataset or inline dataset and that it exists in the storage account.',
			'If the container is created upstream, make the data flow depend on that step.'
		],
		docs: DATA_FLOWS
	}),
	rule({
		errorType: 'DF-Executor-BroadcastTimeout',
		codes: ['DF-Executor-BroadcastTimeout'],
		patterns: [/Broadcast join timeout error/i],
		category: 'timeout',
		severity: 'Medium',
		autoHealPossible: false,
		rootCause: (s) =>
			`A broadcast join, exists or lookup in ${s} did not produce its stream within the broadcast timeout.`,
		recommendations: [
			"Set broadcast to 'Off' on the join, exists or lookup whose stream is large or slow.",
			'Filter the broadcast side earlier so it stays small.'
		],
		docs: DATA_FLOWS
	}),
	rule({
		errorType: 'DF-Executor-ColumnUnavailable',
		codes: ['DF-Executor-ColumnUnavailable'],
		patterns: [/Column name used in expression is unavailable or invalid/i],
		category: 'schema_mismatch',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) =>
			`An expression in the data flow of ${s} references a column the incoming stream no longer has.`,
		recommendations: [
			'Refresh the source projection (Import projection) and fix expressions that use renamed columns.',
			'Enable schema drift and use byName() for columns that may be missing.'
		],
		docs: DATA_FLOWS
	}),
	rule({
		errorType: 'DF-Executor-Conversion',
		codes: ['DF-Executor-Conversion'],
		patterns: [/Converting to a date or time failed due to an invalid character/i],
		category: 'data_quality',
		severity: 'Medium',
		autoHealPossible: false,
		rootCause: (s) =>
			`A value read by the data flow in ${s} is not a valid date or time in the expected format.`,
		recommendations: [
			'Find the bad values with a conditional split on isNull(toDate(...)) and route them aside.',
			'Set the date/time format explicitly in the source projection or toDate()/toTimestamp() calls.'
		],
		docs: DATA_FLOWS
	}),
	rule({
		errorType: 'DF-Executor-SystemImplicitCartesian',
		codes: ['DF-Executor-SystemImplicitCartesian'],
		category: 'configuration',
		severity: 'Medium',
		autoHealPossible: false,
		rootCause: (s) =>
			`A join in the data flow of ${s} has no usable equality condition, which makes an implicit cartesian product.`,
		recommendations: [
			'Add an equality condition to the join, or use a custom (cross) join explicitly if a cartesian product is intended.',
			'Check the join keys still exist on both streams after recent schema changes.'
		],
		docs: DATA_FLOWS
	}),
	rule({
		errorType: 'KeyVaultAccessDenied',
		codes: ['ForbiddenByPolicy', 'ForbiddenByRbac'],
		patterns: [/does not have secrets? \w+ permission on key vault/i],
		category: 'permission',
		severity: 'High',
		autoHealPossible: false,
		entity: keyVaultName,
		noun: 'key vault',
		rootCause: (s) =>
			`The factory's identity is not allowed to read secrets from ${s}, so linked services that reference it cannot get credentials.`,
		recommendations: [
			"Grant the factory's managed identity Get and List on secrets (access policy) or the Key Vault Secrets User role (RBAC).",
			'If the vault uses a firewall, allow trusted Microsoft services or add a private endpoint.'
		],
		docs: KEY_VAULT
	}),
	rule({
		errorType: 'KeyVaultSecretNotFound',
		codes: ['SecretNotFound'],
		patterns: [/A secret with \(name\/id\) \S+ was not found in this key vault/i],
		category: 'configuration',
		severity: 'High',
		autoHealPossible: false,
		entity: keyVaultName,
		noun: 'key vault',
		rootCause: (s) => `A linked service references a secret name that does not exist in ${s}.`,
		recommendations: [
			'Check the secret name (and version, if pinned) referenced by the linked service.',
			'Check whether the secret was deleted or renamed; recover it from soft-delete if needed.'
		],
		docs: KEY_VAULT
	}),
	rule({
		errorType: 'InnerActivityFailed',
		tier: 'wrapper',
		patterns: [/Activity failed because an inner activity failed/i],
		category: 'upstream',
		severity: 'High',
		autoHealPossible: false,
		entity: activityName,
		noun: 'container activity',
		rootCause: (s) =>
			`An activity inside ${s} (ForEach, Until, If or Execute Pipeline) failed; the first inner error is the real cause.`,
		recommendations: [
			'Open the run in ADF Monitor, drill into the container activity and read the first failed inner activity.',
			'Triage that inner error; rerun from the failed activity once it is fixed.'
		],
		docs: PIPELINES
	})
];
