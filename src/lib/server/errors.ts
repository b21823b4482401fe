/** Every API error has one shape: `{"error": {"code", "message", "details"}}`. */
export function jsonError(
	status: number,
	code: string,
	message: string,
	details?: unknown
): Response {
	return Response.json(
		{ error: { code, message, ...(details === undefined ? {} : { details }) } },
		{ status, headers: { 'cache-control': 'no-store' } }
	);
}

export class ApiError extends Error {
	readonly status: number;
	readonly code: string;
	readonly details: unknown;
	constructor(status: number, code: string, message: string, details?: unknown) {
		super(message);
		this.status = status;
		this.code = code;
		this.details = details;
	}
	toResponse(): Response {
		return jsonError(this.status, this.code, this.message, this.details);
	}
}

/** The same 400 shape parseJson gives, for checks zod cannot make alone (regex, ordering, merges). */
export function invalidField(field: string, message: string): ApiError {
	return invalidFields([{ field, message }]);
}

export function invalidFields(details: { field: string; message: string }[]): ApiError {
	return new ApiError(
		400,
		'invalid_request',
		`Invalid fields: ${details.map((d) => d.field).join(', ')}`,
		details
	);
}

export function notFound(what: string): ApiError {
	return new ApiError(404, 'not_found', `No ${what} with this id`);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in paths are UUIDs; anything else cannot exist, and must not reach PostgreSQL as a uuid. */
export function isUuid(id: string): boolean {
	return UUID.test(id);
}
