import type { RequestHandler } from './$types';
import { requireUser } from '#lib/server/http/auth.ts';
import { pollState } from '#lib/server/jira/poll.ts';
import { runtime } from '#lib/server/runtime.ts';

/** Where polling Jira stands: watermark, last poll and its outcome, next poll. */
export const GET: RequestHandler = async (event) => {
	requireUser(event, 'admin');
	return Response.json({ poll: await pollState(runtime().pool) });
};
