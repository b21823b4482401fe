import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuthLimits, Gate } from '../auth/limits.ts';
import { createSession, invalidateSession, SESSION_COOKIE } from '../auth/sessions.ts';
import type { User } from '../auth/entities.ts';
import { checkCredentials, checkSignup, signUp, SignupError } from '../auth/users.ts';
import { jsonError } from '../errors.ts';
import { log } from '../log.ts';
import { setSessionCookie } from './session-cookie.ts';

/**
 * Only same-site paths: `next=//evil.example` must not become an open redirect, and
 * nothing a browser or SvelteKit reads differently from us (control characters, tabs and
 * newlines that browsers drop from URLs, backslashes they read as slashes) gets through.
 */
export function safeNext(next: string | null): string {
	if (!next || next.length > 2000 || !next.startsWith('/')) return '/';
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u001f\u007f\\]/.test(next) || next.startsWith('//')) return '/';
	try {
		const url = new URL(next, 'http://x');
		if (url.origin !== 'http://x' || url.pathname.startsWith('//')) return '/';
		return url.pathname + url.search + url.hash;
	} catch {
		return '/';
	}
}

const text = (f: FormData, k: string) => String(f.get(k) ?? '').trim();

export const NEUTRAL_SIGNUP =
	'If this e-mail address can have an account, it is ready: sign in with it. ' +
	'If the address already had an account, sign in with that account’s password.';

const minutes = (s: number) => Math.max(1, Math.ceil(s / 60));
const limitedMessage = (what: string, retryAfterS: number) =>
	`Too many ${what}. Try again in ${minutes(retryAfterS)} minute${minutes(retryAfterS) === 1 ? '' : 's'}.`;

/** 429 in the API's error shape, with Retry-After. */
export function limitedResponse(what: string, retryAfterS: number): Response {
	const res = jsonError(429, 'too_many_attempts', limitedMessage(what, retryAfterS));
	res.headers.set('retry-after', String(retryAfterS));
	return res;
}

export interface AuthDeps {
	em: EntityManager;
	limits: AuthLimits;
	allowedDomains: string[];
}

export type LoginOutcome =
	| { kind: 'limited'; retryAfterS: number }
	| { kind: 'wrong' }
	| { kind: 'ok'; user: User; session: { token: string; expiresAt: Date } };

/**
 * Sign-in, shared by the form and the API: the attempt is counted before any password is
 * hashed, so a limited request costs one database round trip, never an Argon2 hash.
 */
export async function attemptLogin(
	deps: Pick<AuthDeps, 'em' | 'limits'>,
	email: string,
	password: string,
	ip: string
): Promise<LoginOutcome> {
	const gate = await deps.limits.login(email, ip);
	if (!gate.ok) return { kind: 'limited', retryAfterS: gate.retryAfterS };
	const user = await checkCredentials(deps.em, email, password);
	if (!user) return { kind: 'wrong' };
	await deps.limits.loginSucceeded(email, ip);
	return { kind: 'ok', user, session: await createSession(deps.em, user.id) };
}

export type SignupOutcome = { kind: 'limited'; retryAfterS: number } | { kind: 'accepted' };

/**
 * Self-service sign-up, shared by the form and the API. Refusals that say nothing about
 * who has an account (domain, password rules) throw SignupError before anything is
 * counted or hashed; then one answer whether or not the address was free.
 */
export async function attemptSignup(
	deps: AuthDeps,
	input: { email: string; name: string; password: string },
	ip: string
): Promise<SignupOutcome> {
	checkSignup(input, deps.allowedDomains);
	const gate: Gate = await deps.limits.signup(input.email, ip);
	if (!gate.ok) return { kind: 'limited', retryAfterS: gate.retryAfterS };
	const { created } = await signUp(deps.em, input, deps.allowedDomains);
	if (created) log.info({ userId: created.id }, 'account created by sign-up');
	else log.info('sign-up for an e-mail that already has an account: answered as usual');
	return { kind: 'accepted' };
}

export async function loginAction(event: RequestEvent, deps: Pick<AuthDeps, 'em' | 'limits'>) {
	const form = await event.request.formData();
	const email = text(form, 'email');
	const password = String(form.get('password') ?? '');
	if (!email || !password) return fail(400, { email, error: 'Enter your e-mail and password.' });
	if (email.length > 320 || password.length > 1000)
		return fail(400, { email: '', error: 'E-mail or password is wrong.' });
	const outcome = await attemptLogin(deps, email, password, event.getClientAddress());
	if (outcome.kind === 'limited') {
		event.setHeaders({ 'retry-after': String(outcome.retryAfterS) });
		return fail(429, { email, error: limitedMessage('sign-in attempts', outcome.retryAfterS) });
	}
	if (outcome.kind === 'wrong') return fail(400, { email, error: 'E-mail or password is wrong.' });
	setSessionCookie(event, outcome.session.token, outcome.session.expiresAt);
	redirect(303, safeNext(event.url.searchParams.get('next')));
}

export async function signupAction(event: RequestEvent, deps: AuthDeps) {
	const form = await event.request.formData();
	const email = text(form, 'email');
	const name = text(form, 'name');
	const password = String(form.get('password') ?? '');
	try {
		const outcome = await attemptSignup(deps, { email, name, password }, event.getClientAddress());
		if (outcome.kind === 'limited') {
			event.setHeaders({ 'retry-after': String(outcome.retryAfterS) });
			return fail(429, {
				email,
				name,
				field: 'email' as const,
				error: limitedMessage('sign-up attempts', outcome.retryAfterS)
			});
		}
	} catch (err) {
		if (err instanceof SignupError)
			return fail(400, { email, name, field: err.field, error: err.message });
		throw err;
	}
	redirect(303, '/login?signed_up=1');
}

export async function logoutAction(event: RequestEvent, em: EntityManager) {
	if (event.locals.sessionToken) await invalidateSession(em, event.locals.sessionToken);
	event.cookies.delete(SESSION_COOKIE, { path: '/' });
	redirect(303, '/login');
}
