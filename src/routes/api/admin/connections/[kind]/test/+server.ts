import type { RequestHandler } from './$types';
import { testConnection } from '#lib/server/integrations/connection-test.ts';
import { connectionKind } from '#lib/server/connections/settings.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { runtime } from '#lib/server/runtime.ts';

export const POST: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	return Response.json(await testConnection(runtime(), connectionKind(event.params.kind)));
};
