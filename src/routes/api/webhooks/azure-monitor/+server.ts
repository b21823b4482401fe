import type { RequestHandler } from './$types';
import { handleWebhook } from '#lib/server/http/webhooks.ts';
import { runtime } from '#lib/server/runtime.ts';

export const POST: RequestHandler = ({ request, locals }) =>
	handleWebhook(runtime(), 'azure-monitor', request, locals.requestId);
