import { readFileSync } from 'node:fs';
import {
	createServer,
	type IncomingHttpHeaders,
	type IncomingMessage,
	type ServerResponse
} from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local Gemini API (`POST /v1beta/models/{model}:generateContent`) answering with the bodies
 * in tests/support/contracts/gemini/ (Google's SDK fixtures and recordings and answers from
 * public bug reports; its README says which is which). Like the real API it refuses requests
 * without a valid key and bodies that are not a GenerateContentRequest.
 */

const CONTRACTS = new URL('./contracts/gemini/', import.meta.url);
const SUCCESS_RECORDING =
	'recordings/Client_Tests_generateContent_ML_Dev_should_generate_content_with_given_valid_json_schema_in_responseJsonSchema.json';
const JSON_CONTENT_TYPE = 'application/json; charset=UTF-8';
const PATH = /^\/v1beta\/models\/([^/:]+):generateContent$/;

export const STANDIN_API_KEY = 'standin-gemini-key';

export interface Recorded {
	method: string;
	path: string;
	/** Query string as sent, without `?`. */
	query: string;
	headers: IncomingHttpHeaders;
	/** The parsed JSON body, or null when it was not JSON. */
	body: unknown;
	rawBody: string;
	/** The model name taken from the path, or null for another path. */
	model: string | null;
}

export interface UsageMetadata {
	promptTokenCount?: number;
	candidatesTokenCount?: number;
	thoughtsTokenCount?: number;
	totalTokenCount?: number;
}

export type Scripted =
	/** The recorded structured-output success, its answer text replaced by `result` (as JSON) or `text`. */
	| { kind: 'success'; result?: unknown; text?: string; usage?: UsageMetadata }
	| { kind: 'json'; body: unknown; status?: number }
	/**
	 * A contract file, by path under contracts/gemini/. An error body is served with its
	 * `error.code` as status, a recording with its recorded status and body, anything else as 200.
	 */
	| { kind: 'file'; file: string }
	| { kind: 'error'; status: number; bodyFile?: string; body?: unknown }
	/** Any status and body text, e.g. a proxy's HTML page. */
	| { kind: 'raw'; status: number; body: string; contentType?: string }
	/** Never answers (for client timeouts). */
	| { kind: 'hang' }
	/** Closes the connection without an answer. */
	| { kind: 'drop' };

export interface GeminiStandin {
	url: string;
	apiKey: string;
	requests: Recorded[];
	enqueue(...answers: Scripted[]): void;
	/** Scripted answers not yet served. */
	pending(): number;
	close(): Promise<void>;
}

export function readContract(file: string): unknown {
	return JSON.parse(readFileSync(new URL(file, CONTRACTS), 'utf8'));
}

interface Recording {
	interactions: Array<{ response: { statusCode: number; bodySegments: unknown[] } }>;
}

function recordedResponse(file: string): { status: number; body: unknown } {
	const response = (readContract(file) as Recording).interactions[0]?.response;
	if (!response) throw new Error(`gemini stand-in: no interaction in ${file}`);
	return { status: response.statusCode, body: response.bodySegments[0] };
}

/** A recorded structured-output success envelope carrying `text` as the answer. */
export function structuredOutputBody(text: string, usage?: UsageMetadata): unknown {
	const body = structuredClone(recordedResponse(SUCCESS_RECORDING).body) as {
		candidates: Array<{ content: { parts: Array<{ text: string }> } }>;
		usageMetadata: UsageMetadata;
	};
	const part = body.candidates[0]?.content.parts[0];
	if (!part) throw new Error('gemini stand-in: success recording has no text part');
	part.text = text;
	if (usage) body.usageMetadata = usage;
	return body;
}

function googleError(status: number, statusText: string, message: string) {
	return { error: { code: status, message, status: statusText } };
}

function invalidArgument(message: string) {
	return { status: 400, body: googleError(400, 'INVALID_ARGUMENT', message) };
}

const REQUEST_FIELDS = new Set([
	'contents',
	'systemInstruction',
	'generationConfig',
	'safetySettings',
	'tools',
	'toolConfig',
	'cachedContent',
	'serviceTier',
	'store'
]);

const GENERATION_CONFIG_FIELDS = new Set([
	'stopSequences',
	'responseMimeType',
	'responseSchema',
	'responseJsonSchema',
	'responseModalities',
	'candidateCount',
	'maxOutputTokens',
	'temperature',
	'topP',
	'topK',
	'seed',
	'presencePenalty',
	'frequencyPenalty',
	'responseLogprobs',
	'logprobs',
	'enableEnhancedCivicAnswers',
	'speechConfig',
	'thinkingConfig',
	'imageConfig',
	'mediaResolution'
]);

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasTextParts(content: unknown): boolean {
	if (!isObject(content) || !Array.isArray(content.parts) || content.parts.length === 0) {
		return false;
	}
	return content.parts.every((p) => isObject(p) && typeof p.text === 'string');
}

/** The API's own 400s for a malformed GenerateContentRequest; null when the body is valid. */
function rejectBody(body: unknown): { status: number; body: unknown } | null {
	if (!isObject(body)) return invalidArgument('Invalid JSON payload received.');
	for (const key of Object.keys(body)) {
		if (!REQUEST_FIELDS.has(key)) {
			return invalidArgument(
				`Invalid JSON payload received. Unknown name "${key}": Cannot find field.`
			);
		}
	}
	if (!Array.isArray(body.contents) || body.contents.length === 0) {
		return invalidArgument('* GenerateContentRequest.contents: contents is not specified\n');
	}
	const badContent = body.contents.findIndex((c) => !hasTextParts(c));
	if (badContent >= 0) {
		return invalidArgument(
			`* GenerateContentRequest.contents[${badContent}].parts: contents.parts must not be empty.\n`
		);
	}
	if (body.systemInstruction !== undefined && !hasTextParts(body.systemInstruction)) {
		return invalidArgument(
			'* GenerateContentRequest.system_instruction.parts: must not be empty.\n'
		);
	}
	const config = body.generationConfig ?? {};
	if (!isObject(config)) return invalidArgument("Invalid value at 'generation_config'.");
	for (const key of Object.keys(config)) {
		if (!GENERATION_CONFIG_FIELDS.has(key)) {
			return invalidArgument(
				`Invalid JSON payload received. Unknown name "${key}" at 'generation_config': Cannot find field.`
			);
		}
	}
	if (config.responseSchema !== undefined && config.responseJsonSchema !== undefined) {
		return invalidArgument('response_schema and response_json_schema cannot both be set.');
	}
	const wantsSchema =
		config.responseSchema !== undefined || config.responseJsonSchema !== undefined;
	if (wantsSchema && config.responseMimeType !== 'application/json') {
		return invalidArgument(
			'response_mime_type must be application/json when a response schema is set.'
		);
	}
	return null;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
	res.writeHead(status, { 'content-type': JSON_CONTENT_TYPE }).end(JSON.stringify(body));
}

function serveScripted(answer: Scripted, req: IncomingMessage, res: ServerResponse): void {
	switch (answer.kind) {
		case 'success': {
			const text = answer.text ?? JSON.stringify(answer.result);
			return sendJson(res, 200, structuredOutputBody(text, answer.usage));
		}
		case 'json':
			return sendJson(res, answer.status ?? 200, answer.body);
		case 'file': {
			if (answer.file.startsWith('recordings/')) {
				const { status, body } = recordedResponse(answer.file);
				return sendJson(res, status, body);
			}
			const body = readContract(answer.file);
			const code = isObject(body) && isObject(body.error) ? body.error.code : undefined;
			return sendJson(res, typeof code === 'number' ? code : 200, body);
		}
		case 'error': {
			const body = answer.bodyFile ? readContract(answer.bodyFile) : answer.body;
			return sendJson(res, answer.status, body ?? googleError(answer.status, 'UNKNOWN', 'error'));
		}
		case 'raw':
			res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/html' });
			res.end(answer.body);
			return;
		case 'hang':
			return;
		case 'drop':
			req.socket.destroy();
			return;
	}
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

export async function startGeminiStandin(opts: { apiKey?: string } = {}): Promise<GeminiStandin> {
	const apiKey = opts.apiKey ?? STANDIN_API_KEY;
	const requests: Recorded[] = [];
	const queue: Scripted[] = [];

	const server = createServer((req, res) => {
		void (async () => {
			const url = new URL(req.url ?? '/', 'http://standin');
			const rawBody = await readBody(req);
			let body: unknown;
			try {
				body = JSON.parse(rawBody);
			} catch {
				body = null;
			}
			const model = PATH.exec(url.pathname)?.[1] ?? null;
			requests.push({
				method: req.method ?? '',
				path: url.pathname,
				query: url.search.replace(/^\?/, ''),
				headers: req.headers,
				body,
				rawBody,
				model
			});

			if (req.method !== 'POST' || model === null) {
				res
					.writeHead(404, { 'content-type': 'text/html; charset=UTF-8' })
					.end('<h1>Not Found</h1>');
				return;
			}
			const key = req.headers['x-goog-api-key'] ?? url.searchParams.get('key');
			if (!key) {
				const file = '403.permission-denied.unregistered-caller.openai-gemini-issue-92.json';
				return sendJson(res, 403, readContract(file));
			}
			if (key !== apiKey) {
				const file = '400.invalid-argument.api-key-invalid.continuedev-issue-8516.json';
				return sendJson(res, 400, readContract(file));
			}
			if (body === null) {
				const { status, body: error } = invalidArgument(
					`Invalid JSON payload received. Unexpected token.\n${rawBody.slice(0, 40)}`
				);
				return sendJson(res, status, error);
			}
			const rejected = rejectBody(body);
			if (rejected) return sendJson(res, rejected.status, rejected.body);

			const answer = queue.shift();
			if (!answer) {
				return sendJson(
					res,
					500,
					googleError(500, 'INTERNAL', 'gemini stand-in: nothing enqueued')
				);
			}
			serveScripted(answer, req, res);
		})();
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		apiKey,
		requests,
		enqueue: (...answers) => void queue.push(...answers),
		pending: () => queue.length,
		close: () =>
			new Promise<void>((resolve, reject) => {
				server.closeAllConnections();
				server.close((err) => (err ? reject(err) : resolve()));
			})
	};
}
