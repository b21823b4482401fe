import type { RequestHandler } from './$types';
import { requireUser } from '#lib/server/http/auth.ts';
import { parseJson } from '#lib/server/http/body.ts';
import { conflictId, ConflictDecision, resolveConflict } from '#lib/server/jira/reconcile.ts';
import { runtime } from '#lib/server/runtime.ts';

/** One click on a manual conflict: the side that wins. */
export const POST: RequestHandler = async (event) => {
	const user = requireUser(event, 'admin');
	const id = conflictId(event.params.id);
	const { side } = await parseJson(event.request, ConflictDecision);
	const rt = runtime();
	return Response.json(
		await resolveConflict({ pool: rt.pool, jira: rt.jira }, id, side, user.name)
	);
};
