import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	startGeminiStandin,
	type GeminiStandin,
	type Scripted
} from '../../../../tests/support/gemini-standin.ts';
import { createGeminiClient } from './llm.ts';
import { analyzeWithAi, type RcaOptions } from './rca.ts';
import type { SimilarIncident, TriageInput, TriageResult } from './types.ts';

const MODEL = 'gemini-2.5-flash';
const SECRET = 'AccountKey=q9Xz0SECRETSECRETb64==';

const alert: TriageInput = {
	source: 'adf',
	pipeline: 'pl_copy_orders',
	resource: 'adf-prod-weu',
	// Redacted by the caller: the secret above must never reach the model.
	errorMessage:
		'ErrorCode=SqlFailedToConnect, Cannot connect to SQL Database: sql-orders.database.windows.net. ' +
		'Connection string: Server=sql-orders;AccountKey=[REDACTED]',
	errorCode: '2100',
	failureType: 'UserError'
};

const offline: TriageResult = {
	rootCause: 'The copy activity could not connect to the SQL database.',
	errorType: 'SqlFailedToConnect',
	category: 'connectivity',
	affectedEntity: 'sql-orders',
	severity: 'High',
	priority: 'P2',
	confidence: 'Medium',
	recommendations: ['Check the firewall rules of sql-orders.'],
	autoHealPossible: false,
	evidence: ['ErrorCode=SqlFailedToConnect']
};

const similar: SimilarIncident[] = [
	{
		ticketId: 'VIG-41',
		pipeline: 'pl_copy_orders',
		errorType: 'SqlFailedToConnect',
		category: 'connectivity',
		rootCause: 'Firewall rule removed during a network change.',
		resolution: 'Re-added the integration runtime IP to the firewall.'
	}
];

/** A valid answer in the schema's snake_case. */
function answer(overrides: Record<string, unknown> = {}) {
	return {
		root_cause: 'The SQL server firewall blocks the integration runtime IP.',
		error_type: 'SqlFailedToConnect',
		category: 'connectivity',
		affected_entity: 'sql-orders.database.windows.net',
		severity: 'High',
		priority: 'P1',
		confidence: 'High',
		recommendations: ['Add the integration runtime IP to the firewall.', 'Re-run the pipeline.'],
		auto_heal_possible: false,
		evidence: ['Cannot connect to SQL Database: sql-orders.database.windows.net'],
		...overrides
	};
}

const file = (name: string): Scripted => ({ kind: 'file', file: name });
const RATE_LIMITED = file('429.resource-exhausted.with-details.RooCode-issue-3883.json');
const INTERNAL = file('500.internal.openai-gemini-issue-15.json');
const UNAVAILABLE = file('503.unavailable.eva-agent-issue-50.json');
const MAX_TOKENS = file(
	'recordings/Client_Tests_generateContent_ML_Dev_should_return_the_headers_in_the_sdkHttpResponse_by_default.json'
);

let standin: GeminiStandin;
let sleeps: number[];
let clock: number;

beforeEach(async () => {
	standin = await startGeminiStandin();
	sleeps = [];
	clock = 1_000;
});
afterEach(async () => {
	await standin.close();
});

async function analyze(opts: Partial<RcaOptions> & { apiKey?: string; timeoutMs?: number } = {}) {
	const model = createGeminiClient({
		apiKey: opts.apiKey ?? standin.apiKey,
		model: MODEL,
		baseUrl: standin.url,
		timeoutMs: opts.timeoutMs ?? 2_000
	});
	return analyzeWithAi(
		model,
		{ alert, offline, similar },
		{
			maxAttempts: 3,
			baseDelayMs: 1_000,
			random: () => 0.5,
			// Each model call "takes" 250 ms on the injected clock; sleeping advances it too.
			now: () => (clock += 250),
			sleep: async (ms) => {
				sleeps.push(ms);
				clock += ms;
			},
			...opts
		}
	);
}

describe('analyzeWithAi against the Gemini stand-in', () => {
	it('returns the validated AI result with model, latency and token usage', async () => {
		standin.enqueue({ kind: 'success', result: answer() });

		const outcome = await analyze();

		expect(outcome).toEqual({
			ok: true,
			result: {
				rootCause: 'The SQL server firewall blocks the integration runtime IP.',
				errorType: 'SqlFailedToConnect',
				category: 'connectivity',
				affectedEntity: 'sql-orders.database.windows.net',
				severity: 'High',
				priority: 'P1',
				confidence: 'High',
				recommendations: [
					'Add the integration runtime IP to the firewall.',
					'Re-run the pipeline.'
				],
				autoHealPossible: false,
				evidence: ['Cannot connect to SQL Database: sql-orders.database.windows.net']
			},
			model: MODEL,
			latencyMs: 250,
			attempts: 1,
			usage: { promptTokens: 5, outputTokens: 508, totalTokens: 513 }
		});
	});

	it('sends the key, the model, the schema, the system instruction and only redacted text', async () => {
		standin.enqueue({ kind: 'success', result: answer() });

		await analyze();

		const sent = standin.requests[0]!;
		expect(sent.path).toBe(`/v1beta/models/${MODEL}:generateContent`);
		expect(sent.headers['x-goog-api-key']).toBe(standin.apiKey);
		const body = sent.body as {
			contents: Array<{ parts: Array<{ text: string }> }>;
			systemInstruction: { parts: Array<{ text: string }> };
			generationConfig: { responseMimeType: string; responseJsonSchema: { required: string[] } };
		};
		expect(body.generationConfig.responseMimeType).toBe('application/json');
		expect(body.generationConfig.responseJsonSchema.required).toContain('root_cause');
		expect(body.systemInstruction.parts[0]?.text).toMatch(/on-call engineer/);
		const prompt = body.contents[0]?.parts[0]?.text ?? '';
		expect(prompt).toContain('AccountKey=[REDACTED]');
		expect(prompt).toContain('VIG-41');
		expect(sent.rawBody).not.toContain(SECRET);
	});

	it('waits the RetryInfo delay of a 429, then succeeds', async () => {
		standin.enqueue(RATE_LIMITED, { kind: 'success', result: answer() });

		const outcome = await analyze();

		expect(outcome).toMatchObject({ ok: true, attempts: 2 });
		expect(sleeps).toEqual([26_000]);
		expect(standin.requests).toHaveLength(2);
	});

	it('caps a long server-requested delay', async () => {
		standin.enqueue(RATE_LIMITED, { kind: 'success', result: answer() });

		await analyze({ maxDelayMs: 5_000 });

		expect(sleeps).toEqual([5_000]);
	});

	it('gives up after 500, 503, 503 with exponential, jittered backoff', async () => {
		standin.enqueue(INTERNAL, UNAVAILABLE, UNAVAILABLE);

		const outcome = await analyze();

		expect(outcome).toMatchObject({ ok: false, reason: 'server_error', attempts: 3, model: MODEL });
		if (!outcome.ok) expect(outcome.detail).toMatch(/503 UNAVAILABLE: The model is overloaded/);
		// random() = 0.5 → 3/4 of 1 s, then of 2 s.
		expect(sleeps).toEqual([750, 1_500]);
		expect(standin.requests).toHaveLength(3);
	});

	it('reports rate_limited when every attempt is throttled', async () => {
		standin.enqueue(RATE_LIMITED, RATE_LIMITED);

		const outcome = await analyze({ maxAttempts: 2 });

		expect(outcome).toMatchObject({ ok: false, reason: 'rate_limited', attempts: 2 });
	});

	it('reports a timeout when the API hangs', async () => {
		standin.enqueue({ kind: 'hang' }, { kind: 'hang' });

		const outcome = await analyze({ maxAttempts: 2, timeoutMs: 200 });

		expect(outcome).toMatchObject({ ok: false, reason: 'timeout', attempts: 2 });
		expect(standin.requests).toHaveLength(2);
	});

	it('retries a dropped connection', async () => {
		standin.enqueue({ kind: 'drop' }, { kind: 'success', result: answer() });

		const outcome = await analyze();

		expect(outcome).toMatchObject({ ok: true, attempts: 2 });
	});

	it.each([
		[
			'an answer blocked for safety',
			'sdk-mock-responses/unary-failure-finish-reason-safety.json',
			/SAFETY/
		],
		[
			'a blocked prompt',
			'sdk-mock-responses/unary-failure-prompt-blocked-safety.json',
			/prompt blocked: SAFETY/
		],
		['a recitation stop', 'sdk-mock-responses/unary-failure-citations.json', /RECITATION/]
	])('does not retry %s', async (_label, name, detail) => {
		standin.enqueue(file(name), { kind: 'success', result: answer() });

		const outcome = await analyze();

		expect(outcome).toMatchObject({ ok: false, reason: 'safety_blocked', attempts: 1 });
		if (!outcome.ok) expect(outcome.detail).toMatch(detail);
		expect(standin.requests).toHaveLength(1);
		expect(sleeps).toEqual([]);
	});

	it('retries MAX_TOKENS without parts, then reports max_tokens', async () => {
		standin.enqueue(MAX_TOKENS, MAX_TOKENS);

		const outcome = await analyze({ maxAttempts: 2 });

		expect(outcome).toMatchObject({ ok: false, reason: 'max_tokens', attempts: 2 });
	});

	it('recovers when a retry after MAX_TOKENS answers, and bills both attempts', async () => {
		standin.enqueue(MAX_TOKENS, { kind: 'success', result: answer() });

		const outcome = await analyze();

		// 7 + 5 prompt, 19 thinking + 508 output, 26 + 513 total.
		expect(outcome).toMatchObject({
			ok: true,
			attempts: 2,
			usage: { promptTokens: 12, outputTokens: 527, totalTokens: 539 }
		});
	});

	it('reports empty content as empty', async () => {
		standin.enqueue(file('sdk-mock-responses/unary-failure-empty-content.json'));

		const outcome = await analyze({ maxAttempts: 1 });

		expect(outcome).toMatchObject({ ok: false, reason: 'empty', attempts: 1 });
	});

	it.each([
		[
			'text that is not JSON',
			{ kind: 'success', text: 'The firewall is probably the cause.' },
			/not JSON/
		],
		[
			'an unknown category',
			{ kind: 'success', result: answer({ category: 'banana' }) },
			/category/
		],
		['a missing field', { kind: 'success', result: { root_cause: 'x' } }, /error_type/],
		[
			'no recommendations',
			{ kind: 'success', result: answer({ recommendations: ['  '] }) },
			/recommendations/
		]
	] as Array<[string, Scripted, RegExp]>)(
		'rejects %s as invalid_output after retrying',
		async (_l, bad, detail) => {
			standin.enqueue(bad, bad);

			const outcome = await analyze({ maxAttempts: 2 });

			expect(outcome).toMatchObject({ ok: false, reason: 'invalid_output', attempts: 2 });
			if (!outcome.ok) expect(outcome.detail).toMatch(detail);
		}
	);

	it('accepts a valid answer after an invalid one', async () => {
		standin.enqueue(
			{ kind: 'success', text: '{"root_cause": ' },
			{ kind: 'success', result: answer() }
		);

		const outcome = await analyze();

		expect(outcome).toMatchObject({ ok: true, attempts: 2, result: { category: 'connectivity' } });
	});

	it.each<[string, Scripted | null, string, 'auth' | 'not_found' | 'bad_request']>([
		['a wrong API key (400 API_KEY_INVALID)', null, 'wrong-key', 'auth'],
		[
			'401 UNAUTHENTICATED',
			{
				kind: 'error',
				status: 401,
				body: { error: { code: 401, message: 'bad', status: 'UNAUTHENTICATED' } }
			},
			'',
			'auth'
		],
		[
			'403 PERMISSION_DENIED',
			{
				kind: 'error',
				status: 403,
				bodyFile: '403.permission-denied.unregistered-caller.openai-gemini-issue-92.json'
			},
			'',
			'auth'
		],
		['404 model not found', file('404.not-found.js-genai-recording.json'), '', 'not_found'],
		[
			'400 INVALID_ARGUMENT',
			{
				kind: 'error',
				status: 400,
				body: { error: { code: 400, message: 'bad', status: 'INVALID_ARGUMENT' } }
			},
			'',
			'bad_request'
		]
	])('does not retry %s', async (_label, scripted, apiKey, reason) => {
		if (scripted) standin.enqueue(scripted);
		standin.enqueue({ kind: 'success', result: answer() });

		const outcome = await analyze({ apiKey: apiKey || undefined });

		expect(outcome).toMatchObject({ ok: false, reason, attempts: 1 });
		expect(standin.requests).toHaveLength(1);
	});

	it('trims and caps what the model wrote', async () => {
		const result = answer({
			root_cause: `  ${'r'.repeat(3_000)}  `,
			affected_entity: '   ',
			recommendations: ['  first  ', 'x'.repeat(600), '3', '4', '5', '6', '7', '8']
		});
		standin.enqueue({ kind: 'success', result });

		const outcome = await analyze();

		if (!outcome.ok) throw new Error(`expected ok, got ${outcome.reason}: ${outcome.detail}`);
		expect(outcome.result.rootCause).toBe('r'.repeat(2_000));
		expect(outcome.result.affectedEntity).toBeNull();
		expect(outcome.result.recommendations).toEqual(['first', 'x'.repeat(500), '3', '4', '5', '6']);
	});
});
