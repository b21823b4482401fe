import type { RequestHandler } from './$types';
import { SignupBody, SignupError } from '#lib/server/auth/users.ts';
import { attemptSignup, limitedResponse, NEUTRAL_SIGNUP } from '#lib/server/http/auth-forms.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { ApiError } from '#lib/server/errors.ts';
import { runtime } from '#lib/server/runtime.ts';

/**
 * New accounts start as responders: they can acknowledge, not administer. The answer is
 * the same 202 whether or not the address already had an account (no session is started
 * either way: sign in next), so sign-up does not tell who has an account.
 */
export const POST: RequestHandler = async (event) => {
	const input = await parseJson(event.request, SignupBody);
	const rt = runtime();
	try {
		const outcome = await attemptSignup(
			{ em: rt.em(), limits: rt.limits, allowedDomains: rt.config.ALLOWED_EMAIL_DOMAINS },
			input,
			event.getClientAddress()
		);
		if (outcome.kind === 'limited') return limitedResponse('sign-up attempts', outcome.retryAfterS);
		return Response.json({ status: 'accepted', message: NEUTRAL_SIGNUP }, { status: 202 });
	} catch (err) {
		if (err instanceof SignupError)
			throw new ApiError(400, 'signup_refused', err.message, [
				{ field: err.field, message: err.message }
			]);
		throw err;
	}
};
