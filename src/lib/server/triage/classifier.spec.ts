import { describe, expect, it } from 'vitest';
import { classifyOffline, RULES } from './classifier.ts';
import type { Category, TriageInput } from './types.ts';

function input(errorMessage: string, overrides: Partial<TriageInput> = {}): TriageInput {
	return {
		source: 'adf',
		pipeline: 'pl_load_customer_dim',
		resource: 'adf-crm-prod-neu',
		errorMessage,
		errorCode: null,
		failureType: null,
		...overrides
	};
}

const SQL_CONNECT =
	"Operation on target Copy_Customers failed: ErrorCode=SqlFailedToConnect,'Type=Microsoft.DataTransfer.Common.Shared.HybridDeliveryException,Message=Cannot connect to SQL Database. Please contact SQL server team for further support. Server: 'sql-crm-prod.database.windows.net', Database: 'crm', User: 'adf_loader'.,Source=Microsoft.DataTransfer.ClientLibrary,'";

describe('classifyOffline on generic sources (Airflow, dbt, HTTP, sockets)', () => {
	const cases: {
		doc: string;
		message: string;
		errorType: string;
		category: Category;
		entity?: string;
	}[] = [
		{
			doc: 'Airflow task via Vigil generic webhook (429 from a Google API) — https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/429',
			message:
				"google.api_core.exceptions.TooManyRequests: 429 Quota exceeded for quota metric 'Requests' and limit 'Requests per minute'",
			errorType: 'TooManyRequests',
			category: 'throttling'
		},
		{
			doc: 'Node.js common system errors — https://nodejs.org/api/errors.html#common-system-errors',
			message:
				'Error: connect ECONNREFUSED 10.0.3.12:5432\n    at TCPConnectWrap.afterConnect [as oncomplete]',
			errorType: 'ConnectionRefused',
			category: 'connectivity',
			entity: '10.0.3.12:5432'
		},
		{
			doc: 'Node.js common system errors — https://nodejs.org/api/errors.html#common-system-errors',
			message: 'Error: getaddrinfo ENOTFOUND warehouse.internal.contoso.example',
			errorType: 'HostNotFound',
			category: 'connectivity'
		},
		{
			doc: 'dbt, Debug errors — https://docs.getdbt.com/guides/debug-errors',
			message:
				"Compilation Error in model stg_orders (models/staging/stg_orders.sql)\n  Model 'model.jaffle_shop.stg_orders' (models/staging/stg_orders.sql) depends on a node named 'stg_customer' which was not found",
			errorType: 'DbtCompilationError',
			// A ref to a missing or disabled node is fixed in the project, not in the SQL.
			category: 'configuration',
			entity: 'stg_orders'
		},
		{
			doc: 'dbt, Debug errors — https://docs.getdbt.com/guides/debug-errors',
			message:
				'Database Error in model fct_orders (models/marts/fct_orders.sql)\n  division by zero',
			errorType: 'DbtDatabaseError',
			category: 'code_error',
			entity: 'fct_orders'
		},
		{
			doc: 'dbt, Debug errors — https://docs.getdbt.com/guides/debug-errors',
			message:
				'Database Error in model fct_orders (models/marts/fct_orders.sql)\n  permission denied for table raw_orders',
			errorType: 'PermissionDenied',
			category: 'permission'
		},
		{
			doc: 'Airflow tasks, task instance states — https://airflow.apache.org/docs/apache-airflow/stable/core-concepts/tasks.html',
			message:
				'Task load_google_ads is in state upstream_failed: upstream task extract_google_ads failed',
			errorType: 'UpstreamFailed',
			category: 'upstream',
			entity: 'extract_google_ads'
		},
		{
			doc: 'Microsoft Entra authentication error codes — https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes',
			message:
				"AADSTS7000222: The provided client secret keys for app '3c1a2b4d-0000-4e5f-8a9b-1c2d3e4f5a6b' are expired.",
			errorType: 'AADSTS7000222',
			category: 'authentication'
		},
		{
			doc: 'HTTP 503 — https://developer.mozilla.org/en-US/docs/Web/HTTP/Status/503',
			message: 'HTTPError: 503 Service Unavailable for url: https://api.partner.example/v2/export',
			errorType: 'ServiceUnavailable',
			category: 'connectivity',
			entity: 'https://api.partner.example/v2/export'
		}
	];

	it.each(cases)('$errorType / $category ← $doc', (c) => {
		const result = classifyOffline(
			input(c.message, { source: 'generic', pipeline: 'dag_x.task_y' })
		);
		expect(result.errorType).toBe(c.errorType);
		expect(result.category).toBe(c.category);
		if (c.entity) expect(result.affectedEntity).toBe(c.entity);
	});
});

describe('which signal wins', () => {
	it('extracts ErrorCode= from the message when no code field is given', () => {
		const result = classifyOffline(input(SQL_CONNECT));
		expect(result.errorType).toBe('SqlFailedToConnect');
		expect(result.confidence).toBe('High');
		expect(result.evidence[0]).toBe('error code SqlFailedToConnect (in the message)');
	});

	it('lets an explicit error code beat a text pattern', () => {
		const result = classifyOffline(
			input('The operation has timed out.', { errorCode: 'SqlFailedToConnect' })
		);
		expect(result.errorType).toBe('SqlFailedToConnect');
		expect(result.category).toBe('connectivity');
		expect(result.evidence).toContain('error code SqlFailedToConnect');
	});

	it('lets a code in the message beat a text pattern of an earlier rule', () => {
		const message =
			"ErrorCode=SqlBatchWriteTimeout,'Message=Timeouts in SQL write operation. Violation of PRIMARY KEY constraint 'PK_Orders'.'";
		expect(classifyOffline(input(message)).errorType).toBe('SqlBatchWriteTimeout');
		expect(
			classifyOffline(input(message.replace('ErrorCode=SqlBatchWriteTimeout', ''))).errorType
		).toBe('SqlPrimaryKeyViolation');
	});

	it('lets a specific code in the message beat the generic copy code 2200', () => {
		const result = classifyOffline(
			input(
				"ErrorCode=UserErrorSourceBlobNotExists,'Message=The required Blob is missing. Container: raw, path: sales/2024-05-01.csv.'",
				{ errorCode: '2200', failureType: 'UserError' }
			)
		);
		expect(result.errorType).toBe('UserErrorSourceBlobNotExists');
		expect(result.affectedEntity).toBe('raw/sales/2024-05-01.csv');
		expect(result.evidence).toContain('reported error code 2200');
	});

	it('lets a specific text pattern beat the generic copy code 2200, at medium confidence', () => {
		const result = classifyOffline(
			input("Cannot connect to SQL Database. Server: 'sql-crm-prod.database.windows.net'", {
				errorCode: '2200'
			})
		);
		expect(result).toMatchObject({ errorType: 'SqlFailedToConnect', confidence: 'Medium' });
	});

	it('keeps 2200 as a copy failure when nothing more specific is known', () => {
		const result = classifyOffline(
			input('Failure happened on Source side.', { errorCode: '2200' })
		);
		// 2200 alone decides nothing: the answer is unknown, and says so with low confidence.
		expect(result).toMatchObject({
			errorType: 'CopyActivityFailure',
			category: 'unknown',
			confidence: 'Low'
		});
	});

	it('prefers the inner error over the container activity that wraps it', () => {
		const result = classifyOffline(
			input(
				`Operation on target ForEach_Tables failed: Activity failed because an inner activity failed; Inner activity name: Copy_Customers, Error: ${SQL_CONNECT}`
			)
		);
		expect(result.errorType).toBe('SqlFailedToConnect');
	});

	it('keeps a broad timeout pattern from hiding a specific failure that mentions a timeout', () => {
		const result = classifyOffline(input(`${SQL_CONNECT} Message=Login timeout expired`));
		expect(result.category).toBe('connectivity');
	});
});

describe('fallback', () => {
	it('returns an unknown, medium, P3, low-confidence result naming the pipeline', () => {
		const result = classifyOffline(
			input('Something unexpected happened in the widget frobnicator.')
		);
		expect(result).toMatchObject({
			errorType: 'UnknownFailure',
			category: 'unknown',
			severity: 'Medium',
			priority: 'P3',
			confidence: 'Low',
			affectedEntity: 'pl_load_customer_dim',
			autoHealPossible: false
		});
		expect(result.recommendations.length).toBeGreaterThan(0);
		expect(result.rootCause).toContain('widget frobnicator');
	});

	it('uses the error code as the error type when one is given', () => {
		expect(classifyOffline(input('Unexpected failure.', { errorCode: '9999' })).errorType).toBe(
			'9999'
		);
		expect(classifyOffline(input("ErrorCode=UserErrorWidgetBroken,'Message=x'")).errorType).toBe(
			'UserErrorWidgetBroken'
		);
	});

	it('does not mistake an upper-case word in the text for an error code', () => {
		expect(classifyOffline(input('JAVA_HOME points to MY_CUSTOM_JDK')).errorType).toBe(
			'UnknownFailure'
		);
	});

	it('handles an empty message', () => {
		const result = classifyOffline(input(''));
		expect(result.category).toBe('unknown');
		expect(result.rootCause).toContain('pl_load_customer_dim');
	});

	it('keeps secrets out of the root cause it quotes', () => {
		const result = classifyOffline(input('Unexpected: Server=tcp:db;Password=Hunter2Secret;'));
		expect(result.rootCause).not.toContain('Hunter2Secret');
	});
});

describe('the rule table', () => {
	const allowedDocHosts = [
		'learn.microsoft.com',
		'docs.databricks.com',
		'docs.getdbt.com',
		'airflow.apache.org',
		'developer.mozilla.org',
		'nodejs.org',
		'docs.snowflake.com'
	];

	it.each(RULES.map((rule) => [rule.errorType, rule] as const))(
		'%s is well formed',
		(_name, rule) => {
			expect(rule.recommendations.length).toBeGreaterThanOrEqual(2);
			expect(rule.recommendations.length).toBeLessThanOrEqual(4);
			expect(allowedDocHosts).toContain(new URL(rule.docs).host);
			expect(rule.codes.length + rule.patterns.length).toBeGreaterThan(0);
		}
	);

	it('gives a priority that follows the severity in every result', () => {
		const expected = { Critical: 'P1', High: 'P2', Medium: 'P3', Low: 'P4' };
		const messages = [
			SQL_CONNECT,
			"The self-hosted integration runtime 'shir-01' is offline.",
			'Server is busy',
			'nothing known'
		];
		const results = messages.map((m) => classifyOffline(input(m)));
		expect(new Set(results.map((r) => r.severity))).toEqual(
			new Set(['High', 'Critical', 'Medium'])
		);
		for (const result of results) expect(result.priority).toBe(expected[result.severity]);
	});
});
