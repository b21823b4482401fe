import type { RequestHandler } from './$types';
import {
	connectionKind,
	CONNECTION_BODIES,
	saveConnectionSettings
} from '#lib/server/connections/settings.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { runtime } from '#lib/server/runtime.ts';

export const PUT: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	const kind = connectionKind(event.params.kind);
	const body = await parseJson(event.request, CONNECTION_BODIES[kind]);
	return Response.json(await saveConnectionSettings(runtime(), kind, body));
};
