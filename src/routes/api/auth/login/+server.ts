import type { RequestHandler } from './$types';
import { setSessionCookie } from '#lib/server/http/session-cookie.ts';
import { LoginBody } from '#lib/server/auth/users.ts';
import { attemptLogin, limitedResponse } from '#lib/server/http/auth-forms.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { ApiError } from '#lib/server/errors.ts';
import { runtime } from '#lib/server/runtime.ts';

/** Rate-limited per address and per account (429 with Retry-After, before any hashing). */
export const POST: RequestHandler = async (event) => {
	const { email, password } = await parseJson(event.request, LoginBody);
	const rt = runtime();
	const outcome = await attemptLogin(
		{ em: rt.em(), limits: rt.limits },
		email,
		password,
		event.getClientAddress()
	);
	if (outcome.kind === 'limited') return limitedResponse('sign-in attempts', outcome.retryAfterS);
	if (outcome.kind === 'wrong')
		throw new ApiError(401, 'invalid_credentials', 'E-mail or password is wrong');
	const { user, session } = outcome;
	setSessionCookie(event, session.token, session.expiresAt);
	return Response.json({
		user: { id: user.id, email: user.email, name: user.name, role: user.role }
	});
};
