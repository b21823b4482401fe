import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Slack's interactivity requests are form posts from Slack's servers, which
 * SvelteKit's CSRF check would refuse, so the custom server (and the dev
 * plugin) hand `POST /api/slack/events` to a plain Node request listener. The
 * listener lives in the SvelteKit bundle (it needs the database and pg-boss);
 * it crosses the two module graphs through this slot on globalThis, like the
 * Socket.IO server does in realtime/seam.ts.
 */
export const SLACK_EVENTS_PATH = '/api/slack/events';

export type SlackRequestListener = (req: IncomingMessage, res: ServerResponse) => void;

const SLOT = Symbol.for('vigil.slack-listener');

type Slot = { listener?: SlackRequestListener };

function slot(): Slot {
	const g = globalThis as unknown as Record<symbol, Slot | undefined>;
	return (g[SLOT] ??= {});
}

/** Registers the listener; null removes it (only if it is still the one given). */
export function publishSlackListener(
	listener: SlackRequestListener | null,
	previous?: SlackRequestListener
): void {
	const s = slot();
	if (listener) s.listener = listener;
	else if (!previous || s.listener === previous) s.listener = undefined;
}

export function slackListener(): SlackRequestListener | undefined {
	return slot().listener;
}

export function isSlackEventsRequest(req: IncomingMessage): boolean {
	return (req.url ?? '').split('?')[0] === SLACK_EVENTS_PATH;
}

/** What the custom server calls for SLACK_EVENTS_PATH: the registered listener, else 503. */
export function serveSlackEvents(req: IncomingMessage, res: ServerResponse): void {
	const listener = slackListener();
	if (listener) return listener(req, res);
	req.resume();
	res.writeHead(503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(
		JSON.stringify({
			error: {
				code: 'slack_not_configured',
				message: 'The Slack integration is not running on this server'
			}
		})
	);
}
