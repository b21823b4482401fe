import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '../log.ts';
import { metrics } from '../metrics.ts';
import type { SlackLookup } from './connection.ts';
import { parseSlackBody } from './payload.ts';
import type { SlackRequestListener } from './seam.ts';
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

function json(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {}
): void {
	res
		.writeHead(status, {
			'content-type': 'application/json',
			'cache-control': 'no-store',
			...headers
		})
		.end(JSON.stringify(body));
}

const error = (code: string, message: string) => ({ error: { code, message } });

const header = (req: IncomingMessage, name: string): string | undefined => {
	const v = req.headers[name];
	return Array.isArray(v) ? v[0] : v;
};

async function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
	const chunks: Buffer[] = [];
	let bytes = 0;
	// Read to the end even when too large: leaving early would destroy the socket before the 413.
	for await (const chunk of req as AsyncIterable<Buffer>) {
		bytes += chunk.length;
		if (bytes <= limit) chunks.push(chunk);
	}
	return bytes > limit ? null : Buffer.concat(chunks).toString('utf8');
}

/**
 * POST /api/slack/events: verify the signature → parse → hand to Bolt, whose
 * action listener records the click and enqueues its job, then ack with 200.
 * Slack waits 3 seconds for the ack; all Slack API calls happen in the job.
 */
export function createSlackListener(deps: {
	slack: SlackLookup;
	now?: () => number;
}): SlackRequestListener {
	return (req, res) => {
		handle(deps, req, res).catch((err: unknown) => {
			log.error({ err }, 'Slack request failed');
			// A 5xx makes Slack retry the delivery; the retry is deduplicated if we got far enough.
			if (!res.headersSent)
				json(res, 500, error('internal', 'Vigil could not process this Slack request'));
			else res.end();
		});
	};
}

async function handle(
	deps: { slack: SlackLookup; now?: () => number },
	req: IncomingMessage,
	res: ServerResponse
): Promise<void> {
	if (req.method !== 'POST') {
		req.resume();
		return json(res, 405, error('method_not_allowed', 'Slack posts to this URL'), {
			allow: 'POST'
		});
	}
	const slack = await deps.slack();
	if (!slack) {
		req.resume();
		metrics.webhooks.inc({ endpoint: 'slack', outcome: 'not_configured' });
		return json(res, 503, error('slack_not_configured', 'The Slack connection is not configured'));
	}
	const declared = Number(header(req, 'content-length') ?? 0);
	const raw = declared > MAX_SLACK_BODY_BYTES ? null : await readBody(req, MAX_SLACK_BODY_BYTES);
	if (raw === null) {
		req.resume();
		metrics.webhooks.inc({ endpoint: 'slack', outcome: 'too_large' });
		return json(res, 413, error('payload_too_large', 'Body exceeds 256 KiB'), {
			connection: 'close'
		});
	}
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
				remote: req.socket.remoteAddress,
				timestamp: header(req, 'x-slack-request-timestamp')?.slice(0, 20),
				retryNum,
				bytes: Buffer.byteLength(raw)
			},
			'Slack request rejected'
		);
		const refusal = REFUSALS[verdict.reason];
		return json(res, 401, error(refusal.code, refusal.message));
	}
	const parsed = parseSlackBody(header(req, 'content-type'), raw);
	switch (parsed.kind) {
		case 'invalid':
			metrics.webhooks.inc({ endpoint: 'slack', outcome: 'invalid' });
			return json(res, 400, error('invalid_payload', parsed.message));
		case 'url_verification':
			return json(res, 200, { challenge: parsed.challenge });
		case 'ssl_check':
			return void res.writeHead(200).end();
		case 'dispatch': {
			const { acked } = await slack.client.dispatch(parsed.body, {
				retryNum,
				retryReason: header(req, 'x-slack-retry-reason')
			});
			// Nothing listens for it (an event or command Vigil does not use): acked anyway, so Slack stops retrying.
			if (!acked) metrics.webhooks.inc({ endpoint: 'slack', outcome: 'ignored' });
			return void res.writeHead(200).end();
		}
	}
}
