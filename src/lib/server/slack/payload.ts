import type { IncomingAction } from './client.ts';

/** What a verified request to /api/slack/events carries. */
export type SlackBody =
	| { kind: 'url_verification'; challenge: string }
	| { kind: 'ssl_check' }
	| { kind: 'dispatch'; body: Record<string, unknown> }
	| { kind: 'invalid'; message: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One URL serves interactivity (form field `payload` holding JSON), slash
 * commands (plain form fields) and the Events API (JSON, incl. the one-off
 * `url_verification` challenge).
 */
export function parseSlackBody(contentType: string | undefined, raw: string): SlackBody {
	const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
	let body: unknown;
	try {
		if (type === 'application/x-www-form-urlencoded') {
			const form = new URLSearchParams(raw);
			const payload = form.get('payload');
			body = payload === null ? Object.fromEntries(form) : JSON.parse(payload);
		} else if (type === 'application/json') body = JSON.parse(raw);
		else return { kind: 'invalid', message: `unsupported content type ${type || '(none)'}` };
	} catch {
		return { kind: 'invalid', message: 'the body is not valid JSON' };
	}
	if (!isRecord(body)) return { kind: 'invalid', message: 'the payload is not an object' };
	if (body.type === 'url_verification' && typeof body.challenge === 'string')
		return { kind: 'url_verification', challenge: body.challenge };
	if (body.ssl_check === '1') return { kind: 'ssl_check' };
	return { kind: 'dispatch', body };
}

/**
 * The identity of one click: Slack resends the same trigger id and action
 * timestamp when it retries a delivery, and a new click gets new ones.
 */
export function interactionKey(a: IncomingAction): string {
	return [a.triggerId ?? '-', a.actionTs, a.userId, a.actionId].join('|').slice(0, 500);
}
