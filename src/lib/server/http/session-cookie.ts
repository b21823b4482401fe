import type { Cookies } from '@sveltejs/kit';
import { SESSION_COOKIE } from '../auth/sessions.ts';

export function setSessionCookie(
	event: { cookies: Cookies; url: URL },
	token: string,
	expires: Date
): void {
	event.cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: event.url.protocol === 'https:',
		expires
	});
}
