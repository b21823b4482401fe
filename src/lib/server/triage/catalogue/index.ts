import type { CatalogueEntry } from './types.ts';
import { HAND_ENTRIES } from './hand.ts';
import databricks from './generated/databricks.json' with { type: 'json' };
import dbt from './generated/dbt.json' with { type: 'json' };
import delta from './generated/delta.json' with { type: 'json' };
import greatExpectations from './generated/great-expectations.json' with { type: 'json' };
import snowflake from './generated/snowflake.json' with { type: 'json' };

export type { CatalogueEntry, EntityKind, System } from './types.ts';
export { STEPS_BY_CATEGORY } from './steps.ts';
export { SQLSTATE_SOURCE, sqlStateClass } from './sqlstate.ts';

/** Generated tables (scripts/triage/build-catalogue.ts), then the hand-written rows. */
export const GENERATED_ENTRIES = [
	...delta,
	...databricks,
	...dbt,
	...greatExpectations,
	...snowflake
] as CatalogueEntry[];

export const CATALOGUE: readonly CatalogueEntry[] = [...GENERATED_ENTRIES, ...HAND_ENTRIES];

// Hand rows come last, so they win over a generated row with the same code.
const EXACT = new Map<string, CatalogueEntry>(CATALOGUE.map((entry) => [entry.code, entry]));
const BY_CODE = new Map<string, CatalogueEntry>(
	CATALOGUE.map((entry) => [entry.code.toLowerCase(), entry])
);

/**
 * The row for a code as printed, else for the code in any letter case. Exact first: Azure
 * Storage's `InternalError` and BigQuery's `internalError` are different rows.
 */
export function lookup(code: string): CatalogueEntry | null {
	return EXACT.get(code) ?? BY_CODE.get(code.toLowerCase()) ?? null;
}

/** The row for a code exactly as printed (for words that only count as a code in that case). */
export function lookupExact(code: string): CatalogueEntry | null {
	return EXACT.get(code) ?? null;
}
