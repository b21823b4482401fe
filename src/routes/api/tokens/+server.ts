import type { RequestHandler } from './$types';
import { ApiTokenBody, createApiToken, listApiTokens } from '#lib/server/auth/sessions.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = async (event) => {
	const user = requireUser(event);
	return Response.json({ tokens: await listApiTokens(runtime().em(), user.id) });
};

/** The token is in this answer only; Vigil keeps its SHA-256. */
export const POST: RequestHandler = async (event) => {
	const user = requireUser(event);
	const { name } = await parseJson(event.request, ApiTokenBody);
	const created = await createApiToken(runtime().em(), user.id, name);
	return Response.json({ id: created.id, name, token: created.token }, { status: 201 });
};
