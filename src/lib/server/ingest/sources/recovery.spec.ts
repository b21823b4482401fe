import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NormalizedAlert, ParseResult } from '../types.ts';
import { parseFor } from './registry.ts';

const FIXTURES = new URL('../../../../../tests/support/fixtures/', import.meta.url);
type Body = Record<string, unknown>;
const fixture = (file: string): Body =>
	JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Body;

function alertOf(result: ParseResult): NormalizedAlert {
	if (!result.ok) throw new Error(`rejected: ${JSON.stringify(result.errors)}`);
	return result.alert;
}

const JOB = fixture('databricks/webhook.job-failure.json');
const TASK = fixture('databricks/webhook.task-failure.json');
const AIRFLOW = fixture('generic/airflow-task-failed.json');
const LOGIC_APP = fixture('azure-monitor/logic-app.simplified.json');

describe('success reported by the source', () => {
	it('reads a Databricks jobs.on_success as a success of the same job', () => {
		const failed = alertOf(parseFor('databricks', JOB));
		const ok = alertOf(
			parseFor('databricks', {
				...JOB,
				event_type: 'jobs.on_success',
				run: { run_id: 914258733099999 }
			})
		);
		expect(ok.condition).toBe('Resolved');
		expect(ok.runId).toBe('914258733099999');
		expect(ok.recoveryKeys).toEqual(failed.recoveryKeys);
		// A failed task of that job is found by the same job key.
		expect(alertOf(parseFor('databricks', TASK)).recoveryKeys).toEqual(failed.recoveryKeys);
	});

	it('reads a generic status "succeeded" without an error message, keyed by scheduler and pipeline', () => {
		const { error_message: _, ...rest } = AIRFLOW;
		const ok = alertOf(parseFor('generic', { ...rest, status: 'Succeeded', run_id: 'manual__2' }));
		expect(ok.condition).toBe('Resolved');
		expect(ok.recoveryKeys).toEqual(alertOf(parseFor('generic', AIRFLOW)).recoveryKeys);
		expect(alertOf(parseFor('generic', { ...AIRFLOW, status: 'failed' })).condition).toBe('Fired');
	});

	it('still requires the error message of a failure and names a wrong status', () => {
		const { error_message: _, ...rest } = AIRFLOW;
		const r = parseFor('generic', { ...rest, status: 'failed' });
		expect(r.ok).toBe(false);
		const wrong = parseFor('generic', { ...AIRFLOW, status: 'done' });
		expect(wrong.ok ? [] : wrong.errors).toEqual([
			{ field: 'status', message: 'must be "failed" or "succeeded"' }
		]);
	});
});

describe('attempts of one run', () => {
	it('gives a Databricks repair the run’s key and a delivery key of its own', () => {
		const first = alertOf(parseFor('databricks', JOB));
		const repair = alertOf(
			parseFor('databricks', {
				...JOB,
				run: { run_id: 914258733012345, repair_id: 77, attempt_number: 2 }
			})
		);
		expect(repair.runKey).toBe(first.runKey);
		expect(repair.dedupKey).not.toBe(first.dedupKey);
		expect(repair.attempt).toBe(3);
	});

	it('gives a task retry (a new task run under the same parent) the first attempt’s run key', () => {
		const first = alertOf(parseFor('databricks', TASK));
		const retry = alertOf(
			parseFor('databricks', {
				...TASK,
				run: { run_id: 914258733012400, parent_run_id: 914258733012345, attempt_number: 1 }
			})
		);
		expect(retry.runKey).toBe(first.runKey);
		expect(retry.dedupKey).not.toBe(first.dedupKey);
		expect(retry.attempt).toBe(2);
	});

	it('keys a generic attempt 1 like no attempt and a later one apart', () => {
		const plain = alertOf(parseFor('generic', AIRFLOW));
		expect(alertOf(parseFor('generic', { ...AIRFLOW, attempt: 1 })).dedupKey).toBe(plain.dedupKey);
		const third = alertOf(parseFor('generic', { ...AIRFLOW, try_number: '3' }));
		expect(third).toMatchObject({ runKey: plain.dedupKey, attempt: 3 });
		expect(third.dedupKey).not.toBe(plain.dedupKey);
		const bad = parseFor('generic', { ...AIRFLOW, attempt: 0 });
		expect(bad.ok ? [] : bad.errors).toEqual([
			{ field: 'attempt', message: 'must be a whole number ≥ 1' }
		]);
	});

	it('counts a Logic App re-run of the same pipeline run id and links it when the factory is named', () => {
		const second = alertOf(
			parseFor('azure-monitor', {
				...LOGIC_APP,
				Attempt: 2,
				SubscriptionId: '7d1c2e9a-4b3f-4a51-9e2d-6c0f8b1a2d34',
				ResourceGroup: 'rg-crm'
			})
		);
		expect(second).toMatchObject({ runKey: LOGIC_APP.PipelineRunId, attempt: 2 });
		expect(second.runUrl).toBe(
			`https://adf.azure.com/en/monitoring/pipelineruns/${LOGIC_APP.PipelineRunId as string}?factory=` +
				encodeURIComponent(
					'/subscriptions/7d1c2e9a-4b3f-4a51-9e2d-6c0f8b1a2d34/resourceGroups/rg-crm/providers/Microsoft.DataFactory/factories/adf-crm-prod-neu'
				)
		);
	});
});
