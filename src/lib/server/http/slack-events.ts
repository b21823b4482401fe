import { jsonError } from '../errors.ts';
import type { SlackEventsHandler } from '../slack/listener.ts';

/**
 * POST /api/slack/events. Slack's interactivity requests are signed form posts
 * from Slack's servers; the Slack listener verifies the signature itself. When
 * the runtime runs without the Slack integration, Slack is told so (503).
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
