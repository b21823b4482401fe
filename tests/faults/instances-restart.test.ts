import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketDto } from '../../src/lib/contracts/tickets.ts';
import { TEST_INGEST_KEY } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';
import { login } from '../support/server.ts';
import { startRestartablePostgres, type RestartablePostgres } from './support/postgres.ts';
import { startWatchedVigil, type WatchedVigil } from './support/vigil.ts';

/**
 * Issue #13: two instances hear each other through LISTEN connections of their own (the
 * Socket.IO adapter's, and the cache invalidations'). PostgreSQL restarted under them must
 * not leave either deaf: once it is back, a webhook on A reaches a board on B again, and a
 * policy changed in the database applies on both without a restart.
 */
const BACK_WITHIN_MS = 20_000;

let db: RestartablePostgres;
let a: WatchedVigil;
let b: WatchedVigil;
const sockets: Socket[] = [];

beforeAll(async () => {
	db = await startRestartablePostgres();
	a = await startWatchedVigil(db.url, { VIGIL_INSTANCE_ID: 'vigil-a' });
	b = await startWatchedVigil(db.url, { VIGIL_INSTANCE_ID: 'vigil-b' });
});
afterAll(async () => {
	for (const s of sockets) s.disconnect();
	await a?.stop();
	await b?.stop();
	await db?.destroy();
});

async function webhook(url: string, runId: string): Promise<string> {
	const res = await fetch(`${url}/api/webhooks/generic`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': TEST_INGEST_KEY },
		body: JSON.stringify({ ...fixture('generic/airflow-task-failed.json'), run_id: runId })
	});
	if (res.status !== 201) throw new Error(`webhook answered ${res.status}`);
	return (await res.json()).ticket_id;
}

async function board(url: string): Promise<Set<string>> {
	const cookie = await login(url);
	const socket = connect(url, {
		transports: ['websocket'],
		extraHeaders: { cookie, origin: url },
		reconnection: false
	});
	sockets.push(socket);
	const created = new Set<string>();
	socket.on('ticket:created', (t: TicketDto) => created.add(t.id));
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('connect_error', reject);
	});
	return created;
}

/** Retries `step` until it passes; returns how long that took. */
async function within(ms: number, step: () => Promise<boolean>): Promise<number> {
	const start = Date.now();
	for (;;) {
		if (await step().catch(() => false)) return Date.now() - start;
		if (Date.now() - start > ms) throw new Error(`not back within ${ms} ms`);
		await new Promise((r) => setTimeout(r, 250));
	}
}

async function slaSeconds(ticketId: string): Promise<number> {
	const client = new pg.Client(db.url);
	await client.connect();
	try {
		const r = await client.query(`select sla_seconds from tickets where id = $1`, [ticketId]);
		return r.rows[0].sla_seconds;
	} finally {
		await client.end();
	}
}

describe('two instances when PostgreSQL restarts', () => {
	it('hear each other again once it is back: broadcasts and cache invalidations', async () => {
		const before = await board(b.url());
		const first = await webhook(a.url(), 'restart-before');
		await within(5000, async () => before.has(first));
		// Warm both instances' settings caches (a webhook each).
		await webhook(b.url(), 'restart-warm-b');

		await db.stop();
		await new Promise((r) => setTimeout(r, 1000));
		await db.start();

		// The sockets survive (they never touched the database); new ones are fine too.
		const after = await board(b.url());
		let seq = 0;
		const tookMs = await within(BACK_WITHIN_MS, async () => {
			const id = await webhook(a.url(), `restart-after-${seq++}`);
			await new Promise((r) => setTimeout(r, 500));
			return after.has(id);
		});

		// Changed straight in the database: both instances drop the policy they cached.
		const client = new pg.Client(db.url);
		await client.connect();
		await client.query(`update sla_policies set seconds = seconds + 7`);
		await client.end();
		await new Promise((r) => setTimeout(r, 1000));
		for (const server of [a, b]) {
			const id = await webhook(server.url(), `restart-policy-${server.url()}`);
			expect((await slaSeconds(id)) % 10).toBe(7);
		}
		expect(a.crashes).toEqual([]);
		expect(b.crashes).toEqual([]);
		process.stderr.write(`broadcasts across instances back ${tookMs} ms after the restart\n`);
	});
});
