import type { RequestHandler } from './$types';
import { getPreferences, PreferencesBody, savePreferences } from '#lib/server/auth/preferences.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { runtime } from '#lib/server/runtime.ts';

/** The signed-in person's own settings (the board's layout), the same on every browser. */
export const GET: RequestHandler = async (event) => {
	const user = requireUser(event);
	return Response.json(await getPreferences(runtime().pool, user.id));
};

export const PUT: RequestHandler = async (event) => {
	const user = requireUser(event);
	const change = await parseJson(event.request, PreferencesBody);
	return Response.json(await savePreferences(runtime().pool, user.id, change));
};
