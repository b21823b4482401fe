/**
 * What one MCP request was, for the access log and the metrics, read from the JSON-RPC
 * messages themselves: the same for a call the SDK answered with a validation error, an
 * unknown tool or a refusal as for one that ran, since none of those reach a tool's code.
 * Pure; calls.ts stores the result.
 */
import { clip } from './format.ts';

export type CallKind = 'tool' | 'resource' | 'prompt';

/** The requests an assistant acts with; listing what exists is not recorded. */
const LOGGED: Record<string, CallKind> = {
	'tools/call': 'tool',
	'resources/read': 'resource',
	'prompts/get': 'prompt'
};

export interface CallRequest {
	/** The JSON-RPC id its answer carries. */
	id: string | number;
	kind: CallKind;
	/** The tool or prompt name, or the resource URI (cut to 300 characters). */
	name: string;
	/** The ticket it is about, when it names one (id, ticket_id, or a vigil://tickets/ URI). */
	ticketId: string | null;
	arguments: Record<string, unknown>;
}

export interface CallOutcome {
	outcome: 'ok' | 'error';
	error: string | null;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const TICKET_URI_PREFIX = 'vigil://tickets/';

/** The logged requests in a POST body (one message or a batch), in order. */
export function callRequests(body: unknown): CallRequest[] {
	const messages = Array.isArray(body) ? body : [body];
	const out: CallRequest[] = [];
	for (const m of messages) {
		if (!isObject(m) || typeof m.method !== 'string') continue;
		const kind = LOGGED[m.method];
		const id = m.id;
		if (!kind || (typeof id !== 'string' && typeof id !== 'number')) continue;
		const params = isObject(m.params) ? m.params : {};
		const args = kind === 'resource' ? {} : params.arguments;
		const name = kind === 'resource' ? params.uri : params.name;
		out.push({
			id,
			kind,
			name: clip(typeof name === 'string' ? noNul(name) : '(none)', 300),
			ticketId: ticketOf(kind, params),
			arguments: sizeArguments(args)
		});
	}
	return out;
}

function ticketOf(kind: CallKind, params: Json): string | null {
	let id: unknown;
	if (kind === 'resource') {
		const uri = params.uri;
		if (typeof uri === 'string' && uri.startsWith(TICKET_URI_PREFIX))
			try {
				id = decodeURIComponent(uri.slice(TICKET_URI_PREFIX.length));
			} catch {
				id = null;
			}
	} else if (isObject(params.arguments)) id = params.arguments.id ?? params.arguments.ticket_id;
	return typeof id === 'string' && id.trim() ? clip(noNul(id.trim()), 200) : null;
}

/** How a request ended, from its JSON-RPC answer (undefined: none came back). */
export function callOutcome(answer: unknown): CallOutcome {
	if (!isObject(answer)) return { outcome: 'error', error: 'No answer' };
	if (isObject(answer.error))
		return { outcome: 'error', error: errorText(String(answer.error.message ?? 'Error')) };
	const result = answer.result;
	if (isObject(result) && result.isError === true) {
		const content = Array.isArray(result.content) ? result.content : [];
		const text = content
			.map((c) => (isObject(c) && typeof c.text === 'string' ? c.text : ''))
			.join(' ')
			.trim();
		return { outcome: 'error', error: errorText(text || 'The tool reported an error') };
	}
	return { outcome: 'ok', error: null };
}

const errorText = (s: string) => clip(noNul(s), 500);

/** PostgreSQL text and jsonb cannot hold NUL. */
const noNul = (s: string) => s.replaceAll('\u0000', '');

const SECRET_KEY = /password|secret|token|authorization|cookie|api_?key/i;
const MAX_STRING = 200;
const MAX_ITEMS = 20;
const MAX_KEYS = 30;
const MAX_DEPTH = 4;
const MAX_JSON = 4000;

/**
 * Arguments as stored: enough to tell what was asked (filters, ids, a note's start),
 * never a pasted trace or a secret. Strings over 200 characters are cut, lists after 20
 * items, objects after 30 keys and 4 levels, and anything whose key looks like a credential
 * is replaced; past 4,000 characters in all only the start is kept, as text.
 */
export function sizeArguments(args: unknown): Record<string, unknown> {
	if (!isObject(args)) return args === undefined ? {} : { value: size(args, 1) };
	const sized = size(args, 0) as Json;
	const json = JSON.stringify(sized);
	return json.length > MAX_JSON ? { truncated: `${json.slice(0, MAX_JSON)}…` } : sized;
}

function size(value: unknown, depth: number): unknown {
	if (typeof value === 'string') return clip(noNul(value), MAX_STRING);
	if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
	if (depth >= MAX_DEPTH) return '[nested]';
	if (Array.isArray(value)) {
		const items = value.slice(0, MAX_ITEMS).map((v) => size(v, depth + 1));
		return value.length > MAX_ITEMS ? [...items, `[${value.length - MAX_ITEMS} more]`] : items;
	}
	if (isObject(value)) {
		const entries = Object.entries(value);
		const out: Json = {};
		for (const [k, v] of entries.slice(0, MAX_KEYS))
			out[clip(noNul(k), 100)] = SECRET_KEY.test(k) ? '[redacted]' : size(v, depth + 1);
		if (entries.length > MAX_KEYS) out['…'] = `${entries.length - MAX_KEYS} more keys`;
		return out;
	}
	return String(value);
}

/**
 * A bounded label for the metrics: a known tool or prompt name, a resource's template,
 * or `unknown`, so a client sending made-up names cannot grow the label set.
 */
export function metricName(call: Pick<CallRequest, 'kind' | 'name'>, known: Set<string>): string {
	if (call.kind === 'resource') {
		if (call.name.startsWith(TICKET_URI_PREFIX)) return `${TICKET_URI_PREFIX}{id}`;
		return known.has(call.name) ? call.name : 'unknown';
	}
	return known.has(call.name) ? call.name : 'unknown';
}
