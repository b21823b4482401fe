import type { RequestHandler } from './$types';
import { requireUser } from '#lib/server/http/auth.ts';
import { parseJson } from '#lib/server/http/body.ts';
import {
	listConflicts,
	loadReconcileSettings,
	ReconcileSettingsInput,
	saveReconcileSettings
} from '#lib/server/jira/reconcile.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	const rt = runtime();
	const [settings, conflicts] = await Promise.all([
		loadReconcileSettings(rt.pool),
		listConflicts(rt.pool)
	]);
	return Response.json({ ...settings, conflicts });
};

export const PUT: RequestHandler = async (event) => {
	const user = requireUser(event, 'admin');
	const body = await parseJson(event.request, ReconcileSettingsInput);
	return Response.json(await saveReconcileSettings(runtime(), body, user.name));
};
