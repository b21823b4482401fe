import type { Rule } from './rule.ts';
import { rule } from './rule.ts';
import {
	clusterId,
	columnName,
	deltaTable,
	libraryName,
	moduleName,
	notebookPath,
	quotaFamily,
	securable,
	sparkPath,
	tableName
} from './entity.ts';

/** Databricks job, cluster and Spark failures, from Databricks' public docs and error classes. */

const DBX = 'https://docs.databricks.com/en';
const ERROR_CLASSES = `${DBX}/error-messages/error-classes.html`;
const COMPUTE = `${DBX}/compute/configure.html`;
const CLUSTERS_API = 'https://docs.databricks.com/api/workspace/clusters/get';
const LIBRARIES = `${DBX}/libraries/index.html`;
const NOTEBOOK_WORKFLOWS = `${DBX}/notebooks/notebook-workflows.html`;
const JOBS = `${DBX}/jobs/index.html`;

const MEMORY_RECOMMENDATIONS = [
	'Avoid pulling large results to the driver (collect(), toPandas(), display() of big frames); write them to a table instead.',
	'Use a driver node type with more memory, or a memory optimized worker type for heavy shuffles.',
	'Check the Spark UI for skewed partitions and repartition or salt the skewed key.'
];

/** The exception a Python traceback ends with, e.g. `ZeroDivisionError`. */
function pythonExceptionName(text: string): string | null {
	const names = [...text.matchAll(/^\s*(?:[\w.]+\.)?([A-Z]\w*(?:Error|Exception))(?=:|\s*$)/gm)];
	return names.at(-1)?.[1] ?? null;
}

export const DATABRICKS_RULES: readonly Rule[] = [
	rule({
		errorType: 'QuotaExceeded',
		codes: ['AZURE_QUOTA_EXCEEDED_EXCEPTION', 'QuotaExceeded'],
		patterns: [/exceeding approved \S+ Cores quota/i],
		category: 'cluster_launch',
		severity: 'High',
		autoHealPossible: false,
		entity: (text) => quotaFamily(text) ?? clusterId(text),
		noun: 'VM family',
		rootCause: (s) =>
			`The cluster could not start because the subscription's vCPU quota for ${s} in this region is used up.`,
		recommendations: [
			'Request a quota increase for the VM family and region (Azure portal > Quotas > Compute).',
			'Meanwhile, lower the cluster max workers or switch to a VM family with free quota.',
			'Check for idle or stuck clusters consuming cores and terminate them.'
		],
		docs: 'https://learn.microsoft.com/en-us/azure/quotas/per-vm-quota-requests'
	}),
	rule({
		errorType: 'InitScriptFailure',
		codes: ['INIT_SCRIPT_FAILURE'],
		patterns: [/Init script failure/i],
		category: 'dependency',
		severity: 'High',
		autoHealPossible: false,
		entity: clusterId,
		noun: 'cluster',
		rootCause: (s) =>
			`An init script on ${s} exited with an error, so the cluster never became ready.`,
		recommendations: [
			'Read the init script logs (cluster log delivery destination, init_scripts folder) for the failing command.',
			'Pin package versions the script installs and make the script fail fast with clear messages.'
		],
		docs: `${DBX}/init-scripts/index.html`
	}),
	rule({
		errorType: 'InstancePoolClusterFailure',
		codes: ['INSTANCE_POOL_CLUSTER_FAILURE'],
		patterns: [/INSTANCE_POOL_CLUSTER_FAILURE/],
		category: 'cluster_launch',
		severity: 'High',
		autoHealPossible: true,
		entity: clusterId,
		noun: 'cluster',
		rootCause: (s) =>
			`${s} could not get instances from its instance pool (pool at max capacity or the cloud could not supply VMs).`,
		recommendations: [
			'Check the pool max capacity and idle instances; raise the limit or free instances held by other clusters.',
			'Rerun; pool acquisition failures are often transient.'
		],
		docs: CLUSTERS_API
	}),
	rule({
		errorType: 'ClusterLaunchFailure',
		codes: [
			'CLOUD_PROVIDER_LAUNCH_FAILURE',
			'CLOUD_PROVIDER_RESOURCE_STOCKOUT',
			'SPARK_STARTUP_FAILURE'
		],
		patterns: [/Cloud provider (?:launch failure|resource stockout)/i],
		category: 'cluster_launch',
		severity: 'High',
		autoHealPossible: true,
		entity: clusterId,
		noun: 'cluster',
		rootCause: (s) =>
			`${s} failed to launch: the cloud provider could not start its VMs (capacity, quota, network or policy).`,
		recommendations: [
			'Open the cluster event log for the termination reason details from Azure.',
			'Rerun the job; if it repeats, try another VM size or region availability, and check subnet free IPs.',
			'Check recent changes to the workspace VNet, NSG rules or Azure Policy that could block VM creation.'
		],
		docs: CLUSTERS_API
	}),
	rule({
		errorType: 'DriverOutOfMemory',
		codes: ['DRIVER_OUT_OF_MEMORY'],
		patterns: [
			/The spark driver has stopped unexpectedly and is restarting/i,
			/Driver is up but is not responsive, likely due to GC/i
		],
		category: 'resource_exhausted',
		severity: 'High',
		autoHealPossible: false,
		entity: clusterId,
		noun: 'cluster',
		rootCause: (s) =>
			`The Spark driver on ${s} ran out of memory or stalled in garbage collection and restarted.`,
		recommendations: MEMORY_RECOMMENDATIONS,
		docs: COMPUTE
	}),
	rule({
		errorType: 'DriverUnreachable',
		codes: ['DRIVER_UNREACHABLE', 'DRIVER_UNRESPONSIVE'],
		patterns: [/Could not reach driver of cluster/i],
		category: 'connectivity',
		severity: 'High',
		autoHealPossible: true,
		entity: clusterId,
		noun: 'cluster',
		rootCause: (s) =>
			`The job service lost contact with the driver of ${s}, usually because the driver was overloaded.`,
		recommendations: [
			'Rerun the job on a fresh job cluster.',
			'If it repeats, use a larger driver and reduce work done on the driver (collect, many small jobs).'
		],
		docs: COMPUTE
	}),
	rule({
		errorType: 'ExecutorLost',
		patterns: [/ExecutorLostFailure/, /Remote RPC client disassociated/i],
		category: 'resource_exhausted',
		severity: 'High',
		autoHealPossible: true,
		entity: clusterId,
		noun: 'cluster',
		rootCause: (s) =>
			`Executors on ${s} were lost mid-job, typically from exceeding memory limits or a node being reclaimed.`,
		recommendations: [
			'Rerun the job; lost executors are often transient.',
			...MEMORY_RECOMMENDATIONS.slice(1)
		],
		docs: COMPUTE
	}),
	rule({
		errorType: 'OutOfMemoryError',
		patterns: [/java\.lang\.OutOfMemoryError/, /GC overhead limit exceeded/i],
		category: 'resource_exhausted',
		severity: 'High',
		autoHealPossible: false,
		entity: clusterId,
		noun: 'cluster',
		rootCause: (s) => `A JVM on ${s} ran out of heap memory.`,
		recommendations: MEMORY_RECOMMENDATIONS,
		docs: COMPUTE
	}),
	rule({
		errorType: 'LibraryInstallationFailed',
		patterns: [/Library installation failed/i],
		category: 'dependency',
		severity: 'High',
		autoHealPossible: false,
		entity: libraryName,
		noun: 'library',
		rootCause: (s) => `The cluster could not install ${s}, so the job never started its code.`,
		recommendations: [
			'Check the package name and version exist for the cluster runtime (Python version, Scala 2.12/2.13).',
			'Check the cluster can reach PyPI/Maven or your private mirror (egress firewall, proxy, credentials).',
			'Pin versions and test the install on an interactive cluster with the same runtime.'
		],
		docs: LIBRARIES
	}),
	rule({
		errorType: 'ModuleNotFoundError',
		patterns: [/(?:ModuleNotFoundError|ImportError): No module named/],
		category: 'dependency',
		severity: 'High',
		autoHealPossible: false,
		entity: moduleName,
		noun: 'Python module',
		rootCause: (s) => `The code imports ${s}, which is not installed on the cluster.`,
		recommendations: [
			'Add the package as a job or cluster library (or %pip install at the top of the notebook).',
			'Check the import name matches the installed package and that the library installed without errors.'
		],
		docs: LIBRARIES
	}),
	rule({
		errorType: 'NotebookNotFound',
		patterns: [/Notebook not found/i, /Unable to access the notebook/i],
		category: 'configuration',
		severity: 'High',
		autoHealPossible: false,
		entity: notebookPath,
		noun: 'notebook',
		rootCause: (s) =>
			`The job could not open ${s}: it was moved, renamed, or the run identity cannot read it.`,
		recommendations: [
			'Check the notebook path in the task (or ADF activity) matches the workspace exactly, including /Repos vs /Workspace.',
			'If the notebook lives in a Git folder, check the branch checked out still contains it.',
			'Grant the job run-as identity CAN RUN on the notebook.'
		],
		docs: NOTEBOOK_WORKFLOWS
	}),
	rule({
		errorType: 'ClusterNotFound',
		patterns: [/Cluster [\w-]+ does not exist/i],
		category: 'configuration',
		severity: 'High',
		autoHealPossible: false,
		entity: clusterId,
		noun: 'cluster',
		rootCause: (s) => `The job points to ${s}, which no longer exists.`,
		recommendations: [
			'Update the job or linked service to an existing cluster id, or better, use a job cluster.',
			'Pin long-lived interactive clusters so they are not deleted after 30 days terminated.'
		],
		docs: CLUSTERS_API
	}),
	rule({
		errorType: 'TableOrViewNotFound',
		codes: ['TABLE_OR_VIEW_NOT_FOUND'],
		patterns: [/Table or view not found/i, /The table or view \S+ cannot be found/i],
		category: 'source_missing',
		severity: 'High',
		autoHealPossible: false,
		entity: tableName,
		noun: 'table',
		rootCause: (s) =>
			`The code reads ${s}, which does not exist in the current catalog and schema (or the run identity cannot see it).`,
		recommendations: [
			'Check the upstream job that creates the table ran successfully for this period.',
			'Use the fully qualified name catalog.schema.table and check the default catalog of the job cluster.',
			'Confirm the run identity has USE CATALOG, USE SCHEMA and SELECT on the table.'
		],
		docs: ERROR_CLASSES
	}),
	rule({
		errorType: 'PathNotFound',
		codes: ['PATH_NOT_FOUND'],
		patterns: [/Path does not exist:/i],
		category: 'source_missing',
		severity: 'High',
		autoHealPossible: false,
		entity: sparkPath,
		noun: 'path',
		rootCause: (s) =>
			`Spark could not find ${s}; the input files were not written or the path is wrong.`,
		recommendations: [
			'List the path (dbutils.fs.ls) to check the upstream files arrived for this run.',
			'Check the path parameters, mount point or external location the job uses.'
		],
		docs: ERROR_CLASSES
	}),
	rule({
		errorType: 'UnresolvedColumn',
		codes: ['UNRESOLVED_COLUMN'],
		patterns: [/cannot be resolved\. Did you mean/i, /\bcannot resolve\b/i],
		category: 'schema_mismatch',
		severity: 'High',
		autoHealPossible: false,
		entity: columnName,
		noun: 'column',
		rootCause: (s) =>
			`The code references ${s}, which is not in the input DataFrame or table; the upstream schema has changed.`,
		recommendations: [
			'Compare the column names in the code with the current table schema (DESCRIBE TABLE); check the suggestions in the message.',
			'Find the upstream change (rename or drop) in the table history (DESCRIBE HISTORY) and align code or data.'
		],
		docs: ERROR_CLASSES
	}),
	rule({
		errorType: 'DeltaSchemaMismatch',
		patterns: [/A schema mismatch detected when writing to the Delta table/i],
		category: 'schema_mismatch',
		severity: 'High',
		autoHealPossible: false,
		entity: deltaTable,
		noun: 'Delta table',
		rootCause: (s) =>
			`The DataFrame being written does not match the schema of ${s}, and Delta schema enforcement rejected it.`,
		recommendations: [
			'Compare the DataFrame schema with the table schema shown in the message.',
			"If the new columns are expected, write with .option('mergeSchema', 'true') or ALTER TABLE ADD COLUMNS.",
			'If not, fix the upstream change or cast columns to the table types before writing.'
		],
		docs: `${DBX}/delta/update-schema.html`
	}),
	rule({
		errorType: 'ConcurrentAppendException',
		codes: ['DELTA_CONCURRENT_APPEND'],
		patterns: [/ConcurrentAppendException/],
		category: 'configuration',
		severity: 'Medium',
		autoHealPossible: true,
		entity: tableName,
		noun: 'Delta table',
		rootCause: (s) =>
			`Another job wrote to the same partitions of ${s} while this one was writing, and Delta aborted the conflicting transaction.`,
		recommendations: [
			'Rerun the job; the conflict is transient once the other writer finishes.',
			'Add explicit partition predicates to MERGE/UPDATE/DELETE conditions so concurrent writers touch disjoint files.',
			'Serialize jobs that write the same table, or enable row-level concurrency (deletion vectors / liquid clustering).'
		],
		docs: `${DBX}/optimizations/isolation-level.html`
	}),
	rule({
		errorType: 'UnityCatalogPermissionDenied',
		codes: ['PERMISSION_DENIED'],
		patterns: [
			/User does not have [A-Z ]+ on (?:Catalog|Schema|Table|Volume|Function|External Location)/
		],
		category: 'permission',
		severity: 'High',
		autoHealPossible: false,
		entity: (text) => securable(text) ?? tableName(text),
		noun: 'securable',
		rootCause: (s) => `The run identity lacks a Unity Catalog privilege on ${s}.`,
		recommendations: [
			'Grant the missing privilege named in the message (e.g. GRANT USE CATALOG ON CATALOG main TO `svc-principal`).',
			'Check which identity the job runs as (run_as) and that grants target that user, group or service principal.'
		],
		docs: `${DBX}/data-governance/unity-catalog/manage-privileges/privileges.html`
	}),
	rule({
		errorType: 'DatabricksInvalidAccessToken',
		patterns: [/Invalid access token/i],
		category: 'authentication',
		severity: 'High',
		autoHealPossible: false,
		rootCause: (s) => `The Databricks token used by ${s} is invalid, expired or revoked.`,
		recommendations: [
			'Create a new token (preferably for a service principal) and update the secret that stores it.',
			'Move to OAuth machine-to-machine or managed identity authentication to avoid expiring PATs.'
		],
		docs: `${DBX}/dev-tools/auth/pat.html`
	}),
	rule({
		errorType: 'JobRunTimedOut',
		codes: ['TIMEDOUT'],
		patterns: [/\bRun timed out\b/i],
		category: 'timeout',
		severity: 'Medium',
		autoHealPossible: false,
		rootCause: (s) =>
			`The Databricks run for ${s} exceeded the timeout configured on the job or task.`,
		recommendations: [
			'Compare this run duration with recent runs; check for data volume growth or skew in the Spark UI.',
			'Raise the task timeout only if the longer duration is expected; otherwise scale the cluster.',
			'Check the run was not waiting on cluster start or a busy pool.'
		],
		docs: JOBS
	}),
	rule({
		errorType: 'PythonException',
		tier: 'generic',
		patterns: [
			/Traceback \(most recent call last\)/,
			/\bPythonException\b/,
			/^(?:ZeroDivisionError|KeyError|ValueError|TypeError|IndexError|AttributeError|NameError|AssertionError)\b/m
		],
		name: pythonExceptionName,
		category: 'code_error',
		severity: 'High',
		autoHealPossible: false,
		entity: notebookPath,
		noun: 'notebook',
		rootCause: (s) => `The Python code in ${s} raised an unhandled exception.`,
		recommendations: [
			'Read the last frames of the traceback for the failing line and the input that triggered it.',
			'Reproduce with the same parameters on an interactive cluster and add a guard or a test for that input.'
		],
		docs: NOTEBOOK_WORKFLOWS
	}),
	rule({
		errorType: 'NotebookExecutionException',
		tier: 'wrapper',
		patterns: [/NotebookExecutionException/, /WorkflowException/],
		category: 'code_error',
		severity: 'High',
		autoHealPossible: false,
		entity: notebookPath,
		noun: 'notebook',
		rootCause: (s) =>
			`A child notebook run from ${s} (dbutils.notebook.run) failed; its own output holds the cause.`,
		recommendations: [
			'Open the child notebook run linked from the parent run and read its error.',
			'Wrap dbutils.notebook.run in a retry only for transient errors; fix code errors in the child.'
		],
		docs: NOTEBOOK_WORKFLOWS
	}),
	rule({
		errorType: 'ClusterTerminated',
		tier: 'wrapper',
		patterns: [/Cluster terminated\. Reason:/i],
		category: 'cluster_launch',
		severity: 'High',
		autoHealPossible: true,
		entity: clusterId,
		noun: 'cluster',
		rootCause: (s) =>
			`${s} terminated before the run finished; the termination reason in the message says why.`,
		recommendations: [
			'Open the cluster event log for the termination reason and its details.',
			'Rerun on a new job cluster; if it repeats, act on the termination reason (quota, network, init script).'
		],
		docs: CLUSTERS_API
	}),
	rule({
		errorType: 'SparkJobAborted',
		tier: 'wrapper',
		patterns: [/Job aborted due to stage failure/i],
		category: 'code_error',
		severity: 'High',
		autoHealPossible: false,
		entity: clusterId,
		noun: 'cluster',
		rootCause: (s) => `A Spark stage on ${s} failed repeatedly and the job was aborted.`,
		recommendations: [
			'Find the first failed task in the Spark UI and read its exception.',
			'Check for bad input records or skew on the stage that failed.'
		],
		docs: COMPUTE
	})
];
