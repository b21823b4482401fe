import type { RequestHandler } from './$types';
import { revokeKey } from '#lib/server/auth/ingest-keys.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { runtime } from '#lib/server/runtime.ts';

export const DELETE: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	await revokeKey(runtime().em(), event.params.id);
	return new Response(null, { status: 204 });
};
