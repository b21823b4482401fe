import type { RequestHandler } from './$types';
import { requireUser } from '#lib/server/http/auth.ts';
import { parseJson } from '#lib/server/http/body.ts';
import {
	GroupingBody,
	groupingSettings,
	updateGroupingSettings
} from '#lib/server/incidents/settings.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	return Response.json(await groupingSettings(runtime().pool, true));
};

export const PUT: RequestHandler = async (event) => {
	const user = requireUser(event, 'admin');
	const body = await parseJson(event.request, GroupingBody);
	return Response.json(await updateGroupingSettings(runtime().pool, body, user.email));
};
