import {
	columnName,
	deltaTable,
	libraryName,
	moduleName,
	notebookPath,
	securable,
	sparkPath,
	tableName
} from './entity.ts';
import type { Rule } from './rule.ts';
import { rule } from './rule.ts';

/** Databricks job code failures: libraries, notebooks, Spark SQL, Delta, Unity Catalog. */

const DBX = 'https://docs.databricks.com/en';
const ERROR_CLASSES = `${DBX}/error-messages/error-classes.html`;
const LIBRARIES = `${DBX}/libraries/index.html`;
const NOTEBOOK_WORKFLOWS = `${DBX}/notebooks/notebook-workflows.html`;
const JOBS = `${DBX}/jobs/index.html`;

/** The exception a Python traceback ends with, e.g. `ZeroDivisionError`. */
function pythonExceptionName(text: string): string | null {
	const names = [...text.matchAll(/^\s*(?:[\w.]+\.)?([A-Z]\w*(?:Error|Exception))(?=:|\s*$)/gm)];
	return names.at(-1)?.[1] ?? null;
}

export const DATABRICKS_CODE_RULES: readonly Rule[] = [
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
		// "cannot resolve '<col>'", not the "you cannot resolve this problem" of other products.
		patterns: [/cannot be resolved\. Did you mean/i, /\bcannot resolve [`'"]/i],
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
		// Some exceptions name a cause outside the code: a scheduler variable that is not set, or a
		// module whose installed version no longer has the attribute the code uses.
		adjust: (text) =>
			/KeyError: ['"]Variable \S+ does not exist/.test(text)
				? { category: 'configuration', severity: 'Medium' }
				: /AttributeError: module '[\w.]+' has no attribute/.test(text)
					? { category: 'dependency' }
					: // The code met a value it cannot parse: the row is bad, not the code.
						/ValueError: (?:could not convert string to|invalid literal for)/.test(text)
						? { category: 'data_quality' }
						: null,
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
		// The parent only reports that the child run failed: the child's failure is the one to triage.
		category: 'upstream',
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
	})
];
