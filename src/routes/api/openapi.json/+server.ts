import type { RequestHandler } from './$types';
import { requireUser } from '#lib/server/http/auth.ts';
import { openApiDocument } from '#lib/server/http/openapi.ts';

export const GET: RequestHandler = (event) => {
	requireUser(event);
	return Response.json(openApiDocument(event.url.origin));
};
