import type { RequestHandler } from './$types';
import {
	getRecoverySettings,
	RecoverySettingsBody,
	updateRecoverySettings
} from '#lib/server/recovery/settings.ts';
import { requireUser } from '#lib/server/http/auth.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { runtime } from '#lib/server/runtime.ts';

export const GET: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	return Response.json({ recovery: await getRecoverySettings(runtime().pool) });
};

export const PUT: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	const change = await parseJson(event.request, RecoverySettingsBody);
	return Response.json({ recovery: await updateRecoverySettings(runtime().pool, change) });
};
