import { ApiError } from '../errors.ts';

/** How long a client should wait before retrying while the database is away. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * The database could not be reached, or stopped answering: nothing about the request was
 * wrong and nothing was stored, so the sender should retry. Answered as 503 with Retry-After
 * in Vigil's JSON error shape; the driver's own message stays in the log (`cause`).
 */
export class DatabaseUnavailableError extends ApiError {
	readonly retryAfterSeconds: number;
	constructor(cause?: unknown, retryAfterSeconds = DATABASE_RETRY_AFTER_SECONDS) {
		super(
			503,
			'database_unavailable',
			'The database is unavailable; nothing was stored. Retry shortly.'
		);
		this.name = 'DatabaseUnavailableError';
		this.cause = cause;
		this.retryAfterSeconds = retryAfterSeconds;
	}
	override toResponse(): Response {
		const res = super.toResponse();
		res.headers.set('retry-after', String(this.retryAfterSeconds));
		return res;
	}
}

// Node's socket errors when the server is down, restarting or unreachable.
const SOCKET_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ECONNABORTED',
	'EPIPE',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EAI_AGAIN',
	'ENOTFOUND'
]);

// SQLSTATEs that say "this server or connection", never "this statement":
// 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting or
// shutting down), 57P05 idle_session_timeout, 57014 query_canceled (statement_timeout),
// 25P03 idle_in_transaction_session_timeout, 53300 too_many_connections, 08xxx connection
// exceptions.
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '57P05', '57014', '25P03', '53300']);

// What node-postgres and pg-pool throw without a code when the connection goes or never comes.
const MESSAGES = [
	/^Connection terminated/i, // "… unexpectedly", "… due to connection timeout"
	/^timeout exceeded when trying to connect$/i, // pg-pool: no client within connectionTimeoutMillis
	/^Query read timeout$/i, // query_timeout
	/^Client has encountered a connection error and is not queryable$/i,
	/^Client was closed and is not queryable$/i,
	/^Connection closed$/i
];

/** Whether this error (or one it wraps) means the database is away rather than the query wrong. */
export function isConnectionError(err: unknown): boolean {
	for (let e = err, depth = 0; e && depth < 5; depth++) {
		if (e instanceof DatabaseUnavailableError) return true;
		if (typeof e !== 'object') return false;
		const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown };
		if (typeof code === 'string') {
			if (SOCKET_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
				return true;
		}
		// MikroORM wraps driver failures; its ConnectionException is this class of error.
		if (name === 'ConnectionException') return true;
		if (typeof message === 'string' && MESSAGES.some((re) => re.test(message))) return true;
		e = (e as { cause?: unknown }).cause;
	}
	return false;
}

/** The error as a DatabaseUnavailableError when it is a connection failure, else null. */
export function asDatabaseUnavailable(err: unknown): DatabaseUnavailableError | null {
	if (err instanceof DatabaseUnavailableError) return err;
	return isConnectionError(err) ? new DatabaseUnavailableError(err) : null;
}

/** Rethrows a connection failure as DatabaseUnavailableError, anything else unchanged. */
export function rethrowDatabaseError(err: unknown): never {
	throw asDatabaseUnavailable(err) ?? err;
}
