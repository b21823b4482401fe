import { jsonError } from '../errors.ts';
import type { SlackEventsHandler } from '../slack/listener.ts';

/**
 * /api/slack/events, every method (the listener answers 405 to all but POST).
 * Slack's requests come from Slack's servers with no session: the listener
 * verifies their signature itself. Before the runtime has started the Slack
 * integration there is no handler, and Slack is told so (503).
 */
export function serveSlackEvents(
	handler: SlackEventsHandler | null,
	request: Request
): Promise<Response> | Response {
	if (!handler)
		return jsonError(
			503,
			'slack_not_configured',
			'The Slack integration is not running on this server'
		);
	return handler(request);
}
