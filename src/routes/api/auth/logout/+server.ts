import type { RequestHandler } from './$types';
import { SESSION_COOKIE, invalidateSession } from '#lib/server/auth/sessions.ts';
import { runtime } from '#lib/server/runtime.ts';

export const POST: RequestHandler = async ({ locals, cookies }) => {
	if (locals.sessionToken) await invalidateSession(runtime().em(), locals.sessionToken);
	cookies.delete(SESSION_COOKIE, { path: '/' });
	return new Response(null, { status: 204 });
};
