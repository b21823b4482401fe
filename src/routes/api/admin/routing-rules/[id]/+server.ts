import type { RequestHandler } from './$types';
import { deleteRule, RuleUpdateBody, updateRule } from '#lib/server/routing/rules.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { runtime } from '#lib/server/runtime.ts';

export const PUT: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	const input = await parseJson(event.request, RuleUpdateBody);
	return Response.json(await updateRule(runtime().em(), event.params.id, input));
};

export const DELETE: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	await deleteRule(runtime().em(), event.params.id);
	return new Response(null, { status: 204 });
};
