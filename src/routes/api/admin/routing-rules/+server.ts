import type { RequestHandler } from './$types';
import { createRule, listRules, RuleCreateBody } from '#lib/server/routing/rules.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	return Response.json({ rules: await listRules(runtime().em()) });
};

export const POST: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	const input = await parseJson(event.request, RuleCreateBody);
	return Response.json(await createRule(runtime().em(), input), { status: 201 });
};
