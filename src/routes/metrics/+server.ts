import type { RequestHandler } from './$types';
import { constantTimeEqualHex, sha256Hex } from '#lib/server/crypto/tokens.ts';
import { jsonError } from '#lib/server/errors.ts';
import { registry } from '#lib/server/metrics.ts';
import { runtime } from '#lib/server/runtime.ts';

/**
 * Prometheus scrapes with `Authorization: Bearer <METRICS_TOKEN>`; a signed-in admin may
 * read it too. Without METRICS_TOKEN only admins can: the counters name endpoints,
 * integrations and error rates, not for anyone who can reach the port.
 */
export const GET: RequestHandler = async ({ request, locals }) => {
	const rt = runtime();
	const expected = rt.config.METRICS_TOKEN;
	const header = request.headers.get('authorization');
	const presented = header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
	const byToken =
		!!expected &&
		presented !== null &&
		constantTimeEqualHex(sha256Hex(presented), sha256Hex(expected));
	if (!byToken && locals.user?.role !== 'admin') {
		const res = locals.user
			? jsonError(403, 'forbidden', 'Metrics are for admins or the METRICS_TOKEN bearer')
			: jsonError(401, 'unauthorized', 'Send Authorization: Bearer <METRICS_TOKEN>');
		if (!locals.user) res.headers.set('www-authenticate', 'Bearer realm="metrics"');
		return res;
	}
	return new Response(await registry.metrics(), {
		headers: {
			'content-type': registry.contentType,
			'cache-control': 'no-store',
			'x-vigil-instance': rt.instanceId
		}
	});
};
