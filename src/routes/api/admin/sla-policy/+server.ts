import type { RequestHandler } from './$types';
import { getSlaPolicy, SlaPolicyBody, updateSlaPolicy } from '#lib/server/routing/sla-policy.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	return Response.json(await getSlaPolicy(runtime().em()));
};

export const PUT: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	const policy = await parseJson(event.request, SlaPolicyBody);
	return Response.json(await updateSlaPolicy(runtime().em(), policy));
};
