import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors.ts';
import {
	asDatabaseUnavailable,
	DatabaseUnavailableError,
	isConnectionError,
	rethrowDatabaseError
} from './errors.ts';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isConnectionError', () => {
	it.each([
		['ECONNREFUSED', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
		['ECONNRESET', pgError('ECONNRESET', 'read ECONNRESET')],
		[
			'57P01 admin shutdown',
			pgError('57P01', 'terminating connection due to administrator command')
		],
		['57P02 crash shutdown', pgError('57P02')],
		['57P03 starting up', pgError('57P03', 'the database system is starting up')],
		['08006 connection failure', pgError('08006')],
		['08P01 protocol violation', pgError('08P01')],
		['57014 statement timeout', pgError('57014', 'canceling statement due to statement timeout')],
		['53300 too many connections', pgError('53300')],
		['terminated', new Error('Connection terminated unexpectedly')],
		['connect timeout', new Error('Connection terminated due to connection timeout')],
		['pool wait timeout', new Error('timeout exceeded when trying to connect')],
		['query_timeout', new Error('Query read timeout')],
		['not queryable', new Error('Client has encountered a connection error and is not queryable')],
		// MikroORM wraps driver errors and copies their code; its ConnectionException by name.
		['wrapped cause', new Error('query failed', { cause: pgError('57P01') })],
		['MikroORM ConnectionException', Object.assign(new Error('x'), { name: 'ConnectionException' })]
	])('%s → yes', (_, err) => expect(isConnectionError(err)).toBe(true));

	it.each([
		['unique violation', pgError('23505', 'duplicate key value violates unique constraint')],
		['syntax error', pgError('42601')],
		['invalid text', pgError('22P02')],
		['plain error', new Error('boom')],
		['ApiError', new ApiError(400, 'invalid_request', 'bad')],
		['a string', 'ECONNREFUSED'],
		['null', null],
		['undefined', undefined]
	])('%s → no', (_, err) => expect(isConnectionError(err)).toBe(false));
});

describe('DatabaseUnavailableError', () => {
	it('answers 503 with Retry-After in the JSON error shape, without the driver message', async () => {
		const res = new DatabaseUnavailableError(
			pgError('57P01', 'terminating connection')
		).toResponse();
		expect(res.status).toBe(503);
		expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
		const body = await res.json();
		expect(body.error.code).toBe('database_unavailable');
		expect(JSON.stringify(body)).not.toMatch(/terminating|57P01/);
	});

	it('is an ApiError, so routes and handleError answer it as one', () => {
		expect(new DatabaseUnavailableError()).toBeInstanceOf(ApiError);
	});

	it('keeps the driver error as its cause', () => {
		const cause = pgError('ECONNREFUSED');
		expect(asDatabaseUnavailable(cause)?.cause).toBe(cause);
	});
});

describe('rethrowDatabaseError', () => {
	it('maps connection failures and leaves every other error as it was', () => {
		expect(() => rethrowDatabaseError(pgError('57P01'))).toThrow(DatabaseUnavailableError);
		const other = pgError('23505');
		expect(() => rethrowDatabaseError(other)).toThrow(other);
	});

	it('does not wrap twice', () => {
		const once = new DatabaseUnavailableError();
		expect(asDatabaseUnavailable(once)).toBe(once);
	});
});
