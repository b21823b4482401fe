import { randomUUID } from 'node:crypto';
import { redirect } from '@sveltejs/kit';
import type { RequestEvent } from '@sveltejs/kit';
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit/hooks';
import { sequence } from '@sveltejs/kit/hooks';
import { SESSION_COOKIE, tokenPrincipal, validateSession } from '#lib/server/auth/sessions.ts';
import { parseConfig } from '#lib/server/config.ts';
import { asDatabaseUnavailable } from '#lib/server/db/errors.ts';
import { ApiError, jsonError } from '#lib/server/errors.ts';
import { log } from '#lib/server/log.ts';
import { ensureRuntime, runtime } from '#lib/server/runtime.ts';
import { printGenerated, registerShutdown } from '#lib/server/lifecycle-process.ts';
import { setSessionCookie } from '#lib/server/http/session-cookie.ts';
import { publishDirectWebhooks } from '#lib/server/http/direct-seam.ts';
import { serveDirectWebhook } from '#lib/server/http/direct-webhooks.ts';

export const init: ServerInit = async () => {
	const rt = await ensureRuntime(parseConfig(process.env));
	printGenerated(rt);
	registerShutdown(rt);
	// server/index.ts answers the plain webhooks itself from now on (http/direct-webhooks.ts).
	publishDirectWebhooks((req, res) => serveDirectWebhook(runtime, req, res));
};

/** A CSP for everything that is not a page: nothing may run, load or frame it. */
const NON_PAGE_CSP =
	"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Security headers on every answer of the app (pages, JSON, CSV, webhooks, metrics).
 * Pages carry SvelteKit's CSP with a nonce for its inline script (vite.config.ts `csp`);
 * any other answer gets NON_PAGE_CSP. Static files under /_app are served before hooks.
 */
const securityHeaders: Handle = async ({ event, resolve }) => {
	let response = await resolve(event);
	try {
		response.headers.set('x-content-type-options', 'nosniff');
	} catch {
		response = new Response(response.body, response); // immutable headers (a fetched Response)
		response.headers.set('x-content-type-options', 'nosniff');
	}
	const h = response.headers;
	h.set('x-frame-options', 'DENY');
	h.set('referrer-policy', 'strict-origin-when-cross-origin');
	if (!h.has('content-security-policy')) h.set('content-security-policy', NON_PAGE_CSP);
	return response;
};

const requestId: Handle = async ({ event, resolve }) => {
	const incoming = event.request.headers.get('x-request-id');
	event.locals.requestId = incoming && incoming.length <= 100 ? incoming : randomUUID();
	const started = performance.now();
	const response = await resolve(event);
	response.headers.set('x-request-id', event.locals.requestId);
	log.info(
		{
			requestId: event.locals.requestId,
			method: event.request.method,
			path: event.url.pathname,
			status: response.status,
			ms: Math.round(performance.now() - started)
		},
		'request'
	);
	return response;
};

/**
 * PostgreSQL text cannot hold NUL, so a %00 in the path (an id) or in a query
 * parameter could only fail later, as a 500 or a cut-off download: refused up
 * front with a 400 naming where it is.
 */
const refuseNul: Handle = ({ event, resolve }) => {
	const { pathname, searchParams } = event.url;
	if (/%00/i.test(pathname) || pathname.includes('\u0000'))
		return jsonError(400, 'invalid_path', 'The path must not contain NUL (%00)', [
			{ field: '(path)', message: 'must not contain NUL (%00)' }
		]);
	for (const [name, value] of searchParams)
		if (name.includes('\u0000') || value.includes('\u0000')) {
			const field = name.replaceAll('\u0000', '%00');
			return jsonError(400, 'invalid_query', `${field} must not contain NUL (%00)`, [
				{ field, message: 'must not contain NUL (%00)' }
			]);
		}
	return resolve(event);
};

const authenticate: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.via = null;
	event.locals.sessionToken = null;
	event.locals.tokenId = null;
	// A request without credentials (every webhook) needs no unit of work: forked only when used.
	const em = () => runtime().em();
	const header = event.request.headers.get('authorization');
	if (header?.startsWith('Bearer ')) {
		const principal = await tokenPrincipal(em(), header.slice(7).trim());
		if (principal) {
			event.locals.user = principal.user;
			event.locals.via = 'token';
			event.locals.tokenId = principal.credential.id;
		}
	} else {
		const token = event.cookies.get(SESSION_COOKIE);
		const session = token ? await validateSession(em(), token) : null;
		if (session && token) {
			event.locals.user = session.user;
			event.locals.via = 'session';
			event.locals.sessionToken = token;
			if (session.renewed) setSessionCookie(event, token, session.expiresAt);
		} else if (token) event.cookies.delete(SESSION_COOKIE, { path: '/' });
	}
	return resolve(event);
};

// Webhooks and the run pre-check carry an API key, Slack a signature; health and metrics
// are for probes; signing in and up is how a session starts. /mcp checks its Bearer token
// itself, to answer 401 the way MCP clients expect rather than redirect to a login page.
const PUBLIC_PATHS = [
	/^\/mcp$/,
	/^\/api\/webhooks\//,
	/^\/api\/slack\/events$/,
	/^\/api\/tickets\/exists\//,
	/^\/api\/auth\/(login|signup)$/,
	/^\/(healthz|readyz|metrics)$/,
	/^\/(login|signup)$/
];

const guard: Handle = async ({ event, resolve }) => {
	const path = event.url.pathname;
	if (event.locals.user || PUBLIC_PATHS.some((re) => re.test(path))) return resolve(event);
	if (path.startsWith('/api/'))
		return jsonError(401, 'unauthorized', 'Sign in or send Authorization: Bearer <token>');
	if (path.startsWith('/_app/') || path === '/favicon.svg') return resolve(event);
	redirect(303, `/login?next=${encodeURIComponent(path + event.url.search)}`);
};

/** The theme class is on <html> in the first paint, so there is no flash of the wrong theme. */
const theme: Handle = ({ event, resolve }) => {
	const cls = event.cookies.get('vigil_theme') === 'light' ? '' : 'dark';
	return resolve(event, { transformPageChunk: ({ html }) => html.replace('%vigil.theme%', cls) });
};

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Server-to-server posts that prove themselves (API key, Slack signature), never a browser's. */
const SIGNED_POSTS = [/^\/api\/webhooks\//, /^\/api\/slack\/events$/];

/**
 * Browsers send Origin on every cross-site unsafe request; one that is not ours
 * is refused. Webhooks and Slack are called server-to-server with their own credentials,
 * and JSON endpoints also insist on application/json, which a cross-site form cannot send.
 */
const csrf: Handle = async ({ event, resolve }) => {
	const origin = event.request.headers.get('origin');
	const self = runtime().config.ORIGIN ?? event.url.origin;
	if (
		UNSAFE.has(event.request.method) &&
		origin !== null &&
		origin !== new URL(self).origin &&
		!SIGNED_POSTS.some((re) => re.test(event.url.pathname))
	)
		return jsonError(403, 'cross_site_request', `Requests from ${origin} are not allowed`);
	return resolve(event);
};

/**
 * Routes throw ApiError for 4xx. SvelteKit turns a thrown error into its own
 * page inside `resolve`; handleError parks the ApiError on locals and this
 * answers with Vigil's JSON error shape instead.
 */
const apiErrors: Handle = async ({ event, resolve }) => {
	event.locals.apiError = null;
	const response = await resolve(event);
	const parked = event.locals.apiError as ApiError | null;
	return parked ? parked.toResponse() : response;
};

/**
 * The database away (restarting, refusing, hanging past its timeouts) while a handle before
 * the routes needed it (the session lookup): 503 + Retry-After in the JSON error shape, as the
 * routes' own database failures are answered through handleError and apiErrors.
 */
const databaseUnavailable: Handle = async ({ event, resolve }) => {
	try {
		return await resolve(event);
	} catch (err) {
		const unavailable = asDatabaseUnavailable(err);
		if (!unavailable) throw err;
		logUnavailable(event, err);
		return unavailable.toResponse();
	}
};

function logUnavailable(event: RequestEvent, err: unknown) {
	const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
	const cause = e.cause ?? e;
	log.warn(
		{
			requestId: event.locals.requestId,
			path: event.url.pathname,
			code: cause.code,
			msg: cause.message
		},
		'database unavailable: answered 503'
	);
}

export const handle = sequence(
	securityHeaders,
	requestId,
	databaseUnavailable,
	refuseNul,
	csrf,
	authenticate,
	guard,
	theme,
	apiErrors
);

/** Unknown errors are logged with an id and answered with only that id; expected ones pass through. */
export const handleError: HandleServerError = (caught) => {
	if (caught.kind !== 'unknown') return {};
	// Connection failures that reached a route unmapped (the ORM's, pg-boss's) are 503s too.
	const unavailable = asDatabaseUnavailable(caught.error);
	if (unavailable) {
		logUnavailable(caught.event, caught.error);
		caught.event.locals.apiError = unavailable;
		return { status: unavailable.status, message: unavailable.message };
	}
	if (caught.error instanceof ApiError) {
		caught.event.locals.apiError = caught.error;
		return { status: caught.error.status, message: caught.error.message };
	}
	const errorId = randomUUID();
	log.error(
		{
			err: caught.error,
			errorId,
			requestId: caught.event.locals.requestId,
			path: caught.event.url.pathname
		},
		'unhandled error'
	);
	return { message: 'Internal error', errorId };
};
