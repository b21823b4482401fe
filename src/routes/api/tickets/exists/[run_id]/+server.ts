import type { RequestHandler } from './$types';
import { handleExists } from '#lib/server/http/webhooks.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = ({ request, params }) =>
	handleExists(runtime(), request, params.run_id);
