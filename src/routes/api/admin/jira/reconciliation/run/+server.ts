import type { RequestHandler } from './$types';
import { requireUser } from '#lib/server/http/auth.ts';
import { requestReconciliation } from '#lib/server/jira/reconcile.ts';
import { runtime } from '#lib/server/runtime.ts';

export const POST: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	const queued = await requestReconciliation(runtime().boss);
	return Response.json({ queued }, { status: 202 });
};
