import type { RequestHandler } from './$types';
import { revokeApiToken } from '#lib/server/auth/sessions.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { ApiError } from '#lib/server/errors.ts';
import { runtime } from '#lib/server/runtime.ts';

export const DELETE: RequestHandler = async (event) => {
	const user = requireUser(event);
	if (!/^[0-9a-f-]{36}$/i.test(event.params.id))
		throw new ApiError(400, 'invalid_id', 'Token id must be a UUID');
	if (!(await revokeApiToken(runtime().em(), user.id, event.params.id)))
		throw new ApiError(404, 'not_found', 'No active token with this id');
	return new Response(null, { status: 204 });
};
