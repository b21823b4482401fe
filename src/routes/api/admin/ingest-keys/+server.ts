import type { RequestHandler } from './$types';
import { createKey, IngestKeyBody } from '#lib/server/auth/ingest-keys.ts';
import { listIngestKeys } from '#lib/server/auth/ingest-keys.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	return Response.json({ keys: await listIngestKeys(runtime().em()) });
};

export const POST: RequestHandler = async (event) => {
	const user = requireUser(event, 'admin');
	const { name } = await parseJson(event.request, IngestKeyBody);
	return Response.json(await createKey(runtime().em(), name, user.id), { status: 201 });
};
