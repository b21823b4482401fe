import { ApiError } from '../http/errors.ts';

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
