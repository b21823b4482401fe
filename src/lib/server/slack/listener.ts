import { readLimited } from '../read-limited.ts';
import { log } from '../log.ts';
import { metrics } from '../metrics.ts';
import type { SlackLookup } from './connection.ts';
import { parseSlackBody } from './payload.ts';
import { verifySlackRequest, type VerifyFailure } from './verify.ts';

/** Slack's payloads are a few KiB; anything near this is not from Slack. */
export const MAX_SLACK_BODY_BYTES = 256 * 1024;

const REFUSALS: Record<VerifyFailure, { code: string; message: string }> = {
	missing_signature: {
		code: 'invalid_signature',
		message: 'Missing X-Slack-Signature or X-Slack-Request-Timestamp'
	},
	bad_signature: { code: 'invalid_signature', message: 'The request signature does not match' },
	stale_timestamp: {
		code: 'stale_request',
		message: 'X-Slack-Request-Timestamp is more than 5 minutes from now: replays are refused'
	}
};

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
	return Response.json(body, {
		status,
		headers: { 'cache-control': 'no-store', ...headers }
	});
}

const error = (code: string, message: string) => ({ error: { code, message } });

const header = (req: Request, name: string): string | undefined =>
	req.headers.get(name) ?? undefined;

/**
 * POST /api/slack/events: verify the signature → parse → hand to Bolt, whose
 * action listener records the click and enqueues its job, then ack with 200.
 * Slack waits 3 seconds for the ack; all Slack API calls happen in the job.
 */
export type SlackEventsHandler = (request: Request) => Promise<Response>;

export function createSlackListener(deps: {
	slack: SlackLookup;
	now?: () => number;
}): SlackEventsHandler {
	return async (request) => {
		try {
			return await handle(deps, request);
		} catch (err) {
			log.error({ err }, 'Slack request failed');
			// A 5xx makes Slack retry the delivery; the retry is deduplicated if we got far enough.
			return json(500, error('internal', 'Vigil could not process this Slack request'));
		}
	};
}

async function handle(
	deps: { slack: SlackLookup; now?: () => number },
	req: Request
): Promise<Response> {
	if (req.method !== 'POST')
		return json(405, error('method_not_allowed', 'Slack posts to this URL'), { allow: 'POST' });
	const slack = await deps.slack();
	if (!slack) {
		metrics.webhooks.inc({ endpoint: 'slack', outcome: 'not_configured' });
		return json(503, error('slack_not_configured', 'The Slack connection is not configured'));
	}
	const body = await readLimited(req, MAX_SLACK_BODY_BYTES);
	if ('tooLarge' in body) {
		metrics.webhooks.inc({ endpoint: 'slack', outcome: 'too_large' });
		return json(413, error('payload_too_large', 'Body exceeds 256 KiB'), {
			connection: 'close'
		});
	}
	const raw = body.text;
	const retryNum = Number(header(req, 'x-slack-retry-num')) || undefined;
	const verdict = verifySlackRequest(
		slack.settings.signingSecret,
		{
			timestamp: header(req, 'x-slack-request-timestamp'),
			signature: header(req, 'x-slack-signature'),
			rawBody: raw
		},
		deps.now?.() ?? Date.now()
	);
	if (!verdict.ok) {
		metrics.webhooks.inc({ endpoint: 'slack', outcome: verdict.reason });
		log.warn(
			{
				event: 'slack_request_rejected',
				reason: verdict.reason,
				timestamp: header(req, 'x-slack-request-timestamp')?.slice(0, 20),
				retryNum,
				bytes: Buffer.byteLength(raw)
			},
			'Slack request rejected'
		);
		const refusal = REFUSALS[verdict.reason];
		return json(401, error(refusal.code, refusal.message));
	}
	const parsed = parseSlackBody(header(req, 'content-type'), raw);
	switch (parsed.kind) {
		case 'invalid':
			metrics.webhooks.inc({ endpoint: 'slack', outcome: 'invalid' });
			return json(400, error('invalid_payload', parsed.message));
		case 'url_verification':
			return json(200, { challenge: parsed.challenge });
		case 'ssl_check':
			return new Response(null, { status: 200 });
		case 'dispatch': {
			const { acked } = await slack.client.dispatch(parsed.body, {
				retryNum,
				retryReason: header(req, 'x-slack-retry-reason')
			});
			// Nothing listens for it (an event or command Vigil does not use): acked anyway, so Slack stops retrying.
			if (!acked) metrics.webhooks.inc({ endpoint: 'slack', outcome: 'ignored' });
			return new Response(null, { status: 200 });
		}
	}
}
