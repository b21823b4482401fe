import type { RequestHandler } from './$types';
import { setSessionCookie } from '#lib/server/http/session-cookie.ts';
import { createSession } from '#lib/server/auth/sessions.ts';
import { checkCredentials, LoginBody } from '#lib/server/auth/users.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { ApiError } from '#lib/server/errors.ts';
import { runtime } from '#lib/server/runtime.ts';

export const POST: RequestHandler = async (event) => {
	const { email, password } = await parseJson(event.request, LoginBody);
	const em = runtime().em();
	const user = await checkCredentials(em, email, password);
	if (!user) throw new ApiError(401, 'invalid_credentials', 'E-mail or password is wrong');
	const session = await createSession(em, user.id);
	setSessionCookie(event, session.token, session.expiresAt);
	return Response.json({
		user: { id: user.id, email: user.email, name: user.name, role: user.role }
	});
};
