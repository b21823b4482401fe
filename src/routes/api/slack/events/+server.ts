import type { RequestHandler } from './$types';
import { serveSlackEvents } from '#lib/server/http/slack-events.ts';
import { runtime } from '#lib/server/runtime.ts';

/** Every method reaches the listener, which answers 405 for anything but POST. */
export const fallback: RequestHandler = ({ request }) =>
	serveSlackEvents(runtime().slackEvents, request);
