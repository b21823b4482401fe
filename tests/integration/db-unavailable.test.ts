import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from '../../src/lib/server/db/errors.ts';
import { createPool, inTransaction, type Pool } from '../../src/lib/server/db/pool.ts';
import { handleWebhook } from '../../src/lib/server/http/webhooks.ts';
import type { PgBoss } from 'pg-boss';
import { startStallingProxy, type StallingProxy } from '../faults/support/proxy.ts';
import { createTestDatabase } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';
import { webhookRequest } from '../support/http.ts';

let url: string;
const pools: Pool[] = [];
const pool = (u: string, timeouts?: Parameters<typeof createPool>[2]) => {
	const p = createPool(u, 4, timeouts);
	pools.push(p);
	return p;
};

/** A URL on a port nothing listens on. */
async function closedPortUrl(): Promise<string> {
	const port = await new Promise<number>((resolve) => {
		const srv = createServer().listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
		});
	});
	const u = new URL(url);
	u.port = String(port);
	return u.toString();
}

beforeAll(async () => {
	url = await createTestDatabase();
});
afterAll(async () => {
	await Promise.all(pools.map((p) => p.end().catch(() => {})));
});

describe('the pool when PostgreSQL is away', () => {
	it('rejects with DatabaseUnavailableError when nothing listens', async () => {
		const p = pool(await closedPortUrl());
		await expect(p.query('select 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
		await expect(inTransaction(p, async () => 1)).rejects.toBeInstanceOf(DatabaseUnavailableError);
	});

	it('survives its connection being terminated while checked out, and carries on', async () => {
		const p = pool(url);
		const admin = new pg.Client(url);
		await admin.connect();
		try {
			const failure = inTransaction(p, async (tx) => {
				const pid = (await tx.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!
					.pid;
				// 57P01 arrives while no query runs on this client: an 'error' event on the client,
				// which without a listener is an uncaught exception.
				await admin.query('select pg_terminate_backend($1)', [pid]);
				await new Promise((r) => setTimeout(r, 200));
				await tx.query('select 1');
			});
			await expect(failure).rejects.toBeInstanceOf(DatabaseUnavailableError);
		} finally {
			await admin.end();
		}
		// The broken client was discarded, not handed out again.
		expect((await p.query('select 1 as one')).rows[0].one).toBe(1);
		expect(
			await inTransaction(p, async (tx) => (await tx.query('select 2 as two')).rows[0].two)
		).toBe(2);
	});

	it('maps a statement cancelled by statement_timeout', async () => {
		const p = pool(url, { connectMs: 2000, queryMs: 3000, statementMs: 100 });
		await expect(p.query('select pg_sleep(1)')).rejects.toBeInstanceOf(DatabaseUnavailableError);
		expect((await p.query('select 1 as one')).rows[0].one).toBe(1);
	});
});

describe('the pool when PostgreSQL hangs', () => {
	let proxy: StallingProxy;
	beforeAll(async () => {
		proxy = await startStallingProxy(url);
	});
	afterAll(async () => {
		await proxy.close();
	});

	it('gives up on a query and on a new connection within its timeouts, then recovers', async () => {
		const p = pool(proxy.url, { connectMs: 400, queryMs: 600, statementMs: 500 });
		expect((await p.query('select 1 as one')).rows[0].one).toBe(1); // one idle connection
		proxy.freeze();
		try {
			let started = performance.now();
			await expect(p.query('select 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
			expect(performance.now() - started).toBeLessThan(1500);
			// That connection is gone; a new one cannot get past the startup packet.
			started = performance.now();
			await expect(p.query('select 1')).rejects.toBeInstanceOf(DatabaseUnavailableError);
			expect(performance.now() - started).toBeLessThan(1500);
		} finally {
			proxy.thaw();
		}
		expect((await p.query('select 1 as one')).rows[0].one).toBe(1);
	});
});

describe('a webhook when PostgreSQL is away', () => {
	it('is answered 503 with Retry-After, never 2xx', async () => {
		const deps = {
			pool: pool(await closedPortUrl()),
			boss: {} as PgBoss,
			hasConnection: () => false
		};
		const res = await handleWebhook(
			deps,
			'generic',
			webhookRequest('generic', fixture('generic/airflow-task-failed.json')),
			null
		);
		expect(res.status).toBe(503);
		expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
		expect((await res.json()).error.code).toBe('database_unavailable');
	});
});
