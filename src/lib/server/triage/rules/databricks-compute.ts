import { clusterId, quotaFamily } from './entity.ts';
import type { Rule } from './rule.ts';
import { rule } from './rule.ts';

/** Databricks cluster launch, memory and driver failures, from Databricks' public docs. */

const DBX = 'https://docs.databricks.com/en';
const COMPUTE = `${DBX}/compute/configure.html`;
const CLUSTERS_API = 'https://docs.databricks.com/api/workspace/clusters/get';

const MEMORY_RECOMMENDATIONS = [
	'Avoid pulling large results to the driver (collect(), toPandas(), display() of big frames); write them to a table instead.',
	'Use a driver node type with more memory, or a memory optimized worker type for heavy shuffles.',
	'Check the Spark UI for skewed partitions and repartition or salt the skewed key.'
];

export const DATABRICKS_COMPUTE_RULES: readonly Rule[] = [
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
		patterns: [/Job aborted due to stage failure/i, /\bSparkException: Job aborted\b/],
		// Only a wrapper: when no inner cause was recognised the honest answer is "unknown" (a
		// crashed Python worker, bad input, a bug and lost executors all end up here).
		category: 'unknown',
		severity: 'High',
		autoHealPossible: false,
		entity: clusterId,
		noun: 'cluster',
		rootCause: (s) =>
			`A Spark stage on ${s} failed repeatedly and the job was aborted; the cause inside was not recognised.`,
		recommendations: [
			'Find the first failed task in the Spark UI and read its exception.',
			'Check for bad input records or skew on the stage that failed.'
		],
		docs: COMPUTE
	})
];
