import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { IngestEndpoint } from '../ingest/types.ts';
import { log } from '../log.ts';
import { handleWebhook, MAX_BODY_BYTES, type WebhookDeps } from './webhooks.ts';

/**
 * The three ingest endpoints answered from Node's own request, in front of SvelteKit.
 *
 * Under a storm SvelteKit's path cost a fifth of the server's CPU per webhook: the request
 * turned into a web Request with a streamed body, nine hooks, routing, and the Response
 * streamed back (0.91-1.10 against 0.74-0.76 ms; bench/README.md, "Round trips, then
 * SvelteKit's path").
 * Only the plain case is taken here, and answered by the same handleWebhook: a POST to
 * exactly /api/webhooks/{generic,azure-monitor,databricks}, no query string, a
 * Content-Length within the limit and no Content-Encoding. Anything else (gzip, chunked,
 * too large, another method) goes the SvelteKit way, where the hooks and the limits of
 * adapter-node apply as before.
 *
 * What the hooks do for a webhook is done here too: the request id (the caller's
 * X-Request-Id up to 100 characters, else a new one) on the answer and in the request log
 * line, and an unexpected error answered 500 with an error id, as handleError does. The
 * security headers are set by server/index.ts on every answer before it calls this. The
 * CSRF, session and NUL-in-the-query checks have nothing to do for such a request:
 * webhooks are exempt from the first two, and it has no query.
 */
const PATH = /^\/api\/webhooks\/(generic|azure-monitor|databricks)$/;

/** Which endpoint this request is for, when it is one this path takes. */
export function directEndpoint(req: IncomingMessage): IngestEndpoint | null {
	if (req.method !== 'POST') return null;
	const m = PATH.exec(req.url ?? '');
	if (!m) return null;
	const length = Number(req.headers['content-length']);
	if (!Number.isInteger(length) || length < 0 || length > MAX_BODY_BYTES) return null;
	const encoding = req.headers['content-encoding'];
	if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return null;
	return m[1] as IngestEndpoint;
}

/** Answers the request and returns true, or returns false (untouched) when it is not one it takes. */
export function serveDirectWebhook(
	rt: () => WebhookDeps,
	req: IncomingMessage,
	res: ServerResponse
): boolean {
	const endpoint = directEndpoint(req);
	if (!endpoint) return false;
	const started = performance.now();
	const incoming = req.headers['x-request-id'];
	const requestId =
		typeof incoming === 'string' && incoming && incoming.length <= 100 ? incoming : randomUUID();
	res.setHeader('x-request-id', requestId);
	const chunks: Buffer[] = [];
	req.on('data', (c: Buffer) => chunks.push(c));
	// A sender that goes away mid-body gets no answer; nothing was read, nothing is stored.
	req.on('error', () => {});
	req.on('end', () => {
		void answer(rt, endpoint, req, Buffer.concat(chunks), requestId)
			.then(async (response) => {
				res.statusCode = response.status;
				response.headers.forEach((value, name) => res.setHeader(name, value));
				res.end(Buffer.from(await response.arrayBuffer()));
				log.info(
					{
						requestId,
						method: 'POST',
						path: req.url,
						status: response.status,
						ms: Math.round(performance.now() - started)
					},
					'request'
				);
			})
			.catch((err: unknown) => log.error({ err, requestId }, 'webhook answer not sent'));
	});
	return true;
}

async function answer(
	rt: () => WebhookDeps,
	endpoint: IngestEndpoint,
	req: IncomingMessage,
	body: Buffer,
	requestId: string
): Promise<Response> {
	try {
		const headers = new Headers();
		for (const [name, value] of Object.entries(req.headers))
			if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
		// handleWebhook reads the headers and the body; the URL is only what a Request needs.
		const request = new Request(`http://vigil.invalid${req.url}`, {
			method: 'POST',
			headers,
			// A view of its own bytes: Request copies them.
			body: body as Uint8Array<ArrayBuffer>
		});
		return await handleWebhook(rt(), endpoint, request, requestId);
	} catch (err) {
		// As hooks.server.ts's handleError answers what nothing else caught.
		const errorId = randomUUID();
		log.error({ err, errorId, requestId, path: req.url }, 'unhandled error');
		return Response.json({ message: 'Internal error', errorId }, { status: 500 });
	}
}
