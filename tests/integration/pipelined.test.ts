import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createPool,
	DB_TIMEOUTS,
	inTransaction,
	inTransactionTogether,
	sendTogether,
	type Pool
} from '../../src/lib/server/db/pool.ts';
import { DatabaseUnavailableError } from '../../src/lib/server/db/errors.ts';
import { createTestDatabase } from '../support/db.ts';
import { countWrites } from '../support/pg-writes.ts';

let url: string;
let pipelined: Pool;
let plain: Pool;
/** Writes each pipelined connection made to its socket: one per round trip it started. */
let writes = 0;

beforeAll(async () => {
	url = await createTestDatabase();
	pipelined = createPool(url, 2, DB_TIMEOUTS, { pipeline: true });
	plain = createPool(url, 2);
	countWrites(pipelined, () => writes++);
	await plain.query('create table pipelined_t (n int primary key)');
	// Connected before counting starts: the startup messages are not what is measured.
	await pipelined.query('select 1');
});
afterAll(async () => {
	await pipelined?.end();
	await plain?.end();
});

const count = async (pool: Pool) =>
	(await pool.query<{ n: number }>('select count(*)::int as n from pipelined_t')).rows[0]!.n;

describe('statements sent together (pg pipeline mode)', () => {
	it('sends BEGIN with the opening statements and COMMIT with the closing ones: two writes', async () => {
		writes = 0;
		const answers = await inTransactionTogether(
			pipelined,
			[
				{ text: 'insert into pipelined_t values ($1), ($2)', values: [1, 2] },
				{ text: 'select count(*)::int as n from pipelined_t' }
			],
			async (_tx, [inserted, counted]) => ({
				result: [inserted!.rowCount, counted!.rows[0].n],
				closing: [{ text: 'insert into pipelined_t values ($1)', values: [3] }]
			})
		);
		expect(answers).toEqual([2, 2]);
		expect(writes).toBe(2);
		expect(await count(plain)).toBe(3);
	});

	it('answers the same, one statement at a time, on a client without pipeline mode', async () => {
		const client = await plain.connect();
		try {
			const [a, b] = await sendTogether(client, [
				{ text: 'select $1::int as v', values: [7] },
				{ text: 'select 8 as v' }
			]);
			expect([a!.rows[0].v, b!.rows[0].v]).toEqual([7, 8]);
		} finally {
			client.release();
		}
	});

	it.each([
		['pipelined', () => pipelined],
		['plain', () => plain]
	])(
		'rejects with the statement that failed, not the ones aborted after it, and commits nothing (%s)',
		async (_name, pool) => {
			const before = await count(plain);
			const failed = inTransactionTogether(
				pool(),
				[
					{ text: 'insert into pipelined_t values (100)' },
					{ text: 'select 1 / 0' },
					{ text: 'insert into pipelined_t values (101)' }
				],
				async () => ({ result: null })
			);
			await expect(failed).rejects.toMatchObject({ code: '22012' }); // division_by_zero
			expect(await count(plain)).toBe(before);
			// The connection is usable again (the failed transaction was rolled back).
			expect((await pool().query('select 2 as v')).rows[0].v).toBe(2);
		}
	);

	it('gives each statement of a flight the connection’s query timeout, not the flight as a whole', async () => {
		// 400 ms a query; three statements of 250 ms each take 750 ms together.
		const timed = createPool(
			url,
			1,
			{ connectMs: 3000, queryMs: 400, statementMs: 10_000 },
			{
				pipeline: true
			}
		);
		try {
			const slow = { text: 'select pg_sleep(0.25)' };
			await expect(
				inTransactionTogether(timed, [slow, slow, slow], async () => ({ result: 'done' }))
			).resolves.toBe('done');
			// One statement past it still fails the flight, as the database were frozen, at once.
			const stuck = inTransactionTogether(
				timed,
				[{ text: 'select pg_sleep(2)' }, { text: 'select 1' }],
				async () => ({ result: 'done' })
			);
			await expect(stuck).rejects.toBeInstanceOf(DatabaseUnavailableError);
			expect((await timed.query('select 3 as v')).rows[0].v).toBe(3);
		} finally {
			await timed.end();
		}
	});

	it('does not call it committed when PostgreSQL answers COMMIT with ROLLBACK', async () => {
		// A statement that failed and was caught leaves the transaction aborted: PostgreSQL then
		// answers COMMIT with ROLLBACK, not with an error.
		const before = await count(plain);
		const swallowed = inTransaction(plain, async (tx) => {
			await tx.query('insert into pipelined_t values (200)');
			await tx.query('insert into pipelined_t values (200)').catch(() => {});
			return 'done';
		});
		await expect(swallowed).rejects.toThrow('transaction ended in ROLLBACK');
		expect(await count(plain)).toBe(before);
	});
});
