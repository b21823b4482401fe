import type { Category, Severity } from '../types.ts';

/** The product whose catalogue a row comes from; also the "system" the eval reports by. */
export type System =
	| 'adf'
	| 'databricks'
	| 'spark'
	| 'delta'
	| 'sqlserver'
	| 'azure-storage'
	| 'entra'
	| 'keyvault'
	| 'airflow'
	| 'dbt'
	| 'great-expectations'
	| 'snowflake'
	| 'bigquery'
	| 'generic';

/** What kind of thing the failure names, to pick it out of the message and word the root cause. */
export type EntityKind =
	| 'table'
	| 'column'
	| 'path'
	| 'cluster'
	| 'secret'
	| 'database'
	| 'service'
	| 'library'
	| 'model'
	| 'task'
	| 'user';

/** One row of a catalogue: a code and what an on-call engineer should make of it. */
export interface CatalogueEntry {
	/** The code as the product prints it: `DELTA_CONCURRENT_APPEND`, `18456`, `AADSTS7000215`. */
	code: string;
	system: System;
	category: Category;
	severity: Severity;
	entity?: EntityKind;
	/** One line: what the code means. */
	title: string;
	/** The product's message text, with `<placeholders>`; used to build the eval corpus. */
	template?: string;
	/** Next steps specific to this code; when absent the category's steps apply. */
	steps?: string[];
	/** Where the row comes from (a catalogue file or documentation page). */
	source: string;
	/**
	 * Set when the documentation gives the code more than one cause that the message does not tell
	 * apart (e.g. "does not exist or not authorized"): the answer is then only Medium confidence,
	 * and this sentence says what else it may be.
	 */
	ambiguous?: string;
}
