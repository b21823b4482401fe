import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serveSlackEvents } from '../../src/lib/server/http/slack-events.ts';
import { serveRoute } from './route-server.ts';
import type { SlackEventsHandler } from '../../src/lib/server/slack/listener.ts';

/** Slack's side of POST /api/slack/events: signed, form-encoded interaction payloads. */

const CONTRACTS = new URL('./contracts/slack/', import.meta.url);

export interface Clicker {
	id: string;
	name: string;
}

let seq = 0;

/**
 * A click on one of an alert's buttons, in the shape of Slack's block_actions
 * payload (contracts/slack/block-actions.acknowledge.json), with a fresh
 * trigger id and action timestamp as every real click has.
 */
export function clickPayload(
	ticket: { id: string; slack_channel?: string | null; slack_ts?: string | null },
	actionId: string,
	user: Clicker,
	value: string = ticket.id
): Record<string, unknown> {
	const base = JSON.parse(
		readFileSync(new URL('block-actions.acknowledge.json', CONTRACTS), 'utf8')
	);
	const now = Date.now() / 1000;
	const channel = ticket.slack_channel ?? base.channel.id;
	const ts = ticket.slack_ts ?? base.container.message_ts;
	return {
		...base,
		user: { ...base.user, id: user.id, username: user.name, name: user.name },
		trigger_id: `${Math.floor(now * 1000)}${++seq}.2345678901.${randomBytes(16).toString('hex')}`,
		container: { ...base.container, channel_id: channel, message_ts: ts },
		channel: { ...base.channel, id: channel },
		message: { ...base.message, ts },
		actions: [
			{
				...base.actions[0],
				action_id: actionId,
				value,
				action_ts: `${Math.floor(now)}.${String(seq).padStart(6, '0')}`
			}
		]
	};
}

/** The body Slack posts: one form field `payload` holding the JSON. */
export const formBody = (payload: unknown): string =>
	`payload=${encodeURIComponent(JSON.stringify(payload))}`;

/** Slack's v0 signature headers for a body. */
export function signedHeaders(
	body: string,
	secret: string,
	opts: { timestamp?: number; retryNum?: number; contentType?: string } = {}
): Record<string, string> {
	const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
	const signature = 'v0=' + createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
	return {
		'content-type': opts.contentType ?? 'application/x-www-form-urlencoded',
		'x-slack-request-timestamp': ts,
		'x-slack-signature': signature,
		...(opts.retryNum
			? { 'x-slack-retry-num': String(opts.retryNum), 'x-slack-retry-reason': 'http_timeout' }
			: {})
	};
}

/**
 * A tiny HTTP server doing what the route /api/slack/events does: hand the
 * request to the runtime's Slack handler (read at each request, so a test can
 * take it away).
 */
export function startSlackEventsServer(handler: () => SlackEventsHandler | null) {
	return serveRoute('/api/slack/events', (request) => serveSlackEvents(handler(), request));
}
