import type { RequestHandler } from './$types';
import { listUsers } from '#lib/server/auth/users.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	return Response.json({ users: await listUsers(runtime().em()) });
};
