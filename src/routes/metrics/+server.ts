import type { RequestHandler } from './$types';
import { registry } from '#lib/server/metrics.ts';

export const GET: RequestHandler = async () =>
	new Response(await registry.metrics(), { headers: { 'content-type': registry.contentType } });
