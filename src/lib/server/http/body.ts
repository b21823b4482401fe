import type { z } from 'zod';
import { ApiError } from '../errors.ts';

/** Parses a JSON body with a zod schema; a 400 names every bad field. */
export async function parseJson<T extends z.ZodType>(
	request: Request,
	schema: T
): Promise<z.infer<T>> {
	const type = request.headers.get('content-type') ?? '';
	if (!/^application\/(.+\+)?json\b/i.test(type))
		throw new ApiError(
			415,
			'unsupported_media_type',
			`Content-Type must be application/json (got ${type || 'none'})`
		);
	let body: unknown;
	try {
		body = await request.json();
	} catch {
		throw new ApiError(400, 'malformed_json', 'Request body is not valid JSON');
	}
	const r = schema.safeParse(body);
	if (!r.success)
		throw new ApiError(
			400,
			'invalid_request',
			`Invalid fields: ${r.error.issues.map((i) => i.path.join('.') || '(body)').join(', ')}`,
			r.error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }))
		);
	return r.data;
}
