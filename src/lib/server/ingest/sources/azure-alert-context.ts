import { z } from 'zod';
import type { FieldError } from '../types.ts';
import { array, linkOrNull, object, optionalText, zodFieldErrors } from './fields.ts';

/** The failed ADF run an Azure Monitor alertContext describes, whatever the alert type. */
export interface FailedRun {
	pipeline: string;
	runId: string | null;
	errorMessage: string | null;
	errorCode: string | null;
	failureType: string | null;
	resourceId: string | null;
	searchResultsLink: string | null;
}

export type FailedRunResult = { ok: true; run: FailedRun } | { ok: false; errors: FieldError[] };

const CONTEXT = 'data.alertContext';

const Dimension = object({
	name: z.string({ error: 'must be a string' }),
	value: z.unknown().optional()
});

const MetricContext = object({
	condition: object({
		allOf: array(
			object({
				metricName: optionalText,
				dimensions: array(Dimension).nullish()
			})
		).min(1, { error: 'must not be empty' })
	})
});

const LogV2Context = object({
	condition: object({
		allOf: array(
			object({
				dimensions: array(Dimension).nullish(),
				linkToFilteredSearchResultsUI: z.unknown().optional(),
				linkToSearchResultsUI: z.unknown().optional()
			})
		).min(1, { error: 'must not be empty' })
	})
});

const LogV1Context = object({
	SearchResults: object({
		tables: array(
			object({
				columns: array(object({ name: z.string({ error: 'must be a string' }) })),
				rows: array(array(z.unknown()))
			})
		).min(1, { error: 'must not be empty' })
	}),
	LinkToFilteredSearchResultsUI: z.unknown().optional(),
	LinkToSearchResults: z.unknown().optional()
});

function cellText(value: unknown): string | null {
	if (typeof value === 'string') return value.trim() || null;
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return null;
}

/** Column / dimension names case-insensitively: KQL authors write `pipelineName` too. */
function byName(pairs: Iterable<readonly [string, unknown]>): Map<string, unknown> {
	const values = new Map<string, unknown>();
	for (const [name, value] of pairs) values.set(name.trim().toLowerCase(), value);
	return values;
}

function fail(field: string, message: string): FailedRunResult {
	return { ok: false, errors: [{ field, message }] };
}

/** `what` names where the values came from, so the message tells the rule's author what to fix. */
function fromValues(
	values: Map<string, unknown>,
	pipelineKey: string,
	field: string,
	what: string,
	searchResultsLink: string | null
): FailedRunResult {
	const pipeline = cellText(values.get(pipelineKey.toLowerCase()));
	if (pipeline === null) {
		return fail(
			field,
			values.has(pipelineKey.toLowerCase())
				? `${what} ${pipelineKey} is empty`
				: `has no ${what} ${pipelineKey}: the alert must be split by pipeline name`
		);
	}
	const get = (name: string) => cellText(values.get(name.toLowerCase()));
	return {
		ok: true,
		run: {
			pipeline,
			runId: get('RunId'),
			errorMessage: get('ErrorMessage'),
			errorCode: get('ErrorCode'),
			failureType: get('FailureType'),
			resourceId: get('ResourceId') ?? get('_ResourceId'),
			searchResultsLink
		}
	};
}

function dimensionValues(dimensions: { name: string; value?: unknown }[] | null | undefined) {
	return byName((dimensions ?? []).map((d) => [d.name, d.value] as const));
}

/** Metric alert on PipelineFailedRuns: the pipeline is the `Name` dimension; no run id exists. */
export function failedRunFromMetric(context: Record<string, unknown>): FailedRunResult {
	const result = MetricContext.safeParse(context);
	if (!result.success) return { ok: false, errors: zodFieldErrors(result.error, CONTEXT) };
	const allOf = result.data.condition.allOf;
	const index = allOf.findIndex((c) => c.metricName === 'PipelineFailedRuns');
	const criterion = allOf[index];
	if (!criterion) {
		const names = allOf.map((c) => c.metricName ?? '?').join(', ');
		return fail(
			`${CONTEXT}.condition.allOf`,
			`has no PipelineFailedRuns criterion (got ${names}): only failed pipeline runs create tickets`
		);
	}
	const field = `${CONTEXT}.condition.allOf[${index}].dimensions`;
	return fromValues(dimensionValues(criterion.dimensions), 'Name', field, 'dimension', null);
}

/** Log search alert V2: the query's split-by columns arrive as dimensions. */
export function failedRunFromLogV2(context: Record<string, unknown>): FailedRunResult {
	const result = LogV2Context.safeParse(context);
	if (!result.success) return { ok: false, errors: zodFieldErrors(result.error, CONTEXT) };
	const allOf = result.data.condition.allOf;
	const found = allOf.findIndex((c) => dimensionValues(c.dimensions).has('pipelinename'));
	const index = Math.max(found, 0);
	const criterion = allOf[index];
	if (!criterion) return fail(`${CONTEXT}.condition.allOf`, 'must not be empty');
	const field = `${CONTEXT}.condition.allOf[${index}].dimensions`;
	const link =
		linkOrNull(criterion.linkToFilteredSearchResultsUI) ??
		linkOrNull(criterion.linkToSearchResultsUI);
	return fromValues(
		dimensionValues(criterion.dimensions),
		'PipelineName',
		field,
		'dimension',
		link
	);
}

/**
 * Log alert V1: values come from the embedded search results. One notification
 * can carry several failed runs; a ParseResult holds one alert, so only the
 * first row becomes a ticket (the others stay in the stored raw body).
 */
export function failedRunFromLogV1(context: Record<string, unknown>): FailedRunResult {
	if (!('SearchResults' in context)) {
		return fail(
			`${CONTEXT}.SearchResults`,
			'is required: enable "Include search results" on the alert rule (Azure also drops them above 256 KB)'
		);
	}
	const result = LogV1Context.safeParse(context);
	if (!result.success) return { ok: false, errors: zodFieldErrors(result.error, CONTEXT) };
	const table = result.data.SearchResults.tables[0];
	const row = table?.rows[0];
	const field = `${CONTEXT}.SearchResults.tables[0]`;
	if (!table || !row) return fail(`${field}.rows`, 'has no rows: no failed run to report');
	const values = byName(table.columns.map((column, i) => [column.name, row[i]] as const));
	const { LinkToFilteredSearchResultsUI: filtered, LinkToSearchResults: all } = result.data;
	const link = linkOrNull(filtered) ?? linkOrNull(all);
	return fromValues(values, 'PipelineName', `${field}.columns`, 'column', link);
}
