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
