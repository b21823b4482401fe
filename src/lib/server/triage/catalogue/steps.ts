import type { Category } from '../types.ts';

/** Next steps for a category, used when a catalogue row has none of its own. */
export const STEPS_BY_CATEGORY: Readonly<Record<Category, readonly string[]>> = {
	source_missing: [
		'Check that the table, file or path named in the message exists where the pipeline looks (name, case, folder, date partition).',
		'If it is produced by an upstream job or drop, check that job ran and wrote it; rerun once it is there.'
	],
	connectivity: [
		'Test the connection from the same runtime (integration runtime, cluster, worker): DNS, firewall, private endpoint, NSG rules.',
		'Check the target service health; rerun if the outage was transient.'
	],
	authentication: [
		'Check the credential the connection uses (password, key, client secret, token) has not expired or been rotated; update it in Key Vault or the linked service.',
		'Confirm the user, tenant and application ids in the connection settings.'
	],
	permission: [
		'Grant the identity in the message the missing role, ACL or GRANT on the object named (least privilege).',
		'Check for a recent change to RBAC, ACLs, firewall policy or ownership of the object.'
	],
	resource_exhausted: [
		'Give the job more capacity (larger driver/executors, more DTUs/vCores, bigger disk) or reduce the data processed per run.',
		'Look for skew, collect()/toPandas() on large data, or a runaway query.'
	],
	timeout: [
		'Find the slow step (query plan, source latency, lock waits) and raise the timeout only if the work is legitimately long.',
		'Rerun once: timeouts are often transient under load.'
	],
	throttling: [
		'Rerun after a short wait with exponential backoff; lower parallelism or spread the schedule.',
		'If a quota is reached, request an increase from the service owner.'
	],
	schema_mismatch: [
		'Compare the source schema with the schema the pipeline expects (column names, types, order); a column was probably added, renamed or retyped upstream.',
		'Update the mapping, table definition or enable schema evolution deliberately, then rerun.'
	],
	data_quality: [
		'Find the offending rows (the value, key or line in the message) and fix them at the source or quarantine them.',
		'Add a validation or a fault-tolerance setting (skip/redirect bad rows) if such rows are expected.'
	],
	configuration: [
		'Check the setting named in the message (pipeline parameter, linked service, table property, cluster or job config) against the documentation.',
		'Compare with the last successful run: what changed in code or configuration?'
	],
	cluster_launch: [
		'Check the cluster event log for the termination reason; retry if it was a cloud capacity or transient fault.',
		'For quota or capacity errors, pick another VM size or region, or request a quota increase; for network errors check the VNet/subnet.'
	],
	dependency: [
		'Check the library or package version named in the message resolves and installs on this runtime (pin versions, check the repository is reachable).',
		'Check init scripts and the runtime version compatibility.'
	],
	code_error: [
		'Open the failing notebook, script or query at the line in the trace and fix the code; reproduce with the same input.',
		'Check what changed in the code since the last successful run.'
	],
	upstream: [
		'Open the upstream run or task named in the message and triage its failure first; this one follows from it.',
		'Rerun once the upstream has succeeded.'
	],
	unknown: [
		'Open the failed run and read the full error output and the first failing step: the innermost "Caused by" or Message= usually names the cause.',
		'Search the product error catalogue for any code in the message (ADF troubleshooting guides, Spark/Databricks error conditions, SQL Server error numbers).',
		'Check what changed since the last successful run; rerun once if it looks transient and escalate to the pipeline owner if it repeats.'
	]
};
