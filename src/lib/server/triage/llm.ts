import { ApiError, GoogleGenAI, type GenerateContentResponse } from '@google/genai';
import { RcaCallError, type ModelAnswer, type RcaModel, type TokenUsage } from './rca.ts';

export { RcaCallError };

// Generous for a JSON answer of a few hundred words; thinking tokens count against it too.
const MAX_OUTPUT_TOKENS = 8192;
// Low but not zero: stable, mostly deterministic answers that can still differ on a retry.
const TEMPERATURE = 0.2;

/** The only place Vigil talks to the Gemini SDK. */
export function createGeminiClient(opts: {
	apiKey: string;
	model: string;
	baseUrl?: string;
	timeoutMs: number;
}): RcaModel {
	// Without a key the SDK would still call out and get a 403 on every alert.
	if (opts.apiKey.trim() === '') throw new Error('Gemini API key is empty');
	const ai = new GoogleGenAI({
		apiKey: opts.apiKey,
		// Explicit, so GOOGLE_GENAI_USE_VERTEXAI / GOOGLE_GENAI_API_VERSION in the environment
		// cannot silently send the call elsewhere.
		vertexai: false,
		apiVersion: 'v1beta',
		httpOptions: {
			baseUrl: opts.baseUrl,
			// Per attempt: the SDK aborts the fetch (AbortError) when it runs out.
			timeout: opts.timeoutMs,
			// rca.ts owns retries; one SDK attempt each, so backoff is never doubled.
			retryOptions: { attempts: 1 }
		}
	});

	return {
		model: opts.model,
		async generate({ system, prompt, schema }) {
			let response: GenerateContentResponse;
			try {
				response = await ai.models.generateContent({
					model: opts.model,
					contents: [{ role: 'user', parts: [{ text: prompt }] }],
					config: {
						systemInstruction: system,
						responseMimeType: 'application/json',
						responseJsonSchema: schema,
						temperature: TEMPERATURE,
						maxOutputTokens: MAX_OUTPUT_TOKENS,
						// Continuation would send follow-up requests on its own; one call is one request.
						automaticContinuation: false
					}
				});
			} catch (err) {
				throw toRcaCallError(err);
			}
			return toModelAnswer(response);
		}
	};
}

export function toModelAnswer(response: GenerateContentResponse): ModelAnswer {
	const candidate = response.candidates?.[0];
	// Thought parts are the model's reasoning, not the answer.
	const texts = (candidate?.content?.parts ?? [])
		.filter((p) => typeof p.text === 'string' && !p.thought)
		.map((p) => p.text as string);
	return {
		text: texts.length > 0 ? texts.join('') : undefined,
		finishReason: candidate?.finishReason,
		blockReason: response.promptFeedback?.blockReason,
		usage: toUsage(response.usageMetadata)
	};
}

function toUsage(meta: GenerateContentResponse['usageMetadata']): TokenUsage | null {
	if (!meta) return null;
	const promptTokens = meta.promptTokenCount ?? 0;
	const outputTokens = (meta.candidatesTokenCount ?? 0) + (meta.thoughtsTokenCount ?? 0);
	return {
		promptTokens,
		outputTokens,
		totalTokens: meta.totalTokenCount ?? promptTokens + outputTokens
	};
}

interface GoogleErrorBody {
	code?: number;
	message?: string;
	status?: string;
	details?: Array<Record<string, unknown>>;
}

/** The SDK puts the whole JSON error body, stringified, in `ApiError.message`. */
function parseErrorBody(message: string): GoogleErrorBody {
	try {
		const parsed: unknown = JSON.parse(message);
		if (parsed && typeof parsed === 'object' && 'error' in parsed) {
			const inner = (parsed as { error: unknown }).error;
			if (inner && typeof inner === 'object') return inner as GoogleErrorBody;
		}
	} catch {
		// Not JSON: a proxy's HTML page or plain text.
	}
	return { message };
}

function detailOfType(body: GoogleErrorBody, type: string) {
	return body.details?.find((d) => typeof d['@type'] === 'string' && d['@type'].endsWith(type));
}

/** `RetryInfo.retryDelay` is a protobuf Duration in JSON form, e.g. "26s" or "1.5s". */
export function parseRetryDelay(value: unknown): number | null {
	if (typeof value !== 'string') return null;
	const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
	return match ? Math.round(Number(match[1]) * 1000) : null;
}

function kindForStatus(status: number, body: GoogleErrorBody): RcaCallError['kind'] {
	if (status === 401 || status === 403) return 'auth';
	// Gemini answers a wrong API key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID.
	if (status === 400 && detailOfType(body, 'google.rpc.ErrorInfo')?.reason === 'API_KEY_INVALID') {
		return 'auth';
	}
	if (status === 404) return 'not_found';
	if (status === 408) return 'timeout';
	if (status === 429) return 'rate_limited';
	if (status >= 500) return 'server_error';
	return 'bad_request';
}

const NETWORK_MESSAGES = new Set(['fetch failed', 'terminated']);

/** Maps what the SDK throws to what the caller should do; unknown errors pass through. */
export function toRcaCallError(err: unknown): unknown {
	if (err instanceof ApiError) {
		const body = parseErrorBody(err.message);
		const kind = kindForStatus(err.status, body);
		const retryAfterMs =
			kind === 'rate_limited'
				? parseRetryDelay(detailOfType(body, 'google.rpc.RetryInfo')?.retryDelay)
				: null;
		const text = `${err.status} ${body.status ?? ''}: ${body.message ?? ''}`.slice(0, 500);
		return new RcaCallError(kind, text, retryAfterMs);
	}
	if (err instanceof Error) {
		// We pass no abort signal of our own, so an abort is always the SDK's timeout.
		if (err.name === 'AbortError' || err.name === 'TimeoutError') {
			return new RcaCallError('timeout', `no answer within the timeout (${err.message})`);
		}
		// The SDK parses every 2xx body as JSON; a proxy's HTML page fails here.
		if (err.name === 'SyntaxError') {
			return new RcaCallError('server_error', `unreadable response body: ${err.message}`);
		}
		if (err.name === 'TypeError' && NETWORK_MESSAGES.has(err.message)) {
			const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
			return new RcaCallError('network', `${err.message}${cause}`);
		}
	}
	return err;
}
