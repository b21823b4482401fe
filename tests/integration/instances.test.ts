import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AuditEntryDto, TicketDto } from '../../src/lib/contracts/tickets.ts';
import { TEST_INGEST_KEY } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';
import { withDatabase } from '../support/global-setup.ts';
import { login, startServer, type RunningServer } from '../support/server.ts';
import { startSlackStandin, type SlackStandin } from '../support/slack-standin.ts';
import { eventually } from '../support/tickets.ts';

/**
 * Issue #13: two production servers on one PostgreSQL behave as one Vigil. Whichever
 * instance takes a webhook, a click or a sign-out, every board hears of it; a Slack message
 * is updated once; a breach fires once; and when one instance is killed, the other carries
 * on, the work the dead one had queued included.
 */

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let admin: pg.Client;
let dbName: string;
let db: pg.Client;
let standin: SlackStandin;
let a: RunningServer;
let b: RunningServer;
let cookie: string;
const sockets: Socket[] = [];

beforeAll(async () => {
	standin = await startSlackStandin();
	// An empty database, not the migrated template: both instances find nothing and must
	// take turns to migrate and bootstrap.
	const adminUrl = inject('adminUrl');
	dbName = `vigil_instances_${randomBytes(5).toString('hex')}`;
	admin = new pg.Client(adminUrl);
	await admin.connect();
	await admin.query(`create database ${dbName}`);
	const url = withDatabase(adminUrl, dbName);
	const env = (id: string) => ({
		VIGIL_INSTANCE_ID: id,
		METRICS_TOKEN,
		SLACK_BOT_TOKEN: standin.token,
		SLACK_SIGNING_SECRET: 'slack-signing-secret-for-tests',
		SLACK_DEFAULT_CHANNEL: '#dataops-alerts',
		SLACK_API_URL: standin.url
	});
	const started = await Promise.allSettled([
		startServer(url, env('vigil-a')),
		startServer(url, env('vigil-b'))
	]);
	// One that started is kept for afterAll to stop, even when the other failed.
	if (started[0].status === 'fulfilled') a = started[0].value;
	if (started[1].status === 'fulfilled') b = started[1].value;
	for (const s of started) if (s.status === 'rejected') throw s.reason;
	db = new pg.Client(url);
	await db.connect();
	cookie = await login(a.url);
}, 120_000);

afterAll(async () => {
	for (const s of sockets) s.disconnect();
	// A was killed by the last test: nothing left to stop.
	await Promise.all([a?.proc.signalCode ? null : a?.stop(), b?.stop()]);
	await db?.end();
	await admin?.query(`drop database if exists ${dbName} with (force)`);
	await admin?.end();
	await standin?.close().catch(() => {});
});

/** A board: a signed-in socket on one instance, recording what it is sent. */
interface Board {
	socket: Socket;
	tickets: { event: 'created' | 'updated'; ticket: TicketDto }[];
	audits: AuditEntryDto[];
	/** Every event in the order it arrived: `created:<id>`, `updated:<id>`, `audit:<ticket id>:<action>`. */
	arrivals: string[];
}

async function board(server: RunningServer, withCookie = cookie): Promise<Board> {
	const socket = connect(server.url, {
		transports: ['websocket'],
		extraHeaders: { cookie: withCookie, origin: server.url },
		reconnection: false
	});
	sockets.push(socket);
	const b: Board = { socket, tickets: [], audits: [], arrivals: [] };
	socket.on('audit:appended', (entry: AuditEntryDto) => {
		b.audits.push(entry);
		b.arrivals.push(`audit:${entry.ticket_id}:${entry.action}`);
	});
	for (const event of ['created', 'updated'] as const)
		socket.on(`ticket:${event}`, (ticket: TicketDto) => {
			b.tickets.push({ event, ticket });
			b.arrivals.push(`${event}:${ticket.id}`);
		});
	await new Promise<void>((resolve, reject) => {
		socket.once('connect', resolve);
		socket.once('connect_error', reject);
	});
	return b;
}

const seen = (b: Board, check: (e: Board['tickets'][number]) => boolean) =>
	eventually(
		async () => b.tickets.filter(check),
		(found) => found.length > 0
	);

async function webhook(server: RunningServer, runId: string): Promise<string> {
	const res = await fetch(`${server.url}/api/webhooks/generic`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': TEST_INGEST_KEY },
		body: JSON.stringify({ ...fixture('generic/airflow-task-failed.json'), run_id: runId })
	});
	expect(res.status).toBe(201);
	return (await res.json()).ticket_id;
}

async function ticketRow(id: string) {
	const r = await db.query(
		`select status, sla_status, sla_deadline, created_at, slack_ts from tickets where id = $1`,
		[id]
	);
	return r.rows[0] as {
		status: string;
		sla_status: string;
		sla_deadline: Date;
		created_at: Date;
		slack_ts: string | null;
	};
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('two instances on one database', () => {
	it('start together: migrated once, one admin, one webhook key, each says who it is', async () => {
		const migrations = await db.query(
			`select name, count(*)::int as n from mikro_orm_migrations group by name`
		);
		expect(migrations.rows.length).toBeGreaterThan(0);
		expect(migrations.rows.filter((r) => r.n !== 1)).toEqual([]);
		const counts = await db.query(
			`select (select count(*)::int from users where role = 'admin') as admins,
				(select count(*)::int from ingest_keys) as keys`
		);
		expect(counts.rows[0]).toEqual({ admins: 1, keys: 1 });

		for (const [server, id] of [
			[a, 'vigil-a'],
			[b, 'vigil-b']
		] as const) {
			const ready = await fetch(`${server.url}/readyz`);
			expect(ready.status).toBe(200);
			expect(ready.headers.get('x-vigil-instance')).toBe(id);
			expect(await ready.json()).toMatchObject({ status: 'ok', instance: id });
			const metrics = await fetch(`${server.url}/metrics`, {
				headers: { authorization: `Bearer ${METRICS_TOKEN}` }
			});
			expect(await metrics.text()).toContain(`vigil_instance_info{instance_id="${id}"} 1`);
		}
	});

	it('a webhook on A reaches a board on B; an acknowledge on B updates Slack once and the board on A', async () => {
		const onA = await board(a);
		const onB = await board(b);
		const id = await webhook(a, 'instances-ack-1');
		const created = await seen(onB, (e) => e.event === 'created' && e.ticket.id === id);
		expect(created[0]!.ticket.run_id).toBe('instances-ack-1');

		// Posted to Slack after triage, by whichever instance took the job.
		const posted = await eventually(
			() => ticketRow(id),
			(t) => t.slack_ts !== null
		);
		const updates = () =>
			standin.callsTo('chat.update').filter((c) => c.args.ts === posted.slack_ts);
		const before = updates().length;

		const ack = await fetch(`${b.url}/api/tickets/${id}/acknowledge`, {
			method: 'POST',
			headers: { cookie }
		});
		expect(ack.status).toBe(200);
		const onBoardA = await seen(
			onA,
			(e) => e.event === 'updated' && e.ticket.id === id && e.ticket.acknowledged_at !== null
		);
		expect(onBoardA[0]!.ticket).toMatchObject({
			status: 'in_progress',
			acknowledged_by: 'Administrator'
		});
		await eventually(
			async () => updates().length,
			(n) => n > before
		);
		// Time for a second instance's duplicate to show, were there one.
		await sleep(3000);
		expect(updates().length - before).toBe(1);
		expect(JSON.stringify(updates().at(-1)!.args.blocks)).toMatch(/Acknowledged by Administrator/);
		expect(standin.violations).toEqual([]);
	});

	it('a burst of webhooks on A reaches a board on B whole and in order, and Slack once each', async () => {
		// Broadcasts made while one is on its way travel together in one NOTIFY statement:
		// none may be lost or overtake another. (Ten, not more: Slack is paced at one message a
		// second per channel, and the tests after this one need that channel.)
		const onB = await board(b);
		const ids = await Promise.all(
			Array.from({ length: 10 }, (_, i) => webhook(a, `instances-burst-${i}`))
		);
		await eventually(
			async () => ids.filter((id) => onB.audits.some((e) => e.ticket_id === id)).length,
			(n) => n === ids.length
		);
		// A's broadcasts of each ticket, in the order A made them: none overtook another. (An
		// update made on B, its Slack alert when B took that job, goes to B's sockets directly
		// and may come first: the board keeps the newest version whatever the order.)
		for (const id of ids) {
			const fromA = onB.arrivals.filter(
				(e) => e === `created:${id}` || e === `audit:${id}:Ticket Created`
			);
			expect(fromA, id).toEqual([`created:${id}`, `audit:${id}:Ticket Created`]);
		}
		// Whichever instance took each triage and delivery, each ticket got one Slack alert.
		const posted = await eventually(
			async () =>
				(await db.query(`select slack_ts from tickets where id = any($1)`, [ids])).rows.map(
					(r) => r.slack_ts as string | null
				),
			(ts) => ts.every((t) => t !== null),
			30_000
		);
		for (const ts of posted)
			expect(
				standin.callsTo('chat.postMessage').filter((c) => c.status === 200 && c.answer.ts === ts)
			).toHaveLength(1);
		// And the board on B ends where the database is, whichever instance made each change.
		const now = await db.query<{ id: string; version: number }>(
			`select id, version from tickets where id = any($1)`,
			[ids]
		);
		const newest = (id: string) =>
			Math.max(...onB.tickets.filter((e) => e.ticket.id === id).map((e) => e.ticket.version));
		await eventually(
			async () => now.rows.filter((r) => newest(r.id) !== r.version).map((r) => r.id),
			(behind) => behind.length === 0
		);
	}, 60_000);

	it('signing out on A cuts the socket that session holds on B', async () => {
		const own = await login(a.url);
		const onB = await board(b, own);
		const reason = new Promise<string>((resolve) => onB.socket.once('disconnect', resolve));
		const out = await fetch(`${a.url}/api/auth/logout`, {
			method: 'POST',
			headers: { cookie: own }
		});
		expect(out.status).toBe(204);
		expect(await reason).toBe('io server disconnect');
	});

	it("a role changed on A makes that user's socket on B re-authenticate", async () => {
		const who = { email: 'rita@contoso.example', password: 'a long enough password' };
		const signup = await fetch(`${a.url}/api/auth/signup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ ...who, name: 'Rita' })
		});
		expect(signup.status).toBe(202);
		const own = await login(a.url, who.email, who.password);
		const onB = await board(b, own);
		const reason = new Promise<string>((resolve) => onB.socket.once('disconnect', resolve));
		const user = await db.query(`select id from users where email = $1`, [who.email]);
		const changed = await fetch(`${a.url}/api/admin/users/${user.rows[0].id}`, {
			method: 'PATCH',
			headers: { cookie, 'content-type': 'application/json' },
			body: JSON.stringify({ role: 'viewer' })
		});
		expect(changed.status).toBe(200);
		// The transport closes (the client reconnects and is authenticated with the new role),
		// rather than the server disconnecting it for good.
		expect(await reason).toBe('transport close');
	});

	it('a policy changed in the database applies on both at once, and a breach fires once', async () => {
		const onA = await board(a);
		const onB = await board(b);
		// Both instances have the policy cached by now (earlier webhooks); the tables' trigger
		// tells them it changed. Straight in SQL: the API allows one minute at the least.
		await db.query(`update sla_policies set seconds = 2`);
		await sleep(500);
		const ids = [await webhook(a, 'instances-breach-a'), await webhook(b, 'instances-breach-b')];
		for (const id of ids) {
			const t = await ticketRow(id);
			expect(t.sla_deadline.getTime() - t.created_at.getTime()).toBe(2000);
		}
		for (const id of ids) {
			const breached = (e: Board['tickets'][number]) =>
				e.ticket.id === id && e.ticket.sla_status === 'Breached';
			await seen(onA, breached);
			await seen(onB, breached);
		}
		// Past another poll of every worker: nothing fires twice.
		await sleep(4000);
		const audits = await db.query(
			`select ticket_id, count(*)::int as n from audit_log
			where action = 'SLA Breached' and ticket_id = any($1) group by ticket_id`,
			[ids]
		);
		expect(audits.rows.map((r) => r.n)).toEqual([1, 1]);
		// Each board hears of each breach once, whichever instance's timer fired it.
		for (const boardOf of [onA, onB])
			for (const id of ids)
				expect(
					boardOf.audits.filter((e) => e.ticket_id === id && e.action === 'SLA Breached')
				).toHaveLength(1);
		await db.query(
			`update sla_policies set seconds = case priority when 'P1' then 900 when 'P2' then 1800 when 'P3' then 7200 else 86400 end`
		);
	});

	it('when A is killed, B carries on, finishing the Slack delivery A had queued', async () => {
		const onB = await board(b);
		// Slack answers the first post with a 429: the delivery is re-scheduled in PostgreSQL
		// for after Retry-After, and A dies before then.
		standin.failNext('chat.postMessage', { kind: 'rate_limited', retryAfterSeconds: 3 });
		const refusedBefore = standin
			.callsTo('chat.postMessage')
			.filter((c) => c.status === 429).length;
		const id = await webhook(a, 'instances-kill-1');
		await eventually(
			async () => standin.callsTo('chat.postMessage').filter((c) => c.status === 429).length,
			(n) => n > refusedBefore
		);
		a.proc.kill('SIGKILL');
		await new Promise((r) => a.proc.once('exit', r));

		const posted = await eventually(
			() => ticketRow(id),
			(t) => t.slack_ts !== null,
			30_000
		);
		expect(
			standin
				.callsTo('chat.postMessage')
				.filter((c) => c.status === 200 && c.answer.ts === posted.slack_ts)
		).toHaveLength(1);

		// And B still takes webhooks and tells its boards.
		const next = await webhook(b, 'instances-kill-2');
		await seen(onB, (e) => e.event === 'created' && e.ticket.id === next);
		expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
	}, 60_000);
});
