import type { RequestHandler } from './$types';
import { setSessionCookie } from '#lib/server/http/session-cookie.ts';
import { createSession } from '#lib/server/auth/sessions.ts';
import { SignupBody, SignupError, createUser } from '#lib/server/auth/users.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { ApiError } from '#lib/server/errors.ts';
import { runtime } from '#lib/server/runtime.ts';

/** New accounts start as responders: they can acknowledge, not administer. */
export const POST: RequestHandler = async (event) => {
	const input = await parseJson(event.request, SignupBody);
	const rt = runtime();
	const em = rt.em();
	try {
		const user = await createUser(
			em,
			{ ...input, role: 'responder' },
			rt.config.ALLOWED_EMAIL_DOMAINS
		);
		const session = await createSession(em, user.id);
		setSessionCookie(event, session.token, session.expiresAt);
		return Response.json(
			{ user: { id: user.id, email: user.email, name: user.name, role: user.role } },
			{ status: 201 }
		);
	} catch (err) {
		if (err instanceof SignupError)
			throw new ApiError(
				err.message.includes('already exists') ? 409 : 400,
				'signup_refused',
				err.message,
				[{ field: err.field, message: err.message }]
			);
		throw err;
	}
};
