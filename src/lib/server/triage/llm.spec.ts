import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	startGeminiStandin,
	type GeminiStandin,
	type Scripted
} from '../../../../tests/support/gemini-standin.ts';
import { createGeminiClient, parseRetryDelay, RcaCallError } from './llm.ts';
import { RCA_RESPONSE_SCHEMA } from './result-schema.ts';

const MODEL = 'gemini-2.5-flash';
const request = {
	system: 'You triage pipelines.',
	prompt: 'What failed?',
	schema: RCA_RESPONSE_SCHEMA
};

let standin: GeminiStandin;
beforeEach(async () => {
	standin = await startGeminiStandin();
});
afterEach(async () => {
	await standin.close();
});

function client(overrides: { apiKey?: string; timeoutMs?: number } = {}) {
	return createGeminiClient({
		apiKey: overrides.apiKey ?? standin.apiKey,
		model: MODEL,
		baseUrl: standin.url,
		timeoutMs: overrides.timeoutMs ?? 2_000
	});
}

async function callError(answer: Scripted | null, apiKey?: string): Promise<RcaCallError> {
	if (answer) standin.enqueue(answer);
	const err: unknown = await client({ apiKey, timeoutMs: 300 })
		.generate(request)
		.then(
			() => null,
			(e: unknown) => e
		);
	expect(err).toBeInstanceOf(RcaCallError);
	return err as RcaCallError;
}

describe('createGeminiClient', () => {
	it('sends a structured-output generateContent request as the recorded SDK traffic does', async () => {
		standin.enqueue({ kind: 'success', result: { ok: 1 } });

		await client().generate(request);

		expect(standin.requests).toHaveLength(1);
		const sent = standin.requests[0]!;
		expect(sent.method).toBe('POST');
		expect(sent.path).toBe(`/v1beta/models/${MODEL}:generateContent`);
		expect(sent.headers['x-goog-api-key']).toBe(standin.apiKey);
		expect(sent.headers['content-type']).toBe('application/json');
		expect(sent.body).toEqual({
			contents: [{ role: 'user', parts: [{ text: request.prompt }] }],
			systemInstruction: { role: 'user', parts: [{ text: request.system }] },
			generationConfig: expect.objectContaining({
				responseMimeType: 'application/json',
				responseJsonSchema: RCA_RESPONSE_SCHEMA
			})
		});
	});

	it('returns the answer text, finish reason and token usage (thinking counted as output)', async () => {
		standin.enqueue({ kind: 'success', result: { ok: 1 } });

		const answer = await client().generate(request);

		// Usage of the recorded success: 5 prompt, 177 answer + 331 thinking, 513 total.
		expect(answer).toEqual({
			text: '{"ok":1}',
			finishReason: 'STOP',
			blockReason: undefined,
			usage: { promptTokens: 5, outputTokens: 508, totalTokens: 513 }
		});
	});

	it('reports a prompt block and a token-limit stop without text', async () => {
		standin.enqueue(
			{ kind: 'file', file: 'sdk-mock-responses/unary-failure-prompt-blocked-safety.json' },
			{
				kind: 'file',
				file: 'recordings/Client_Tests_generateContent_ML_Dev_should_return_the_headers_in_the_sdkHttpResponse_by_default.json'
			}
		);

		const blocked = await client().generate(request);
		const truncated = await client().generate(request);

		expect(blocked).toMatchObject({ text: undefined, blockReason: 'SAFETY', usage: null });
		expect(truncated).toMatchObject({ text: undefined, finishReason: 'MAX_TOKENS' });
	});

	it.each<{
		label: string;
		answer: Scripted;
		kind: RcaCallError['kind'];
		retryAfterMs: number | null;
	}>([
		{
			label: '429 with RetryInfo',
			answer: { kind: 'file', file: '429.resource-exhausted.with-details.RooCode-issue-3883.json' },
			kind: 'rate_limited',
			retryAfterMs: 26_000
		},
		{
			label: '429 without details',
			answer: {
				kind: 'file',
				file: '429.resource-exhausted.minimal.generative-ai-docs-issue-236.json'
			},
			kind: 'rate_limited',
			retryAfterMs: null
		},
		{
			label: '500 INTERNAL',
			answer: { kind: 'file', file: '500.internal.openai-gemini-issue-15.json' },
			kind: 'server_error',
			retryAfterMs: null
		},
		{
			label: '503 UNAVAILABLE',
			answer: { kind: 'file', file: '503.unavailable.eva-agent-issue-50.json' },
			kind: 'server_error',
			retryAfterMs: null
		},
		{
			label: '404 model not found',
			answer: { kind: 'file', file: '404.not-found.js-genai-recording.json' },
			kind: 'not_found',
			retryAfterMs: null
		},
		{
			label: '401 UNAUTHENTICATED',
			answer: {
				kind: 'error',
				status: 401,
				body: {
					error: {
						code: 401,
						message: 'Request had invalid authentication credentials.',
						status: 'UNAUTHENTICATED'
					}
				}
			},
			kind: 'auth',
			retryAfterMs: null
		},
		{
			label: '403 PERMISSION_DENIED',
			answer: {
				kind: 'error',
				status: 403,
				bodyFile: '403.permission-denied.unregistered-caller.openai-gemini-issue-92.json'
			},
			kind: 'auth',
			retryAfterMs: null
		},
		{
			label: 'a 400 other than a bad key',
			answer: {
				kind: 'error',
				status: 400,
				body: {
					error: {
						code: 400,
						message: 'User location is not supported for the API use.',
						status: 'FAILED_PRECONDITION'
					}
				}
			},
			kind: 'bad_request',
			retryAfterMs: null
		},
		{ label: 'a hung connection', answer: { kind: 'hang' }, kind: 'timeout', retryAfterMs: null },
		{
			label: 'a dropped connection',
			answer: { kind: 'drop' },
			kind: 'network',
			retryAfterMs: null
		},
		{
			label: 'an HTML page with status 200',
			answer: { kind: 'raw', status: 200, body: '<html>proxy</html>' },
			kind: 'server_error',
			retryAfterMs: null
		}
	])(
		'maps $label to $kind, with one HTTP request (no SDK retry)',
		async ({ answer, kind, retryAfterMs }) => {
			const err = await callError(answer);

			expect(err.kind).toBe(kind);
			expect(err.retryAfterMs).toBe(retryAfterMs);
			expect(standin.requests).toHaveLength(1);
		}
	);

	it('maps the real answer to a wrong key (400 INVALID_ARGUMENT, API_KEY_INVALID) to auth', async () => {
		const err = await callError(null, 'not-the-key');

		expect(err.kind).toBe('auth');
		expect(err.message).toMatch(/API key not valid/);
		expect(standin.requests[0]?.headers['x-goog-api-key']).toBe('not-the-key');
	});

	it('refuses to start without an API key', () => {
		expect(() => client({ apiKey: ' ' })).toThrow(/API key/);
	});

	it('times out a hung call after timeoutMs', async () => {
		standin.enqueue({ kind: 'hang' });
		const started = performance.now();

		const err = await client({ timeoutMs: 200 })
			.generate(request)
			.catch((e: unknown) => e);

		expect(err).toMatchObject({ kind: 'timeout' });
		expect(performance.now() - started).toBeLessThan(1_500);
	});
});

describe('parseRetryDelay', () => {
	it('reads protobuf Duration strings', () => {
		expect(parseRetryDelay('26s')).toBe(26_000);
		expect(parseRetryDelay('1.5s')).toBe(1_500);
		expect(parseRetryDelay('0s')).toBe(0);
		expect(parseRetryDelay('26')).toBeNull();
		expect(parseRetryDelay(26)).toBeNull();
	});
});

describe('gemini stand-in', () => {
	const path = `/v1beta/models/${MODEL}:generateContent`;
	const post = (body: string, headers: Record<string, string>) =>
		fetch(`${standin.url}${path}`, { method: 'POST', body, headers });

	it('rejects a call without an API key as Gemini does (403 PERMISSION_DENIED)', async () => {
		standin.enqueue({ kind: 'success', result: {} });

		const res = await post(JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }), {});

		expect(res.status).toBe(403);
		expect(await res.json()).toMatchObject({ error: { status: 'PERMISSION_DENIED' } });
		expect(standin.pending()).toBe(1);
	});

	it('rejects a body that is not a GenerateContentRequest', async () => {
		const key = { 'x-goog-api-key': standin.apiKey };

		const noContents = await post(JSON.stringify({ prompt: 'hi' }), key);
		const emptyContents = await post(JSON.stringify({ contents: [] }), key);
		const notJson = await post('hello', key);

		for (const res of [noContents, emptyContents, notJson]) {
			expect(res.status).toBe(400);
			expect(await res.json()).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
		}
	});
});
