import { z } from 'zod';
import { adfRunUrl, factoryResourceId } from '../run-links.ts';
import { encodeKeyPart } from '../storable.ts';
import type { AlertSource, FieldError, NormalizedAlert, ParseResult } from '../types.ts';
import {
	array,
	factoryFromResourceId,
	isoDateTime,
	isRecord,
	notAnObject,
	object,
	optionalText,
	text,
	zodFieldErrors
} from './fields.ts';
import {
	failedRunFromLogV1,
	failedRunFromLogV2,
	failedRunFromMetric
} from './azure-alert-context.ts';
import type { FailedRun } from './azure-alert-context.ts';

const SCHEMA_ID = 'azureMonitorCommonAlertSchema';

const Essentials = object({
	alertId: text,
	alertRule: optionalText,
	severity: z
		.enum(['Sev0', 'Sev1', 'Sev2', 'Sev3', 'Sev4'], {
			error: 'must be one of Sev0–Sev4'
		})
		.nullish(),
	signalType: optionalText,
	monitorCondition: z.enum(['Fired', 'Resolved'], {
		error: (issue) => (issue.input === undefined ? 'is required' : 'must be Fired or Resolved')
	}),
	monitoringService: optionalText,
	alertTargetIDs: array(z.string({ error: 'must be a string' })).nullish(),
	firedDateTime: isoDateTime.nullish()
});

const Envelope = object({
	schemaId: z.literal(SCHEMA_ID, { error: `must be "${SCHEMA_ID}"` }),
	data: object({
		essentials: Essentials,
		alertContext: object({
			// The rule's custom properties only feed labels: a malformed value is dropped, not fatal.
			properties: z.record(z.string(), z.unknown()).nullish().catch(null)
		})
	})
});

type Essentials = z.infer<typeof Essentials>;
type Shape = 'metric' | 'log-v2' | 'log-v1';

const METRIC_CONDITIONS = [
	'SingleResourceMultipleMetricCriteria',
	'MultipleResourceMultipleMetricCriteria',
	'DynamicThresholdCriteria'
];

function shapeOf(essentials: Essentials, context: Record<string, unknown>): Shape | null {
	const conditionType = context.conditionType;
	if (conditionType === 'LogQueryCriteria' || essentials.monitoringService === 'Log Alerts V2') {
		return 'log-v2';
	}
	// V1 log alerts have no conditionType; their context is PascalCase.
	if ('SearchResults' in context || 'SearchQuery' in context) return 'log-v1';
	if (typeof conditionType === 'string' && METRIC_CONDITIONS.includes(conditionType))
		return 'metric';
	return null;
}

function unsupported(essentials: Essentials): FieldError {
	const service = essentials.monitoringService ?? 'unknown service';
	const signal = essentials.signalType ?? 'unknown signal';
	return {
		field: 'data.alertContext',
		message:
			`unsupported alert (${service}, ${signal}): expected a metric alert on ` +
			'PipelineFailedRuns or a log search alert (V1 or V2) over ADFPipelineRun'
	};
}

function stringLabels(properties: Record<string, unknown> | null | undefined) {
	const labels: Record<string, string> = {};
	for (const [key, value] of Object.entries(properties ?? {})) {
		if (typeof value === 'string') labels[key] = value;
	}
	return labels;
}

function factoryOf(run: FailedRun, essentials: Essentials): string | null {
	const targets = essentials.alertTargetIDs ?? [];
	return (
		factoryFromResourceId(run.resourceId) ??
		targets.map(factoryFromResourceId).find((name) => name !== null) ??
		null
	);
}

/**
 * A Resolved notification carries the alert id of the Fired one; the rule, its target and
 * the pipeline find the ticket too when the id differs (a re-created alert instance).
 */
function recoveryKeys(run: FailedRun, essentials: Essentials): string[] {
	const keys = [`alert:${essentials.alertId}`];
	const target = essentials.alertTargetIDs?.[0]?.trim().toLowerCase();
	if (essentials.alertRule && target)
		keys.push(`rule:${[essentials.alertRule, target, run.pipeline].map(encodeKeyPart).join('/')}`);
	return keys;
}

/** The factory: the run's own resource id, else the alert's factory target. */
function factoryId(run: FailedRun, essentials: Essentials): string | null {
	return (
		factoryResourceId(run.resourceId) ??
		(essentials.alertTargetIDs ?? []).map(factoryResourceId).find((id) => id !== null) ??
		null
	);
}

function toAlert(
	shape: Shape,
	run: FailedRun,
	essentials: Essentials,
	properties: Record<string, unknown> | null | undefined
): NormalizedAlert {
	const searchResults = run.searchResultsLink;
	const dedupKey = run.runId ?? essentials.alertId;
	return {
		source: 'adf',
		format: `azure-common-${shape}`,
		// A metric alert has no run id; its alertId stays the same from Fired to Resolved,
		// so the Resolved notification finds the ticket the Fired one created.
		dedupKey,
		runKey: dedupKey,
		attempt: null,
		recoveryKeys: recoveryKeys(run, essentials),
		runUrl: adfRunUrl(factoryId(run, essentials), run.runId),
		runId: run.runId,
		pipeline: run.pipeline,
		resource: factoryOf(run, essentials),
		errorMessage: run.errorMessage ?? '',
		errorCode: run.errorCode,
		failureType: run.failureType,
		occurredAt: essentials.firedDateTime ?? null,
		condition: essentials.monitorCondition,
		sourceSeverity: essentials.severity ?? null,
		links: searchResults ? { searchResults } : {},
		labels: stringLabels(properties),
		databricks: null
	};
}

const PARSERS = {
	metric: failedRunFromMetric,
	'log-v2': failedRunFromLogV2,
	'log-v1': failedRunFromLogV1
} as const;

function parse(body: unknown): ParseResult {
	if (!isRecord(body)) return notAnObject(body);
	const envelope = Envelope.safeParse(body);
	if (!envelope.success) return { ok: false, errors: zodFieldErrors(envelope.error) };
	const { essentials, alertContext } = envelope.data.data;
	const shape = shapeOf(essentials, alertContext);
	if (shape === null) return { ok: false, errors: [unsupported(essentials)] };
	const run = PARSERS[shape](alertContext);
	if (!run.ok) return run;
	return {
		ok: true,
		alert: toAlert(shape, run.run, essentials, alertContext.properties)
	};
}

export const azureCommonAlert: AlertSource = {
	name: 'azure-common-alert',
	endpoint: 'azure-monitor',
	matches: (body) => isRecord(body) && body.schemaId === SCHEMA_ID,
	parse
};
