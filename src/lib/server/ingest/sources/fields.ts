import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FieldError, ParseResult } from '../types.ts';

/** Building blocks shared by the source parsers: field schemas and error shaping. */

export function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function describeType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** `['data', 'allOf', 0, 'x']` → `data.allOf[0].x`, the path a sender can look up in its body. */
export function fieldPath(path: readonly PropertyKey[], prefix = ''): string {
	let out = prefix;
	for (const key of path) {
		if (typeof key === 'number') out += `[${key}]`;
		else out += out === '' ? String(key) : `.${String(key)}`;
	}
	return out === '' ? '(body)' : out;
}

export function zodFieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
	return error.issues.map((issue) => ({
		field: fieldPath(issue.path, prefix),
		message: issue.message
	}));
}

export function fail(field: string, message: string): ParseResult {
	return { ok: false, errors: [{ field, message }] };
}

export function notAnObject(body: unknown): ParseResult {
	return fail('(body)', `must be a JSON object, got ${describeType(body)}`);
}

function typeError(expected: string) {
	return (issue: { input?: unknown }) =>
		issue.input === undefined
			? 'is required'
			: `must be ${expected}, got ${describeType(issue.input)}`;
}

/** A required string, trimmed; blank counts as missing. */
export const text = z
	.string({ error: typeError('a string') })
	.trim()
	.min(1, { error: 'must not be empty' });

/** An optional string, trimmed; absent, null and blank all become null. */
export const optionalText = z
	.string({ error: typeError('a string') })
	.trim()
	.nullish()
	.transform((value) => (value ? value : null));

export function object<T extends z.core.$ZodLooseShape>(shape: T) {
	return z.looseObject(shape, { error: typeError('an object') });
}

export function array<T extends z.ZodType>(item: T) {
	return z.array(item, { error: typeError('an array') });
}

/** An attempt number as senders write it: 3 or "3", from 1. */
export const attemptCount = z
	.union([z.number(), z.string()], { error: typeError('a whole number') })
	.transform((value, ctx) => {
		const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
		if (!Number.isSafeInteger(n) || n < 1) {
			ctx.issues.push({ code: 'custom', message: 'must be a whole number ≥ 1', input: value });
			return z.NEVER;
		}
		return n;
	});

/** ISO 8601 with a zone (Z or ±hh:mm); any number of fraction digits, as Azure sends seven. */
export const isoDateTime = z
	.string({ error: typeError('a string') })
	.trim()
	.pipe(
		z.iso.datetime({
			offset: true,
			error: 'must be an ISO 8601 date-time with a zone, e.g. 2026-10-14T05:12:33Z'
		})
	)
	.transform((value) => new Date(value));

/** Only http(s): links end up as hrefs in the console, so `javascript:` must never get through. */
export const httpUrl = z.url({
	protocol: /^https?$/,
	error: 'must be an http(s) URL'
});

/** A link from a vendor payload, kept only when it is a usable http(s) URL. */
export function linkOrNull(value: unknown): string | null {
	return httpUrl.safeParse(value).success ? (value as string) : null;
}

const FACTORY_ID = /\/providers\/microsoft\.datafactory\/factories\/([^/]+)/i;

/**
 * The factory name in an Azure resource id (`…/providers/Microsoft.DataFactory/factories/<name>`).
 * Lower-cased: Azure sends the same id lower-case in alertTargetIDs but upper-case in
 * ADFPipelineRun.ResourceId, and one factory should get one name whatever the alert type.
 */
export function factoryFromResourceId(resourceId: string | null | undefined): string | null {
	const name = resourceId ? FACTORY_ID.exec(resourceId)?.[1] : undefined;
	return name ? name.toLowerCase() : null;
}

/** A stable key from parts; JSON keeps `a|b` + `c` apart from `a` + `b|c`. */
export function contentHash(parts: readonly string[]): string {
	return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * Bodies written by hand (a Logic App's HTTP action, an ADF Web activity, a scheduler's
 * callback) name the same field differently from team to team. A table gives each field the
 * names it is known by, its schema name first; letter case and surrounding spaces in the body's
 * keys are ignored.
 */
export type AliasTable = Readonly<Record<string, readonly string[]>>;

export interface AliasedBody {
	/** The body's values under each field's schema name, for the schema to parse. */
	view: Record<string, unknown>;
	/** The key each field was read from, as the sender spelled it (for error paths). */
	keys: Record<string, string>;
}

/** A value is present unless absent or null. */
export const present = (value: unknown): boolean => value !== undefined && value !== null;
const usable = (value: unknown) =>
	present(value) && !(typeof value === 'string' && value.trim() === '');

/** The body's keys by their lower-case, trimmed spelling, in body order. */
export type KeyIndex = Map<string, string[]>;

export function keyIndex(body: Record<string, unknown>): KeyIndex {
	const index: KeyIndex = new Map();
	for (const key of Object.keys(body)) {
		const folded = key.trim().toLowerCase();
		const same = index.get(folded);
		if (same) same.push(key);
		else index.set(folded, [key]);
	}
	return index;
}

/**
 * The key of `body` that holds the field known by `names`: aliases in order, the exact spelling
 * before other letter cases; the first with a usable value (not blank) wins, else the first
 * present, so a blank or mistyped value is still reported under the sender's own key.
 */
export function aliasKey(
	body: Record<string, unknown>,
	names: readonly string[],
	index: KeyIndex = keyIndex(body)
): string | null {
	const candidates: string[] = [];
	for (const name of names) {
		if (Object.hasOwn(body, name)) candidates.push(name);
		for (const key of index.get(name.toLowerCase()) ?? []) if (key !== name) candidates.push(key);
	}
	return (
		candidates.find((key) => usable(body[key])) ??
		candidates.find((key) => present(body[key])) ??
		candidates[0] ??
		null
	);
}

export function readAliased(body: Record<string, unknown>, table: AliasTable): AliasedBody {
	const index = keyIndex(body);
	const view: Record<string, unknown> = {};
	const keys: Record<string, string> = {};
	for (const [field, names] of Object.entries(table)) {
		const key = aliasKey(body, names, index);
		if (key === null) continue;
		view[field] = body[key];
		keys[field] = key;
	}
	return { view, keys };
}

/** The names a field is looked for by, once each whatever the letter case. */
export function aliasList(names: readonly string[]): string[] {
	const seen = new Set<string>();
	return names.filter((name) => {
		const key = name.toLowerCase();
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/**
 * Schema errors of an aliased view, told in the sender's terms: a field is named by the key it
 * was read from, and a missing one by its schema name with every alias looked for.
 */
export function aliasedFieldErrors(
	error: z.ZodError,
	table: AliasTable,
	keys: Record<string, string>
): FieldError[] {
	return error.issues.map((issue) => {
		const [head, ...rest] = issue.path;
		const names = typeof head === 'string' ? table[head] : undefined;
		if (typeof head !== 'string' || !names)
			return { field: fieldPath(issue.path), message: issue.message };
		const sent = keys[head];
		const field = fieldPath(rest, sent ?? head);
		const aliases = aliasList(names);
		const missing = !sent && rest.length === 0 && issue.message === 'is required';
		return {
			field,
			message:
				missing && aliases.length > 1
					? `is required (looked for ${aliases.join(', ')}; letter case ignored)`
					: issue.message
		};
	});
}
