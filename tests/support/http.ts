import { TEST_INGEST_KEY } from './db.ts';

/** A webhook request as Azure / Databricks / a scheduler would send it. */
export function webhookRequest(
	endpoint: string,
	body: unknown,
	opts: { key?: string | null; contentType?: string; raw?: string } = {}
): Request {
	const headers: Record<string, string> = {
		'content-type': opts.contentType ?? 'application/json'
	};
	const key = opts.key === undefined ? TEST_INGEST_KEY : opts.key;
	if (key !== null) headers['x-api-key'] = key;
	return new Request(`http://vigil.test/api/webhooks/${endpoint}`, {
		method: 'POST',
		headers,
		body: opts.raw ?? JSON.stringify(body)
	});
}
