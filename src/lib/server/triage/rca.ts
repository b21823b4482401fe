import { retryPolicy } from '../resilience/retry.ts';
import { buildRcaPrompt } from './prompt.ts';
import { parseRcaAnswer, RCA_RESPONSE_SCHEMA } from './result-schema.ts';
import type { SimilarIncident, TriageInput, TriageResult } from './types.ts';

export interface TokenUsage {
	promptTokens: number;
	/** Answer plus thinking tokens: both are billed as output. */
	outputTokens: number;
	totalTokens: number;
}

export interface ModelAnswer {
	text: string | undefined;
	finishReason: string | undefined;
	blockReason: string | undefined;
	usage: TokenUsage | null;
}

/** The one thing RCA needs from a model; llm.ts implements it with the Gemini SDK. */
export interface RcaModel {
	model: string;
	generate(req: { system: string; prompt: string; schema: object }): Promise<ModelAnswer>;
}

export type RcaCallErrorKind =
	'timeout' | 'rate_limited' | 'server_error' | 'auth' | 'not_found' | 'bad_request' | 'network';

/** What a failed model call means for the caller; thrown by `RcaModel.generate`. */
export class RcaCallError extends Error {
	kind: RcaCallErrorKind;
	retryAfterMs: number | null;

	constructor(kind: RcaCallErrorKind, message: string, retryAfterMs: number | null = null) {
		super(message);
		this.name = 'RcaCallError';
		this.kind = kind;
		this.retryAfterMs = retryAfterMs;
	}
}

export type RcaFailureReason =
	RcaCallErrorKind | 'safety_blocked' | 'empty' | 'max_tokens' | 'invalid_output';

export type RcaOutcome =
	| {
			ok: true;
			result: TriageResult;
			model: string;
			latencyMs: number;
			attempts: number;
			/** Summed over every attempt, since failed attempts are billed too. */
			usage: TokenUsage | null;
	  }
	| {
			ok: false;
			reason: RcaFailureReason;
			detail: string;
			attempts: number;
			model: string;
			latencyMs: number;
	  };

export interface RcaOptions {
	maxAttempts: number;
	baseDelayMs: number;
	/** Upper bound for one backoff, including a server-requested retry delay. Default 60 s. */
	maxDelayMs?: number;
	sleep?: (ms: number) => Promise<void>;
	now?: () => number;
	random?: () => number;
}

// Retrying gets a fresh sample or a recovered server. Auth, not-found and bad-request fail the
// same way every time. Safety blocks are not retried either: a blocked prompt is blocked again
// when resent unchanged, and a blocked answer to this prompt is the model's stable judgement of
// the same input, so a retry only spends quota and delays the offline fallback.
const RETRYABLE: ReadonlySet<RcaFailureReason> = new Set([
	'timeout',
	'rate_limited',
	'server_error',
	'network',
	'empty',
	'max_tokens',
	'invalid_output'
]);

const SAFETY_FINISH_REASONS = new Set([
	'SAFETY',
	'RECITATION',
	'BLOCKLIST',
	'PROHIBITED_CONTENT',
	'SPII',
	'IMAGE_SAFETY'
]);

type AttemptResult =
	| { ok: true; result: TriageResult }
	| { ok: false; reason: RcaFailureReason; detail: string; retryAfterMs: number | null };

function judgeAnswer(answer: ModelAnswer): AttemptResult {
	const fail = (reason: RcaFailureReason, detail: string): AttemptResult => ({
		ok: false,
		reason,
		detail,
		retryAfterMs: null
	});
	if (answer.blockReason) return fail('safety_blocked', `prompt blocked: ${answer.blockReason}`);
	if (answer.finishReason && SAFETY_FINISH_REASONS.has(answer.finishReason)) {
		return fail('safety_blocked', `answer blocked: ${answer.finishReason}`);
	}
	// A JSON answer cut off at the token limit cannot be parsed, with or without parts.
	if (answer.finishReason === 'MAX_TOKENS') return fail('max_tokens', 'answer hit MAX_TOKENS');
	if (answer.text === undefined || answer.text.trim() === '') {
		return fail('empty', `no answer text (finishReason ${answer.finishReason ?? 'none'})`);
	}
	const parsed = parseRcaAnswer(answer.text);
	return parsed.ok ? parsed : fail('invalid_output', parsed.detail);
}

async function attemptOnce(
	model: RcaModel,
	req: { system: string; prompt: string; schema: object }
): Promise<{ outcome: AttemptResult; usage: TokenUsage | null }> {
	try {
		const answer = await model.generate(req);
		return { outcome: judgeAnswer(answer), usage: answer.usage };
	} catch (err) {
		// Anything else is a bug, not a model failure: let it surface.
		if (!(err instanceof RcaCallError)) throw err;
		return {
			outcome: { ok: false, reason: err.kind, detail: err.message, retryAfterMs: err.retryAfterMs },
			usage: null
		};
	}
}

function addUsage(a: TokenUsage | null, b: TokenUsage | null): TokenUsage | null {
	if (!a) return b;
	if (!b) return a;
	return {
		promptTokens: a.promptTokens + b.promptTokens,
		outputTokens: a.outputTokens + b.outputTokens,
		totalTokens: a.totalTokens + b.totalTokens
	};
}

/**
 * Asks the model for a root-cause analysis, retrying transient failures. Never throws for a
 * model failure: the caller keeps the offline result when `ok` is false.
 * `input.alert.errorMessage` must already be redacted.
 */
export async function analyzeWithAi(
	model: RcaModel,
	input: { alert: TriageInput; offline: TriageResult; similar: SimilarIncident[] },
	opts: RcaOptions
): Promise<RcaOutcome> {
	const now = opts.now ?? (() => performance.now());
	const req = { ...buildRcaPrompt(input), schema: RCA_RESPONSE_SCHEMA };
	const policy = retryPolicy<AttemptResult>({
		maxAttempts: opts.maxAttempts,
		baseDelayMs: opts.baseDelayMs,
		maxDelayMs: opts.maxDelayMs ?? 60_000,
		retryResult: (outcome) => !outcome.ok && RETRYABLE.has(outcome.reason),
		// Gemini's RetryInfo delay wins over the computed backoff, capped at maxDelayMs.
		retryAfterMs: (failure) =>
			'value' in failure && !failure.value.ok ? failure.value.retryAfterMs : null,
		sleep: opts.sleep,
		random: opts.random
	});
	const started = now();
	let usage: TokenUsage | null = null;
	let attempts = 0;

	const outcome = await policy.execute(async (attempt) => {
		attempts = attempt;
		const { outcome, usage: attemptUsage } = await attemptOnce(model, req);
		usage = addUsage(usage, attemptUsage);
		return outcome;
	});
	const latencyMs = Math.round(now() - started);
	if (outcome.ok) {
		return { ok: true, result: outcome.result, model: model.model, latencyMs, attempts, usage };
	}
	const { reason, detail } = outcome;
	return { ok: false, reason, detail, attempts, model: model.model, latencyMs };
}
