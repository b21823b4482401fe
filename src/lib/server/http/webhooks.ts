import { verifyIngestKey } from '../auth/ingest-keys.ts';
import type { PgBoss } from 'pg-boss';
import type { ConnectionKind } from '../connections/entities.ts';
import { asDatabaseUnavailable } from '../db/errors.ts';
import type { Pool } from '../db/pool.ts';
import { jsonError } from '../errors.ts';
import { ingest, recordRejected, ticketForRun, type IngestRequest } from '../ingest/ingest.ts';
import type { IngestEndpoint } from '../ingest/types.ts';
import { log } from '../log.ts';
import { metrics } from '../metrics.ts';
import { readLimited } from '../read-limited.ts';

/** What the webhook endpoints need from the running server. */
export interface WebhookDeps {
	pool: Pool;
	boss: PgBoss;
	hasConnection(kind: ConnectionKind): boolean;
}

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
		if (v !== null) out[name] = v.slice(0, 500);
	}
	return out;
}

export async function authenticateIngest(
	rt: WebhookDeps,
	request: Request
): Promise<string | null> {
	const key = request.headers.get('x-api-key');
	return key ? verifyIngestKey(rt.pool, key) : null;
}

/**
 * POST /api/webhooks/<endpoint>: auth → size → media type → parse → ticket. Once the key is
 * good, the raw body is stored whatever the outcome.
 */
export async function handleWebhook(
	rt: WebhookDeps,
	endpoint: IngestEndpoint,
	request: Request,
	requestId: string | null
): Promise<Response> {
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
	}
}

async function receiveWebhook(
	rt: WebhookDeps,
	endpoint: IngestEndpoint,
	request: Request,
	requestId: string | null
): Promise<Response> {
	const keyId = await authenticateIngest(rt, request);
	if (!keyId) {
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
	const base: Omit<IngestRequest, 'rawBody'> = {
		endpoint,
		headers: keptHeaders(request.headers),
		keyId,
		requestId
	};
	const body = await readLimited(request, MAX_BODY_BYTES);
	if ('tooLarge' in body) {
		const message = `Body of ${body.bytes} bytes exceeds the 1 MiB limit`;
		await recordRejected(rt.pool, { ...base, rawBody: body.head }, 'too_large', {
			code: 'payload_too_large',
			message
		});
		metrics.webhooks.inc({ endpoint, outcome: 'too_large' });
		return jsonError(413, 'payload_too_large', message);
	}
	const type = request.headers.get('content-type') ?? '';
	if (!/^application\/(.+\+)?json\b/i.test(type)) {
		const message = `Content-Type must be application/json (got ${type || 'none'})`;
		await recordRejected(rt.pool, { ...base, rawBody: body.text }, 'unsupported_media_type', {
			code: 'unsupported_media_type',
			message
		});
		metrics.webhooks.inc({ endpoint, outcome: 'unsupported_media_type' });
		return jsonError(415, 'unsupported_media_type', message);
	}
	const started = performance.now();
	const answer = await ingest(
		{ pool: rt.pool, boss: rt.boss, databricksEnabled: () => rt.hasConnection('databricks') },
		{ ...base, rawBody: body.text }
	);
	metrics.ingestSeconds.observe((performance.now() - started) / 1000);
	metrics.webhooks.inc({
		endpoint,
		outcome: answer.status === 201 ? 'created' : answer.status === 400 ? 'invalid' : 'duplicate'
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
	const id = await ticketForRun(rt.pool, runId);
	return Response.json(id ? { exists: true, ticket_id: id } : { exists: false });
}
