import { createHash } from 'node:crypto';

/**
 * What PostgreSQL cannot hold, made storable and said so. text and jsonb refuse
 * NUL (U+0000); UTF-8 has no lone surrogates (JSON's `"\ud800"` parses to one),
 * so jsonb refuses their escape and node's encoder would quietly write U+FFFD
 * into text. Both are written out as their JSON escape (`\u0000`, `\ud800`), and
 * whoever reads the stored value learns from the raw event's `sanitized` list
 * that such an escape was made by Vigil, not sent.
 */

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const UNSTORABLE = new RegExp(`\\u0000|${LONE_SURROGATE.source}`, 'g');

const escapeOf = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** `s` with NUL and lone surrogates written as `\u0000` / `\udxxx` (the same string when it has none). */
export function escapeUnstorable(s: string): string {
	if (!s.includes('\u0000') && s.isWellFormed()) return s;
	return s.replace(UNSTORABLE, escapeOf);
}

/**
 * `encodeURIComponent` that does not throw on a lone surrogate: it is written as
 * `%uD800`, which nothing else produces (a literal `%` becomes `%25`).
 */
export function encodeKeyPart(part: string): string {
	if (part.isWellFormed()) return encodeURIComponent(part);
	return part
		.split(new RegExp(`(${LONE_SURROGATE.source})`))
		.map((piece, i) =>
			i % 2 === 1
				? `%u${piece.charCodeAt(0).toString(16).toUpperCase()}`
				: encodeURIComponent(piece)
		)
		.join('');
}

/**
 * Dedup keys longer than this (UTF-8 bytes) are stored hashed. The unique
 * (source, dedup_key) btree index holds at most about 2,700 bytes per entry;
 * run ids of many kilobytes do arrive.
 */
export const MAX_KEY_BYTES = 512;
const KEY_PREFIX_CHARS = 128;

/**
 * The dedup key as stored: as is when it is short and storable, else a readable
 * prefix plus the SHA-256 of the exact key (of its JSON form, so keys that differ
 * only by a NUL or a lone surrogate stay apart). The same key always maps to the
 * same stored key, so redeliveries still find their ticket.
 */
export function storableKey(key: string): { key: string; hashed: boolean } {
	const safe = escapeUnstorable(key);
	if (safe === key && Buffer.byteLength(key) <= MAX_KEY_BYTES) return { key, hashed: false };
	let prefix = safe.slice(0, KEY_PREFIX_CHARS);
	// Well-formed, so a cut can only leave the high half of a pair at the end.
	if (/[\ud800-\udbff]$/.test(prefix)) prefix = prefix.slice(0, -1);
	const digest = createHash('sha256').update(JSON.stringify(key)).digest('hex');
	return { key: `${prefix}…sha256:${digest}`, hashed: true };
}

/** What was changed to store a request: kept with its raw event (`webhook_events.sanitized`). */
export type SanitizeNote =
	/** NUL or lone surrogates in the stored body, escaped. */
	| 'body_escaped'
	/** The body was not valid UTF-8: invalid bytes stored as U+FFFD. */
	| 'body_invalid_utf8'
	/** The body could not be decoded (unsupported or corrupt Content-Encoding): stored as base64. */
	| 'body_base64'
	/** A ticket field held NUL or lone surrogates: the ticket keeps them escaped. */
	| 'ticket_escaped'
	/** The dedup key was too long or unstorable: the ticket's dedup_key is a prefix plus its SHA-256. */
	| 'dedup_key_hashed'
	/** The error details held unstorable characters, or were cut to a readable size. */
	| 'error_shortened';

const MAX_DEPTH = 64;

/** Escapes strings (and object keys) and remembers which kinds of value it had to change. */
export class Sanitizer {
	readonly notes = new Set<SanitizeNote>();

	text(s: string, note: SanitizeNote): string {
		const safe = escapeUnstorable(s);
		if (safe !== s) this.notes.add(note);
		return safe;
	}

	nullable(s: string | null, note: SanitizeNote): string | null {
		return s === null ? null : this.text(s, note);
	}

	/** A JSON-able value for a jsonb column, every string and key escaped. */
	json<T>(value: T, note: SanitizeNote, depth = 0): T {
		if (typeof value === 'string') return this.text(value, note) as T;
		if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
		if (Array.isArray(value)) return value.map((v) => this.json(v, note, depth + 1)) as T;
		if (value instanceof Date) return value;
		const out: Record<string, unknown> = {};
		for (const [k, v] of Object.entries(value))
			out[this.text(k, note)] = this.json(v, note, depth + 1);
		return out as T;
	}

	list(): SanitizeNote[] {
		return [...this.notes].sort();
	}
}
