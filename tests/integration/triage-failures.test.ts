import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startTestRuntime } from '../support/db.ts';
import {
	startGeminiStandin,
	type GeminiStandin,
	type Scripted
} from '../support/gemini-standin.ts';
import { createTicket, eventually, getTicket } from '../support/tickets.ts';

const file = (name: string): Scripted => ({ kind: 'file', file: name });
const times = (n: number, s: Scripted): Scripted[] => Array.from({ length: n }, () => s);

// The runtime tries three times; a mode that is retried gets three scripted answers.
const MODES: { name: string; reason: string; answers: Scripted[] }[] = [
	{ name: 'timeout', reason: 'timeout', answers: times(3, { kind: 'hang' }) },
	{
		name: '429 RESOURCE_EXHAUSTED',
		reason: 'rate_limited',
		answers: times(3, file('429.resource-exhausted.with-details.RooCode-issue-3883.json'))
	},
	{
		name: '500 INTERNAL',
		reason: 'server_error',
		answers: times(3, file('500.internal.openai-gemini-issue-15.json'))
	},
	{
		name: '503 UNAVAILABLE',
		reason: 'server_error',
		answers: times(3, file('503.unavailable.eva-agent-issue-50.json'))
	},
	{
		name: 'safety block of the answer',
		reason: 'safety_blocked',
		answers: [file('sdk-mock-responses/unary-failure-finish-reason-safety.json')]
	},
	{
		name: 'empty content',
		reason: 'empty',
		answers: times(3, file('sdk-mock-responses/unary-failure-empty-content.json'))
	},
	{
		name: 'MAX_TOKENS without parts',
		reason: 'max_tokens',
		answers: times(
			3,
			file(
				'recordings/Client_Tests_generateContent_ML_Dev_should_return_the_headers_in_the_sdkHttpResponse_by_default.json'
			)
		)
	},
	{
		name: 'answer that is not JSON',
		reason: 'invalid_output',
		answers: times(3, { kind: 'success', text: 'The pipeline failed.' })
	},
	{
		name: 'JSON outside the schema',
		reason: 'invalid_output',
		answers: times(3, { kind: 'success', result: { root_cause: 'x', category: 'banana' } })
	},
	{
		name: 'invalid API key',
		reason: 'auth',
		answers: [file('400.invalid-argument.api-key-invalid.continuedev-issue-8516.json')]
	}
];

let gemini: GeminiStandin;
let rt: Runtime;
beforeAll(async () => {
	gemini = await startGeminiStandin();
	rt = await startTestRuntime(
		{ GEMINI_API_KEY: gemini.apiKey, GEMINI_BASE_URL: gemini.url },
		{ rcaOptions: { baseDelayMs: 1, maxDelayMs: 5 }, geminiTimeoutMs: 400 }
	);
});
afterAll(async () => {
	await rt?.stop();
	await gemini?.close();
});

describe('AI triage failure modes, end to end on PostgreSQL', () => {
	for (const mode of MODES) {
		it(`keeps the offline result after ${mode.name}`, async () => {
			const before = gemini.requests.length;
			gemini.enqueue(...mode.answers);
			const t = await createTicket(rt);
			const done = await eventually(
				() => getTicket(rt, t.id),
				(x) => x.triage_status !== 'pending'
			);
			expect(done).toMatchObject({
				triage_status: 'fallback',
				triage_source: 'offline',
				root_cause: t.root_cause,
				priority: t.priority,
				sla_deadline: t.sla_deadline
			});
			expect(done.triage_error).toMatch(new RegExp(`^${mode.reason}:`));
			// Retried exactly as often as scripted: no hidden SDK retries, no retry of final errors.
			expect(gemini.requests.length - before).toBe(mode.answers.length);
			expect(gemini.pending()).toBe(0);
			const audit = await rt.pool.query(
				`select details from audit_log where ticket_id = $1 and action = 'AI Triage Failed'`,
				[t.id]
			);
			expect(audit.rows[0].details.reason).toBe(mode.reason);
		});
	}
});
