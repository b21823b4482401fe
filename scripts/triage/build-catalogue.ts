/**
 * Builds the generated triage catalogues in src/lib/server/triage/catalogue/generated/ from
 * snapshots of the public repositories that publish the error codes (see
 * ../shared/triage/SOURCES.md). Each snapshot is a bare git directory; the default location is
 * the one the `fetch` tool uses (/work/.mirror/<owner>+<name>/repo), override with
 * TRIAGE_MIRRORS=<dir>. A missing snapshot is reported and its table kept as committed.
 *
 *   npx node scripts/triage/build-catalogue.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Category, Severity } from '../../src/lib/server/triage/types.ts';
import type {
	CatalogueEntry,
	EntityKind,
	System
} from '../../src/lib/server/triage/catalogue/types.ts';
import { sqlStateClass } from '../../src/lib/server/triage/catalogue/sqlstate.ts';

const MIRRORS = process.env.TRIAGE_MIRRORS ?? '/work/.mirror';
const OUT = join(import.meta.dirname, '../../src/lib/server/triage/catalogue/generated');

function show(repo: string, path: string, rev = 'HEAD'): string | null {
	const dir = join(MIRRORS, repo.replace('/', '+'), 'repo');
	if (!existsSync(dir)) return null;
	try {
		return execFileSync('git', ['-C', dir, 'show', `${rev}:${path}`], {
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024
		});
	} catch {
		return null;
	}
}

function lastRevisionOf(repo: string, path: string): string | null {
	const dir = join(MIRRORS, repo.replace('/', '+'), 'repo');
	if (!existsSync(dir)) return null;
	const rev = execFileSync('git', ['-C', dir, 'log', '--all', '-1', '--format=%H', '--', path], {
		encoding: 'utf8'
	}).trim();
	// The last commit touching a deleted file is its deletion: read it from the parent.
	return rev ? `${rev}^` : null;
}

function blob(repo: string, path: string): string {
	return `https://github.com/${repo}/blob/master/${path}`;
}

// ---------- Spark-style conditions (Delta error classes): name + SQLSTATE -> category ----------

const has = (name: string, re: RegExp) => re.test(name);

export function labelCondition(
	name: string,
	sqlState: string | undefined,
	message: string
): {
	category: Category;
	severity: Severity;
	entity?: EntityKind;
} {
	const n = name.toUpperCase();
	const m = message.toLowerCase();
	if (has(n, /CONCURRENT|METADATA_CHANGED|PROTOCOL_CHANGED|_CONFLICT/))
		return { category: 'configuration', severity: 'Medium', entity: 'table' };
	if (has(n, /PERMISSION|UNAUTHORIZED|INSUFFICIENT_PRIV|ACCESS_DENIED/))
		return { category: 'permission', severity: 'High', entity: 'table' };
	if (has(n, /TIMEOUT|TIMED_OUT/)) return { category: 'timeout', severity: 'Medium' };
	if (has(n, /OUT_OF_MEMORY|_OOM|DISK_FULL|RESOURCE_EXHAUSTED/))
		return { category: 'resource_exhausted', severity: 'High' };
	if (
		has(
			n,
			/(TABLE|VIEW|PATH|FILE|SCHEMA|DATABASE|CATALOG|LOG|CHECKPOINT|VERSION|SNAPSHOT|PARTITION|LOCATION|DIRECTORY)S?_(NOT_FOUND|DOES_NOT_EXIST|NOT_EXIST|MISSING)|MISSING_(TRANSACTION_LOG|DELTA_TABLE|FILE|TABLE|PATH)|^DELTA_(FILE|TABLE|PATH)_NOT_FOUND|FILE_NOT_FOUND|NO_SUCH_|NOT_A_DELTA_TABLE|TABLE_NOT_FOUND|PATH_NOT_FOUND|EMPTY_DIRECTORY|LOG_FILE_NOT_FOUND/
		)
	)
		return {
			category: 'source_missing',
			severity: 'High',
			entity: n.includes('PATH') || n.includes('FILE') ? 'path' : 'table'
		};
	if (has(n, /COLUMN_NOT_FOUND|UNRESOLVED_COLUMN|MISSING_COLUMN|FIELD_NOT_FOUND|COLUMN_MISSING/))
		return { category: 'schema_mismatch', severity: 'High', entity: 'column' };
	if (
		has(
			n,
			/NULL_CONSTRAINT|NOT_NULL|CHECK_CONSTRAINT|VIOLATE_CONSTRAINT|CONSTRAINT_VIOLATION|DUPLICATE_ROW|MULTIPLE_SOURCE_ROW|INVALID_INPUT|MALFORMED|CAST_INVALID|OVERFLOW|DIVIDE_BY_ZERO/
		)
	)
		return { category: 'data_quality', severity: 'High', entity: 'table' };
	// Writes whose data does not fit the table (metadata, arity, a type change) are schema
	// mismatches for the on-call engineer, whatever SQLSTATE class 42 says.
	if (
		has(
			n,
			/SCHEMA_(CHANGED|MISMATCH|MISMATCHED)|MERGE_FIELDS|MERGE_INCOMPATIBLE|INCOMPATIBLE_(DATA_)?TYPE|TYPE_MISMATCH|DATA_TYPE_MISMATCH|FAILED_TO_MERGE|SCHEMA_NOT_(SET|PROVIDED)|COLUMN_(COUNT|ORDER)_MISMATCH|NOT_ENOUGH_COLUMNS|TOO_MANY_COLUMNS|MISMATCHED_SCHEMA|SCHEMA_EVOLUTION|INCOMPATIBLE_SCHEMA|^DELTA_METADATA_MISMATCH|ARITY_MISMATCH|SCHEME_MISMATCH|MERGE_SCHEMA|INSERT_COLUMN_MISMATCH|CHANGE_DATA_TYPE|DATA_TYPE_CHANGE|DUPLICATE_COLUMNS_FOUND\.DATA/
		)
	)
		return { category: 'schema_mismatch', severity: 'High', entity: 'table' };
	const state = sqlState ? sqlStateClass(sqlState) : null;
	if (state) {
		// Class 42 in a Delta condition is mostly a table property, feature or command misused.
		if (
			sqlState?.startsWith('42') &&
			state.category === 'code_error' &&
			/propert|feature|config|mode|enable|protocol|not supported|unsupported/.test(m)
		)
			return { category: 'configuration', severity: 'Medium', entity: 'table' };
		if (state.category === 'unknown') return { category: 'unknown', severity: 'Medium' };
		return { category: state.category, severity: state.severity };
	}
	return { category: 'unknown', severity: 'Medium' };
}

function conditions(repo: string, path: string, system: System): CatalogueEntry[] {
	const raw = show(repo, path);
	if (!raw) return [];
	const json = JSON.parse(raw) as Record<
		string,
		{ message: string[]; sqlState?: string; subClass?: Record<string, { message: string[] }> }
	>;
	const rows: CatalogueEntry[] = [];
	for (const [name, spec] of Object.entries(json)) {
		const message = spec.message.join(' ').trim();
		const add = (code: string, text: string) => {
			const label = labelCondition(code, spec.sqlState, text);
			// Internal and assertion errors are not something the catalogue can name a cause for.
			if (label.category === 'unknown') return;
			rows.push({
				code,
				system,
				...label,
				title: text.split(/(?<=\.)\s/)[0]!.slice(0, 160),
				template: `[${code}] ${text}${spec.sqlState ? ` SQLSTATE: ${spec.sqlState}` : ''}`,
				source: `${blob(repo, path)}#${name}`
			});
		};
		add(name, message);
		for (const [sub, subSpec] of Object.entries(spec.subClass ?? {}).slice(0, 6))
			add(`${name}.${sub}`, `${message} ${subSpec.message.join(' ')}`.trim());
	}
	return rows;
}

// ---------- Databricks: cluster termination reasons and job run termination codes ----------

function labelTermination(code: string): { category: Category; severity: Severity } | null {
	if (
		/^(SUCCESS|INACTIVITY|USER_REQUEST|JOB_FINISHED|UNKNOWN|INTERNAL_ERROR|WORKSPACE_UPDATE|CERT_ROTATION|MAINTENANCE_MODE|USER_INITIATED_VM_TERMINATION|SKIPPED_SLOW_NODES|GKE_BASED_CLUSTER_TERMINATION)$/.test(
			code
		)
	)
		return null;
	if (/OUT_OF_MEMORY/.test(code)) return { category: 'resource_exhausted', severity: 'High' };
	if (/OUT_OF_DISK|EPHEMERAL_DISK/.test(code))
		return { category: 'resource_exhausted', severity: 'High' };
	if (/ACCESS_TOKEN|STS_CLIENT|NPIP_TUNNEL_TOKEN/.test(code))
		return { category: 'authentication', severity: 'High' };
	if (
		/PERMISSION|ACCESS_DENIED|AUTHORIZATION|FORBIDDEN|DENIED_BY_ORG_POLICY|ENTITLEMENT_DENIED|KMS_KEY/.test(
			code
		)
	)
		return { category: 'permission', severity: 'High' };
	if (
		/THROTTL|RATE_LIMIT|RATE_QUOTA|REQUEST_LIMIT_EXCEEDED|REQUEST_REJECTED|IN_PENALTY_BOX/.test(
			code
		)
	)
		return { category: 'throttling', severity: 'Medium' };
	if (
		/INIT_SCRIPT|LIBRARY|IMAGE_PULL|DOCKER|SPARK_IMAGE|DBR_IMAGE|EOS_SPARK_IMAGE|INVALID_WORKER_IMAGE/.test(
			code
		)
	)
		return {
			category: /INIT_SCRIPT/.test(code) ? 'dependency' : 'cluster_launch',
			severity: 'High'
		};
	if (
		/^DRIVER_(UNREACHABLE|UNRESPONSIVE|NODE_UNREACHABLE)|COMMUNICATION_LOST|INSTANCE_UNREACHABLE$|CONTROL_PLANE|DNS|HIVEMETASTORE_CONNECTIVITY|DATABASE_CONNECTION_FAILURE|NETWORK_CHECK|MTLS/.test(
			code
		)
	)
		return { category: 'connectivity', severity: 'High' };
	if (/SPOT_INSTANCE_TERMINATION|CLOUD_PROVIDER_SHUTDOWN|DRIVER_EVICTION/.test(code))
		return { category: 'cluster_launch', severity: 'Medium' };
	if (
		/INSTANCE_POOL_NOT_FOUND|TRIAL_EXPIRED|INVALID_ARGUMENT|INVALID_AWS_PARAMETER|UNSUPPORTED_INSTANCE_TYPE|DYNAMIC_SPARK_CONF|BUDGET_POLICY|WORKSPACE_CONFIGURATION|DATA_ACCESS_CONFIG|SECRET_RESOLUTION|WORKSPACE_CANCELLED|INVALID_INSTANCE_PLACEMENT|DELEGATION_KEY|AZURE_INVALID_DEPLOYMENT_TEMPLATE|SERVICE_ACCOUNT_(DELETED|NOT_FOUND)|GCP_NOT_FOUND/.test(
			code
		)
	)
		return { category: 'configuration', severity: 'High' };
	return { category: 'cluster_launch', severity: 'High' };
}

function humanise(code: string): string {
	return code.toLowerCase().replace(/_/g, ' ');
}

function databricks(): CatalogueEntry[] {
	const repo = 'databricks/databricks-sdk-py';
	const rows: CatalogueEntry[] = [];
	const compute = show(repo, 'databricks/sdk/service/compute.py');
	if (compute) {
		const block = /class TerminationReasonCode\(Enum\):([\s\S]*?)\nclass /.exec(compute)?.[1] ?? '';
		for (const [, code] of block.matchAll(/^ {4}([A-Z][A-Z0-9_]+) = "/gm)) {
			const label = labelTermination(code!);
			if (!label) continue;
			rows.push({
				code: code!,
				system: 'databricks',
				...label,
				entity: 'cluster',
				title: `Cluster terminated: ${humanise(code!)}`,
				template: `Cluster <clusterId> terminated. Reason: ${code} (${label.category === 'cluster_launch' || label.category === 'connectivity' ? 'SERVICE_FAULT' : 'CLIENT_ERROR'}). Parameters: databricks_error_message:<detail>.`,
				source: `${blob(repo, 'databricks/sdk/service/compute.py')}#TerminationReasonCode`
			});
		}
	}
	const jobs = show(repo, 'databricks/sdk/service/jobs.py');
	if (jobs) {
		const doc = /class TerminationCodeCode\(Enum\):\s*"""([\s\S]*?)"""/.exec(jobs)?.[1] ?? '';
		const RUN: Record<string, [Category, Severity] | null> = {
			SUCCESS: null,
			SUCCESS_WITH_FAILURES: null,
			USER_CANCELED: null,
			DISABLED: null,
			SKIPPED: ['upstream', 'Medium'],
			CANCELED: ['timeout', 'Medium'],
			INTERNAL_ERROR: null,
			DRIVER_ERROR: ['connectivity', 'High'],
			CLUSTER_ERROR: ['cluster_launch', 'High'],
			REPOSITORY_CHECKOUT_FAILED: ['connectivity', 'Medium'],
			INVALID_CLUSTER_REQUEST: ['configuration', 'High'],
			WORKSPACE_RUN_LIMIT_EXCEEDED: ['throttling', 'Medium'],
			FEATURE_DISABLED: ['configuration', 'Medium'],
			CLUSTER_REQUEST_LIMIT_EXCEEDED: ['throttling', 'Medium'],
			STORAGE_ACCESS_ERROR: ['permission', 'High'],
			RUN_EXECUTION_ERROR: null,
			UNAUTHORIZED_ERROR: ['permission', 'High'],
			LIBRARY_INSTALLATION_ERROR: ['dependency', 'High'],
			MAX_CONCURRENT_RUNS_EXCEEDED: ['configuration', 'Medium'],
			MAX_SPARK_CONTEXTS_EXCEEDED: ['resource_exhausted', 'Medium'],
			RESOURCE_NOT_FOUND: ['source_missing', 'High'],
			INVALID_RUN_CONFIGURATION: ['configuration', 'High'],
			CLOUD_FAILURE: ['cluster_launch', 'High'],
			MAX_JOB_QUEUE_SIZE_EXCEEDED: ['throttling', 'Medium'],
			BREAKING_CHANGE: ['configuration', 'Medium'],
			BUDGET_POLICY_LIMIT_EXCEEDED: ['configuration', 'Medium'],
			CLUSTER_TERMINATED_BY_USER: ['cluster_launch', 'Medium']
		};
		for (const [, code, text] of doc.matchAll(/- ``([A-Z_]+)``: ([\s\S]*?)(?=\n\s*- ``|$)/g)) {
			const label = RUN[code!];
			if (!label) continue;
			const sentence = text!.replace(/\s+/g, ' ').trim();
			rows.push({
				code: code!,
				system: 'databricks',
				category: label[0],
				severity: label[1],
				title: sentence.split(/(?<=\.)\s/)[0]!,
				template: `Run <runId> terminated with ${code}: ${sentence}`,
				source: `${blob(repo, 'databricks/sdk/service/jobs.py')}#TerminationCodeCode`
			});
		}
	}
	return rows;
}

// ---------- dbt, Great Expectations: exception classes by their base class ----------

function pythonClasses(text: string): { name: string; bases: string; doc: string }[] {
	return [...text.matchAll(/^class (\w+)\(([^)]*)\):\s*(?:"""([\s\S]*?)""")?/gm)].map((m) => ({
		name: m[1]!,
		bases: m[2]!,
		doc: (m[3] ?? '').replace(/\s+/g, ' ').trim()
	}));
}

function dbt(): CatalogueEntry[] {
	const rows: CatalogueEntry[] = [];
	const files: [string, string, string | null][] = [
		['dbt-labs/dbt-common', 'dbt_common/exceptions/base.py', 'HEAD'],
		['dbt-labs/dbt-common', 'dbt_common/exceptions/connection.py', 'HEAD'],
		['dbt-labs/dbt-common', 'dbt_common/exceptions/system.py', 'HEAD'],
		['dbt-labs/dbt-common', 'dbt_common/exceptions/jinja.py', 'HEAD'],
		['dbt-labs/dbt-common', 'dbt_common/exceptions/macros.py', 'HEAD'],
		['dbt-labs/dbt-common', 'dbt_common/exceptions/contracts.py', 'HEAD'],
		[
			'dbt-labs/dbt-core',
			'core/dbt/exceptions.py',
			lastRevisionOf('dbt-labs/dbt-core', 'core/dbt/exceptions.py')
		]
	];
	const byBase = (name: string, bases: string): [Category, Severity] | null => {
		if (/Contract|SchemaConfig/.test(name)) return ['schema_mismatch', 'High'];
		if (/FailedToConnect|ConnectionError|Connection/.test(name + bases))
			return ['connectivity', 'High'];
		if (/Database|UnexpectedNull/.test(name + bases)) return ['code_error', 'High'];
		if (/Dependency|Package|Semver|VersionsNotCompatible|Deps|Hub/.test(name + bases))
			return ['dependency', 'Medium'];
		if (
			/NotFound|Missing/.test(name) &&
			/Node|Ref|Source|Relation|Materialization|Macro/.test(name)
		)
			return ['configuration', 'Medium'];
		if (
			/Compilation|Jinja|Macro|Tag|Parsing|Yaml|Config|Validation|Duplicate|Ambiguous/.test(
				name + bases
			)
		)
			return ['configuration', 'Medium'];
		if (/Command|Executable|WorkingDirectory|System/.test(name + bases))
			return ['configuration', 'Medium'];
		if (/RuntimeError|Internal/.test(name + bases)) return ['code_error', 'Medium'];
		return null;
	};
	for (const [repo, path, rev] of files) {
		if (!rev) continue;
		const text = show(repo, path, rev);
		if (!text) continue;
		for (const cls of pythonClasses(text)) {
			if (!/Error|Exception/.test(cls.name)) continue;
			const label = byBase(cls.name, cls.bases);
			if (!label) continue;
			rows.push({
				code: cls.name,
				system: 'dbt',
				category: label[0],
				severity: label[1],
				entity: 'model',
				title: cls.doc.slice(0, 160) || `dbt ${cls.name}`,
				source: blob(repo, path)
			});
		}
	}
	return rows;
}

function greatExpectations(): CatalogueEntry[] {
	const repo = 'great-expectations/great_expectations';
	const path = 'great_expectations/exceptions/exceptions.py';
	const text = show(repo, path);
	if (!text) return [];
	return pythonClasses(text)
		.filter((cls) => /Error|Exception/.test(cls.name) && !/^GreatExpectationsError$/.test(cls.name))
		.map((cls): CatalogueEntry => {
			const category: Category = /NotFound|DoesNotExist|Missing/.test(cls.name)
				? 'configuration'
				: /Validation|Expectation/.test(cls.name) && !/Config/.test(cls.name)
					? 'configuration'
					: /Execution|Batch|Sql|Metric/.test(cls.name)
						? 'code_error'
						: 'configuration';
			return {
				code: cls.name,
				system: 'great-expectations',
				category,
				severity: 'Medium',
				title: cls.doc.slice(0, 160) || `Great Expectations ${cls.name}`,
				source: blob(repo, path)
			};
		});
}

// ---------- Snowflake connector client error numbers ----------

function snowflake(): CatalogueEntry[] {
	const repo = 'snowflakedb/snowflake-connector-python';
	const path = 'src/snowflake/connector/errorcode.py';
	const text = show(repo, path);
	if (!text) return [];
	const rows: CatalogueEntry[] = [];
	for (const [, name, num] of text.matchAll(/^ER_(\w+) = (\d+)/gm)) {
		const n = name!;
		const label: [Category, Severity] | null = /TIMEOUT/.test(n)
			? ['timeout', 'Medium']
			: /PASSWORD|USER|PRIVATE_KEY|JWT|TOKEN|AUTH|MFA|OAUTH|IDP|SAML|CLIENT_ID|CLIENT_SECRET/.test(
						n
				  )
				? ['authentication', 'High']
				: /CONNECT|CONNECTION|REQUEST|SERVER|HTTPS|HOSTNAME|OCSP|CERTIFICATE|DESTINATION|BOOTSTRAP/.test(
							n
					  )
					? ['connectivity', 'High']
					: // "No pyarrow": an optional package is not installed, not bad data (checked before ARROW).
						/^NO_(?:PYARROW|PANDAS|NUMPY)/.test(n)
						? ['dependency', 'High']
						: /NO_ACCOUNT|INVALID_VALUE|NOT_SUPPORTED|NO_WINDOWS|OLD_PYTHON|INVALID_.*POLICY/.test(
									n
							  )
							? ['configuration', 'Medium']
							: /DATA|CONVERT|ARROW|TYPE/.test(n)
								? ['data_quality', 'Medium']
								: /FILE|STAGE|PUT|GET|UPLOAD|DOWNLOAD/.test(n)
									? ['source_missing', 'Medium']
									: null;
		if (!label) continue;
		rows.push({
			code: num!,
			system: 'snowflake',
			category: label[0],
			severity: label[1],
			title: `Snowflake connector ${humanise(n)}`,
			template: `snowflake.connector.errors.${label[0] === 'connectivity' || label[0] === 'timeout' ? 'OperationalError' : label[0] === 'authentication' ? 'DatabaseError' : 'ProgrammingError'}: ${num} (<sqlState>): ${humanise(n).replace(/^./, (c) => c.toUpperCase())}: <detail>`,
			source: `${blob(repo, path)}#ER_${n}`
		});
	}
	return rows;
}

// ---------- main ----------

const tables: Record<string, () => CatalogueEntry[]> = {
	delta: () =>
		conditions(
			'delta-io/delta',
			'spark/src/main/resources/error/delta-error-classes.json',
			'delta'
		),
	databricks,
	dbt,
	'great-expectations': greatExpectations,
	snowflake
};

if (import.meta.main) {
	mkdirSync(OUT, { recursive: true });
	for (const [name, build] of Object.entries(tables)) {
		const rows = build();
		if (rows.length === 0) {
			console.warn(`${name}: no snapshot under ${MIRRORS}; kept the committed table`);
			continue;
		}
		const unique = [...new Map(rows.map((row) => [row.code.toLowerCase(), row])).values()];
		unique.sort((a, b) => a.code.localeCompare(b.code));
		writeFileSync(join(OUT, `${name}.json`), `${JSON.stringify(unique, null, '\t')}\n`);
		const counts: Record<string, number> = {};
		for (const row of unique) counts[row.category] = (counts[row.category] ?? 0) + 1;
		console.log(`${name}: ${unique.length} rows`, counts);
	}
}
