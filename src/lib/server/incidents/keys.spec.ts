import { describe, expect, it } from 'vitest';
import { errorFingerprint, failingResource, type FailureFacts } from './keys.ts';
import { GroupingBody } from './settings.ts';

const facts = (errorMessage: string, over: Partial<FailureFacts> = {}): FailureFacts => ({
	pipeline: 'pl_copy_orders',
	runId: 'run-1',
	resource: 'adf-contoso-prod',
	errorMessage,
	errorCode: null,
	...over
});

describe('failingResource', () => {
	it.each([
		[
			"The Self-hosted integration runtime 'SHIR-OnPrem-01' is offline.",
			'integration runtime',
			'shir-onprem-01'
		],
		[
			"Failed to connect using linked service 'ls_sql_orders': timeout.",
			'linked service',
			'ls_sql_orders'
		],
		[
			"Cannot connect to SQL Database: 'sql-orders.database.windows.net', Database: 'orders'.",
			'SQL server',
			'sql-orders.database.windows.net'
		],
		[
			'This request is not authorized: https://stlanding.blob.core.windows.net/raw/x.csv?sv=1',
			'storage account',
			'stlanding'
		],
		[
			'Cluster 0101-123456-abcdef12 terminated: DRIVER_UNREACHABLE',
			'cluster',
			'0101-123456-abcdef12'
		],
		[
			'Could not reach adb-1234567890123456.7.azuredatabricks.net: 503',
			'workspace',
			'adb-1234567890123456.7.azuredatabricks.net'
		]
	])('%s → %s %s', (message, kind, name) => {
		expect(failingResource(facts(message))).toEqual({ kind, name });
	});

	it('reads a 1 MiB trace of one long word and finds the resource named at its head', () => {
		// A host-name pattern without bounds was quadratic on this and never returned.
		const trace = 'x'.repeat(1024 * 1024);
		const head = "The Self-hosted integration runtime 'SHIR-OnPrem-01' is offline. ";
		expect(failingResource(facts(head + trace))).toEqual({
			kind: 'integration runtime',
			name: 'shir-onprem-01'
		});
		expect(failingResource(facts(trace))).toBeNull();
		expect(errorFingerprint(facts(trace))).toMatch(/^[0-9a-f]{16}$/);
	});

	it('is null when the error names no shared resource: the factory the webhook names is not one', () => {
		expect(failingResource(facts('Column orders.total cannot be null'))).toBeNull();
	});
});

describe('errorFingerprint', () => {
	it('takes out a pipeline name of any length or characters (no pattern is built from it)', () => {
		const pipeline = Array.from({ length: 60_000 }, (_, i) => `w${i.toString(36)}`).join(' ');
		const message = `Pipeline ${pipeline} failed: login failed for user 'etl'`;
		const a = errorFingerprint(facts(message, { pipeline }));
		const b = errorFingerprint(
			facts("Pipeline pl_(x)[y] failed: login failed for user 'etl'", { pipeline: 'PL_(X)[Y]' })
		);
		const c = errorFingerprint(
			facts("Pipeline pl_other failed: login failed for user 'etl'", { pipeline: 'pl_other' })
		);
		expect(a).toMatch(/^[0-9a-f]{16}$/);
		expect(b).toBe(c);
	});

	it('is the same for one error across pipelines, runs, times and ids', () => {
		const a = errorFingerprint(
			facts(
				'pl_copy_orders run run-1 failed at 2026-11-26T10:00:01Z: ErrorCode=2200 Request 1f0c3a4e-1111-2222-3333-444455556666 was throttled (429)',
				{ pipeline: 'pl_copy_orders', runId: 'run-1' }
			)
		);
		const b = errorFingerprint(
			facts(
				'pl_load_customers run run-77 failed at 2026-11-26T10:02:59Z: ErrorCode=2200 Request 9a9a9a9a-1111-2222-3333-444455556666 was throttled (429)',
				{ pipeline: 'pl_load_customers', runId: 'run-77' }
			)
		);
		expect(a).toMatch(/^[0-9a-f]{16}$/);
		expect(b).toBe(a);
	});

	it('keeps the digits inside a name: two runtimes are two causes', () => {
		expect(
			errorFingerprint(facts("The integration runtime 'shir-onprem-01' is offline."))
		).not.toBe(errorFingerprint(facts("The integration runtime 'shir-onprem-02' is offline.")));
	});

	it('differs for a different error or error code', () => {
		const base = errorFingerprint(facts('Login failed for user etl_reader'));
		expect(errorFingerprint(facts('Login failed for user etl_writer'))).not.toBe(base);
		expect(
			errorFingerprint(facts('Login failed for user etl_reader', { errorCode: '18456' }))
		).not.toBe(base);
	});

	it('is null without error text (a Databricks webhook before its error is fetched)', () => {
		expect(errorFingerprint(facts(''))).toBeNull();
		expect(errorFingerprint(facts('error 500'))).toBeNull();
	});
});

describe('GroupingBody', () => {
	it('accepts keys, a window and off', () => {
		expect(GroupingBody.parse({ enabled: true, keys: ['resource'], window_minutes: 10 })).toEqual({
			enabled: true,
			keys: ['resource'],
			window_minutes: 10
		});
		expect(GroupingBody.safeParse({ enabled: false, keys: [], window_minutes: 10 }).success).toBe(
			true
		);
	});

	it.each([
		[{ enabled: true, keys: [], window_minutes: 10 }, 'keys', 'keys must name resource'],
		[
			{ enabled: true, keys: ['pipeline'], window_minutes: 10 },
			'keys.0',
			'only resource and fingerprint'
		],
		[{ enabled: true, keys: ['resource'], window_minutes: 0 }, 'window_minutes', 'from 1 to 1440'],
		[{ enabled: true, keys: ['resource'], window_minutes: 2.5 }, 'window_minutes', 'whole number'],
		[{ enabled: 'yes', keys: ['resource'], window_minutes: 10 }, 'enabled', 'true or false']
	])('refuses %j naming %s', (body, field, message) => {
		const r = GroupingBody.safeParse(body);
		expect(r.success).toBe(false);
		const issue = r.error!.issues.find((i) => i.path.join('.') === field);
		expect(issue?.message).toContain(message);
	});
});
