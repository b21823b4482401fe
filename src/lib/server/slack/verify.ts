import { isSignatureValid } from './client.ts';

/** Slack's replay window: a request signed more than 5 minutes ago (or ahead) is refused. */
export const REPLAY_WINDOW_SECONDS = 5 * 60;

export type VerifyFailure = 'missing_signature' | 'stale_timestamp' | 'bad_signature';

export interface SignedRequest {
	/** `X-Slack-Request-Timestamp` (seconds since the epoch). */
	timestamp: string | undefined;
	/** `X-Slack-Signature`: `v0=` + hex HMAC-SHA256. */
	signature: string | undefined;
	/** The body exactly as received: the signature covers its bytes. */
	rawBody: string;
}

/**
 * Checks that a request came from Slack: the v0 signature over
 * `v0:{timestamp}:{raw body}` with the signing secret, and a timestamp within
 * the replay window either side of now (Bolt checks only the past side).
 */
export function verifySlackRequest(
	signingSecret: string,
	req: SignedRequest,
	nowMs: number = Date.now()
): { ok: true } | { ok: false; reason: VerifyFailure } {
	if (!signingSecret || !req.signature || !req.timestamp || !/^\d{1,12}$/.test(req.timestamp))
		return { ok: false, reason: 'missing_signature' };
	const timestamp = Number(req.timestamp);
	if (Math.abs(nowMs / 1000 - timestamp) > REPLAY_WINDOW_SECONDS)
		return { ok: false, reason: 'stale_timestamp' };
	const valid = isSignatureValid({
		signingSecret,
		timestamp,
		signature: req.signature,
		body: req.rawBody,
		nowMs
	});
	return valid ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
