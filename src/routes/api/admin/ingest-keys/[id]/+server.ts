import type { RequestHandler } from './$types';
import { IngestKeyLimitBody, revokeKey, setKeyRateLimit } from '#lib/server/auth/ingest-keys.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { runtime } from '#lib/server/runtime.ts';

export const DELETE: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	await revokeKey(runtime().em(), event.params.id);
	return new Response(null, { status: 204 });
};

export const PATCH: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	const { rate_limit } = await parseJson(event.request, IngestKeyLimitBody);
	return Response.json(await setKeyRateLimit(runtime().em(), event.params.id, rate_limit));
};
