import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createSession, invalidateSession, SESSION_COOKIE } from '../auth/sessions.ts';
import { checkCredentials, createUser, SignupError } from '../auth/users.ts';
import { setSessionCookie } from './session-cookie.ts';

/** Only same-site paths: `next=//evil.example` must not become an open redirect. */
export function safeNext(next: string | null): string {
	return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
		? next
		: '/';
}

const text = (f: FormData, k: string) => String(f.get(k) ?? '').trim();

export async function loginAction(event: RequestEvent, em: EntityManager) {
	const form = await event.request.formData();
	const email = text(form, 'email');
	const password = String(form.get('password') ?? '');
	if (!email || !password) return fail(400, { email, error: 'Enter your e-mail and password.' });
	const user = await checkCredentials(em, email, password);
	if (!user) return fail(400, { email, error: 'E-mail or password is wrong.' });
	const session = await createSession(em, user.id);
	setSessionCookie(event, session.token, session.expiresAt);
	redirect(303, safeNext(event.url.searchParams.get('next')));
}

export async function signupAction(
	event: RequestEvent,
	deps: { em: EntityManager; allowedDomains: string[] }
) {
	const form = await event.request.formData();
	const email = text(form, 'email');
	const name = text(form, 'name');
	const password = String(form.get('password') ?? '');
	const { em } = deps;
	try {
		const user = await createUser(
			em,
			{ email, name, password, role: 'responder' },
			deps.allowedDomains
		);
		const session = await createSession(em, user.id);
		setSessionCookie(event, session.token, session.expiresAt);
	} catch (err) {
		if (err instanceof SignupError)
			return fail(400, { email, name, field: err.field, error: err.message });
		throw err;
	}
	redirect(303, '/');
}

export async function logoutAction(event: RequestEvent, em: EntityManager) {
	if (event.locals.sessionToken) await invalidateSession(em, event.locals.sessionToken);
	event.cookies.delete(SESSION_COOKIE, { path: '/' });
	redirect(303, '/login');
}
