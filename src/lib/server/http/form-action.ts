import { error, fail, redirect, type RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import type { Role } from '../auth/entities.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { requireUser } from './auth.ts';
import { ApiError } from '../errors.ts';

/**
 * What a form action answers when it refuses: which form (a page can hold several), a
 * sentence for the top of that form, and one message per field to show beside it.
 */
export interface FormProblem {
	form: string;
	message: string;
	errors: Record<string, string>;
	values?: Record<string, unknown>;
}

/** The API's role rule for pages and form actions: sign-in redirect, or a 403 error page. */
export function requirePageUser(event: Pick<RequestEvent, 'locals' | 'url'>, role: Role): AuthUser {
	if (!event.locals.user)
		redirect(303, `/login?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
	try {
		return requireUser(event as RequestEvent, role);
	} catch (err) {
		if (err instanceof ApiError) error(err.status, err.message);
		throw err;
	}
}

/** zod's wording for an absent value is about types; a person filling a form needs “required”. */
function humanMessage(issue: z.core.$ZodIssue): string {
	if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return 'required';
	return issue.message;
}

export function problem(
	form: string,
	status: number,
	message: string,
	details: unknown,
	values?: Record<string, unknown>
) {
	const errors: Record<string, string> = {};
	if (Array.isArray(details))
		for (const d of details as { field?: unknown; message?: unknown }[])
			if (typeof d?.field === 'string' && typeof d.message === 'string')
				errors[d.field] ??= d.message;
	// Field messages sit beside their fields; repeating “Invalid fields: x” above them is noise.
	const summary = Object.keys(errors).length > 0 ? 'Check the highlighted fields.' : message;
	return fail(status, { form, message: summary, errors, values } satisfies FormProblem);
}

/** Validates form input with the same zod schema as the JSON API. */
export function parseForm<S extends z.ZodType>(
	form: string,
	schema: S,
	input: unknown,
	values?: Record<string, unknown>
): { ok: true; data: z.output<S> } | { ok: false; failure: ReturnType<typeof problem> } {
	const r = schema.safeParse(input);
	if (r.success) return { ok: true, data: r.data };
	const details = r.error.issues.map((i) => ({
		field: i.path.join('.') || 'form',
		message: humanMessage(i)
	}));
	return {
		ok: false,
		failure: problem(form, 400, 'Check the highlighted fields.', details, values)
	};
}

/**
 * Runs a service call for a form: its ApiError (400 naming fields, 404, 409) becomes a
 * failure the page shows; anything else is a real fault and propagates.
 */
export async function attempt<T>(
	form: string,
	fn: () => Promise<T>,
	values?: Record<string, unknown>
): Promise<{ ok: true; value: T } | { ok: false; failure: ReturnType<typeof problem> }> {
	try {
		return { ok: true, value: await fn() };
	} catch (err) {
		if (!(err instanceof ApiError)) throw err;
		return { ok: false, failure: problem(form, err.status, err.message, err.details, values) };
	}
}

/** A text field as typed, trimmed; absent = ''. */
export const field = (f: FormData, name: string): string => String(f.get(name) ?? '').trim();
