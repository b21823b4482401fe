import type { AlertSource, IngestEndpoint, ParseResult } from '../types.ts';
import { azureCommonAlert } from './azure-common-alert.ts';
import { databricks } from './databricks.ts';
import { fail, isRecord, notAnObject } from './fields.ts';
import { generic } from './generic.ts';
import { logicApp } from './logic-app.ts';

/** Every alert source, in the order they are tried per endpoint. A registry on purpose. */
export const SOURCES: AlertSource[] = [azureCommonAlert, logicApp, databricks, generic];

const NOT_RECOGNISED: Record<IngestEndpoint, string> = {
	'azure-monitor':
		'not an Azure Monitor common alert schema or Logic App body: expected schemaId ' +
		'"azureMonitorCommonAlertSchema" or PipelineName',
	databricks: 'not a Databricks job notification: expected event_type and run.run_id',
	generic: 'not a Vigil generic alert: expected source, pipeline, run_id and error_message'
};

/** Parses a body with the first source of `endpoint` that recognises its shape. */
export function parseFor(endpoint: IngestEndpoint, body: unknown): ParseResult {
	if (!isRecord(body)) return notAnObject(body);
	const source = SOURCES.find((s) => s.endpoint === endpoint && s.matches(body));
	return source ? source.parse(body) : fail('(body)', NOT_RECOGNISED[endpoint]);
}
