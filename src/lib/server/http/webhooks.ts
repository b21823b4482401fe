import { formatRateRule, type RateRule } from '#lib/contracts/rate-rule.ts';
import { verifyIngestKey, type IngestKeyAuth } from '../auth/ingest-keys.ts';
import type { PgBoss } from 'pg-boss';
import type { ConnectionKind } from '../connections/entities.ts';
import { databricksHost } from '../connections/service.ts';
import { asDatabaseUnavailable } from '../db/errors.ts';
import type { Pool } from '../db/pool.ts';
import { jsonError } from '../errors.ts';
import type { Admission } from '../ingest/admission.ts';
import type { IngestBatcher } from '../ingest/batch.ts';
import type { IngestRateLimits, RateGate } from '../ingest/rate-limit.ts';
import { ingest, recordRejected, ticketForRun, type IngestDeps } from '../ingest/ingest.ts';
import { escapeUnstorable, type SanitizeNote } from '../ingest/storable.ts';
import type { IngestEndpoint, IngestRequest, ReceivedBody } from '../ingest/types.ts';
import { log } from '../log.ts';
import { metrics } from '../metrics.ts';
import { HEAD_BYTES, readEncodedBody, type EncodedBody } from '../read-limited.ts';

/** What the webhook endpoints need from the running server. */
export interface WebhookDeps {
	pool: Pool;
	boss: PgBoss;
	hasConnection(kind: ConnectionKind): boolean;
	/** The Databricks workspace host as cached by the runtime; read from the database when absent. */
	databricksHost?(): string | null;
	/** Group commit of concurrent webhooks (ingest/batch.ts). */
	ingestBatcher?: IngestBatcher;
	/** The cap on webhooks worked on at once (ingest/admission.ts). */
	ingestAdmission?: Admission;
	/** Per-key rate limits, shared by every instance (ingest/rate-limit.ts). */
	ingestLimits?: IngestRateLimits;
	/** Names new tickets; tickets/ids.ts unless a test passes its own. */
	newTicketId?: IngestDeps['newTicketId'];
}

/** The documented limit, on the wire and once decompressed (server/index.ts sets adapter-node's a bit above). */
export const MAX_BODY_BYTES = 1024 * 1024;

// Kept with each raw event: enough to trace a delivery, never credentials.
const KEPT_HEADERS = [
	'content-type',
	'content-length',
	'user-agent',
	'x-request-id',
	'x-forwarded-for',
	'x-ms-request-id',
	'x-databricks-workspace-id'
];

function keptHeaders(h: Headers): Record<string, string> {
	const out: Record<string, string> = {};
	for (const name of KEPT_HEADERS) {
		const v = h.get(name);
		if (v !== null) out[name] = escapeUnstorable(v.slice(0, 500));
	}
	return out;
}

export async function authenticateIngest(
	rt: WebhookDeps,
	request: Request
): Promise<IngestKeyAuth | null> {
	const key = request.headers.get('x-api-key');
	return key ? verifyIngestKey(rt.pool, key) : null;
}

/** How each refused body is answered (Vigil's JSON error) and recorded. */
function refusal(body: Exclude<EncodedBody, { ok: true }>) {
	if (body.reason === 'too_large') {
		const what = body.decompressed
			? `Body exceeds the 1 MiB limit once decompressed (${body.size} bytes gzip-encoded)`
			: `Body of ${body.size} bytes exceeds the 1 MiB limit`;
		return {
			status: 413,
			code: 'payload_too_large',
			message: what,
			outcome: 'too_large',
			metric: 'too_large'
		} as const;
	}
	if (body.reason === 'unsupported_encoding')
		return {
			status: 415,
			code: 'unsupported_content_encoding',
			message: body.message,
			outcome: 'unsupported_media_type',
			metric: 'unsupported_media_type'
		} as const;
	return {
		status: 400,
		code: 'invalid_content_encoding',
		message: body.message,
		outcome: 'invalid',
		metric: 'invalid'
	} as const;
}

function received(body: EncodedBody): ReceivedBody {
	const notes: SanitizeNote[] = [];
	if ('invalidUtf8' in body && body.invalidUtf8) notes.push('body_invalid_utf8');
	if (!body.ok && (body.reason !== 'too_large' || body.base64)) notes.push('body_base64');
	return {
		bytes: body.size,
		encoding: body.encoding,
		truncated: !body.ok && (body.reason === 'too_large' || body.size > HEAD_BYTES),
		notes
	};
}

/**
 * POST /api/webhooks/<endpoint>: auth → size and encoding → media type → parse → ticket.
 * Once the key is good, the raw body is stored whatever the outcome: escaped where
 * PostgreSQL cannot hold it, only its head when it is refused, and saying so.
 */
export async function handleWebhook(
	rt: WebhookDeps,
	endpoint: IngestEndpoint,
	request: Request,
	requestId: string | null
): Promise<Response> {
	const leave = rt.ingestAdmission ? await rt.ingestAdmission.enter() : () => {};
	if (!leave) {
		metrics.webhooks.inc({ endpoint, outcome: 'overloaded' });
		return busy(rt.ingestAdmission!);
	}
	try {
		return await receiveWebhook(rt, endpoint, request, requestId);
	} catch (err) {
		// Not stored (or not known to be): 503 + Retry-After, so the sender delivers it again
		// (a repeat of a stored one is answered 200 duplicate_ignored). Never a 2xx.
		const unavailable = asDatabaseUnavailable(err);
		if (!unavailable) throw err;
		metrics.webhooks.inc({ endpoint, outcome: 'database_unavailable' });
		const cause = (unavailable.cause ?? err) as { code?: string; message?: string };
		log.warn(
			{ endpoint, requestId, code: cause.code, msg: cause.message },
			'webhook not stored: database unavailable'
		);
		return unavailable.toResponse();
	} finally {
		leave();
	}
}

/** Seconds a sender turned away by the cap should wait: the line clears in about that. */
const BUSY_RETRY_AFTER_S = 1;

function busy(a: Admission): Response {
	const res = jsonError(
		503,
		'ingest_busy',
		`Vigil is taking in ${a.inFlight} webhooks with ${a.waiting} more waiting; nothing was stored. Retry in ${BUSY_RETRY_AFTER_S} s.`
	);
	res.headers.set('retry-after', String(BUSY_RETRY_AFTER_S));
	return res;
}

function rateLimited(rule: RateRule, retryAfterS: number): Response {
	const per = rule.per === 's' ? 'second' : 'minute';
	const res = jsonError(
		429,
		'rate_limited',
		`This ingest key may send ${rule.points} webhooks per ${per} (${formatRateRule(rule)}); nothing was stored. Retry in ${retryAfterS} s.`,
		{ limit: formatRateRule(rule), retry_after_seconds: retryAfterS }
	);
	res.headers.set('retry-after', String(retryAfterS));
	return res;
}

async function receiveWebhook(
	rt: WebhookDeps,
	endpoint: IngestEndpoint,
	request: Request,
	requestId: string | null
): Promise<Response> {
	const key = await authenticateIngest(rt, request);
	if (!key) {
		metrics.webhooks.inc({ endpoint, outcome: 'unauthorized' });
		log.warn(
			{ endpoint, requestId, hasKey: request.headers.has('x-api-key') },
			'webhook rejected: bad API key'
		);
		return jsonError(
			401,
			'unauthorized',
			'Missing or invalid API key: send it in the x-api-key header'
		);
	}
	// Refused before its body is read or stored: the sender delivers it again after Retry-After.
	const gate: RateGate = rt.ingestLimits
		? await rt.ingestLimits.take(key.id, key.rateLimit)
		: { ok: true };
	if (!gate.ok) {
		metrics.webhooks.inc({ endpoint, outcome: 'rate_limited' });
		log.warn(
			{ endpoint, requestId, keyId: key.id },
			'webhook refused: ingest key over its rate limit'
		);
		return rateLimited(gate.rule, gate.retryAfterS);
	}
	const base: Omit<IngestRequest, 'rawBody'> = {
		endpoint,
		headers: keptHeaders(request.headers),
		keyId: key.id,
		requestId
	};
	const body = await readEncodedBody(request, MAX_BODY_BYTES);
	if (!body.ok) {
		const r = refusal(body);
		await recordRejected(
			rt.pool,
			{ ...base, rawBody: body.head, received: received(body) },
			r.outcome,
			{ code: r.code, message: r.message }
		);
		metrics.webhooks.inc({ endpoint, outcome: r.metric });
		return jsonError(r.status, r.code, r.message);
	}
	const req: IngestRequest = { ...base, rawBody: body.text, received: received(body) };
	const type = request.headers.get('content-type') ?? '';
	if (!/^application\/(.+\+)?json\b/i.test(type)) {
		const message = `Content-Type must be application/json (got ${type.slice(0, 200) || 'none'})`;
		await recordRejected(rt.pool, req, 'unsupported_media_type', {
			code: 'unsupported_media_type',
			message
		});
		metrics.webhooks.inc({ endpoint, outcome: 'unsupported_media_type' });
		return jsonError(415, 'unsupported_media_type', message);
	}
	const started = performance.now();
	const answer = await ingest(
		{
			pool: rt.pool,
			boss: rt.boss,
			databricksEnabled: () => rt.hasConnection('databricks'),
			aiEnabled: () => rt.hasConnection('gemini'),
			databricksHost: async () =>
				rt.databricksHost ? rt.databricksHost() : databricksHost(rt.pool),
			batcher: rt.ingestBatcher,
			newTicketId: rt.newTicketId
		},
		req
	);
	metrics.ingestSeconds.observe((performance.now() - started) / 1000);
	metrics.webhooks.inc({
		endpoint,
		outcome:
			answer.status === 201
				? 'created'
				: answer.status === 400 || answer.status === 422
					? 'invalid'
					: 'duplicate'
	});
	return Response.json(answer.body, { status: answer.status });
}

/** GET /api/tickets/exists/{run_id}: the Logic App's pre-check, with the same API key. */
export async function handleExists(
	rt: WebhookDeps,
	request: Request,
	runId: string
): Promise<Response> {
	if (!(await authenticateIngest(rt, request)))
		return jsonError(
			401,
			'unauthorized',
			'Missing or invalid API key: send it in the x-api-key header'
		);
	if (!runId || runId.length > 500)
		return jsonError(400, 'invalid_run_id', 'run_id must be 1–500 characters');
	if (runId.includes('\u0000'))
		return jsonError(400, 'invalid_run_id', 'run_id must not contain NUL (%00)');
	const id = await ticketForRun(rt.pool, runId);
	return Response.json(id ? { exists: true, ticket_id: id } : { exists: false });
}
