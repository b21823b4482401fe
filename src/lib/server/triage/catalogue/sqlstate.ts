import type { Category, Severity } from '../types.ts';

/**
 * SQLSTATE classes (the first two characters) and a few exact states, as Spark's
 * `error-states.json` and the SQL standard define them, mapped to the taxonomy. Used when a
 * message carries `SQLSTATE: xxxxx` but its condition is not in a catalogue, and by the
 * catalogue builder to label Spark and Delta conditions.
 */
export const SQLSTATE_SOURCE =
	'https://github.com/apache/spark/blob/master/common/utils/src/main/resources/error/error-states.json';

export interface SqlStateClass {
	category: Category;
	severity: Severity;
	meaning: string;
}

export const SQLSTATE_EXACT: Readonly<Record<string, SqlStateClass>> = {
	'42P01': { category: 'source_missing', severity: 'High', meaning: 'undefined table' },
	'42S02': {
		category: 'source_missing',
		severity: 'High',
		meaning: 'base table or view not found'
	},
	'42P06': { category: 'source_missing', severity: 'High', meaning: 'schema not found' },
	'42704': { category: 'source_missing', severity: 'High', meaning: 'undefined object' },
	'42703': { category: 'schema_mismatch', severity: 'High', meaning: 'undefined column' },
	'42S22': { category: 'schema_mismatch', severity: 'High', meaning: 'column not found' },
	'42501': { category: 'permission', severity: 'High', meaning: 'insufficient privilege' },
	'42601': { category: 'code_error', severity: 'Medium', meaning: 'syntax error' },
	'42883': { category: 'code_error', severity: 'Medium', meaning: 'undefined function' },
	'57014': { category: 'timeout', severity: 'Medium', meaning: 'query canceled (timeout)' },
	'58030': { category: 'connectivity', severity: 'Medium', meaning: 'I/O error' },
	'40001': { category: 'configuration', severity: 'Medium', meaning: 'serialization failure' }
};

export const SQLSTATE_CLASSES: Readonly<Record<string, SqlStateClass>> = {
	'07': { category: 'code_error', severity: 'Medium', meaning: 'dynamic SQL error' },
	'08': { category: 'connectivity', severity: 'High', meaning: 'connection exception' },
	'09': { category: 'code_error', severity: 'Medium', meaning: 'triggered action exception' },
	'0A': { category: 'configuration', severity: 'Medium', meaning: 'feature not supported' },
	'0B': { category: 'code_error', severity: 'Medium', meaning: 'invalid transaction initiation' },
	'21': { category: 'data_quality', severity: 'High', meaning: 'cardinality violation' },
	'22': { category: 'data_quality', severity: 'High', meaning: 'data exception' },
	'23': { category: 'data_quality', severity: 'High', meaning: 'integrity constraint violation' },
	'24': { category: 'code_error', severity: 'Medium', meaning: 'invalid cursor state' },
	'25': { category: 'code_error', severity: 'Medium', meaning: 'invalid transaction state' },
	'28': {
		category: 'authentication',
		severity: 'High',
		meaning: 'invalid authorization specification'
	},
	'2D': {
		category: 'configuration',
		severity: 'Medium',
		meaning: 'invalid transaction termination'
	},
	'38': { category: 'code_error', severity: 'Medium', meaning: 'external routine exception' },
	'39': {
		category: 'code_error',
		severity: 'Medium',
		meaning: 'external routine invocation exception'
	},
	'40': {
		category: 'configuration',
		severity: 'Medium',
		meaning: 'transaction rollback (conflict)'
	},
	'42': {
		category: 'code_error',
		severity: 'Medium',
		meaning: 'syntax error or access rule violation'
	},
	'46': { category: 'dependency', severity: 'Medium', meaning: 'Java DDL / class loading' },
	'53': { category: 'resource_exhausted', severity: 'High', meaning: 'insufficient resources' },
	'54': { category: 'resource_exhausted', severity: 'Medium', meaning: 'program limit exceeded' },
	'55': {
		category: 'configuration',
		severity: 'Medium',
		meaning: 'object not in prerequisite state'
	},
	'56': {
		category: 'configuration',
		severity: 'Medium',
		meaning: 'miscellaneous SQL or product error'
	},
	'57': { category: 'upstream', severity: 'High', meaning: 'operator intervention' },
	'58': { category: 'connectivity', severity: 'Medium', meaning: 'system error (I/O)' },
	F0: { category: 'configuration', severity: 'Medium', meaning: 'configuration file error' },
	HY: { category: 'configuration', severity: 'Medium', meaning: 'CLI-specific condition' },
	K0: {
		category: 'configuration',
		severity: 'Medium',
		meaning: 'Spark/Delta data source condition'
	},
	KD: {
		category: 'configuration',
		severity: 'Medium',
		meaning: 'Spark/Delta data source condition'
	},
	P0: { category: 'code_error', severity: 'Medium', meaning: 'PL/pgSQL error' },
	XX: { category: 'unknown', severity: 'High', meaning: 'internal error' }
};

export function sqlStateClass(state: string): SqlStateClass | null {
	const upper = state.toUpperCase();
	return SQLSTATE_EXACT[upper] ?? SQLSTATE_CLASSES[upper.slice(0, 2)] ?? null;
}
