import type { RequestHandler } from './$types';
import { RoleBody, setUserRole } from '#lib/server/auth/users.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { runtime } from '#lib/server/runtime.ts';

export const PATCH: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	const { role } = await parseJson(event.request, RoleBody);
	return Response.json(await setUserRole(runtime().em(), event.params.id, role));
};
