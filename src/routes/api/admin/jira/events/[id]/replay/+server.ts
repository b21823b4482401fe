import type { RequestHandler } from './$types';
import { actorOf, requireUser } from '#lib/server/http/auth.ts';
import { actOnEvent, eventId } from '#lib/server/jira/events.ts';
import { runtime } from '#lib/server/runtime.ts';

export const POST: RequestHandler = async (event) => {
	const user = requireUser(event, 'admin');
	const rt = runtime();
	const done = await actOnEvent(rt, eventId(event.params.id), 'replay', actorOf(event, user));
	return Response.json(done);
};
