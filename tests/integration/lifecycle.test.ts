import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalidateIngestSettings } from '../../src/lib/server/routing/cache.ts';
import { startRuntime, type Runtime } from '../../src/lib/server/runtime.ts';
import type { Actor } from '../../src/lib/server/tickets/audit.ts';
import {
	acknowledge,
	reopen,
	resolve,
	TicketNotFoundError
} from '../../src/lib/server/tickets/lifecycle.ts';
import { subscribe } from '../../src/lib/server/events.ts';
import { createTestDatabase, testConfig } from '../support/db.ts';
import { auditActions, createTicket, eventually, getTicket } from '../support/tickets.ts';

const jane: Actor = { name: 'Jane Doe', source: 'dashboard' };
const bot: Actor = { name: 'U123 (Slack)', source: 'slack' };

let rt: Runtime;
let dbUrl: string;
beforeAll(async () => {
	dbUrl = await createTestDatabase();
	rt = await startRuntime(testConfig(), { databaseUrl: dbUrl, spies: true, workers: false });
});
afterAll(async () => rt?.stop());

describe('acknowledge / resolve / reopen', () => {
	it('acknowledges once: MTTA, owner, SLA met; a repeat changes nothing', async () => {
		const t = await createTicket(rt);
		const first = await acknowledge(rt.pool, t.id, jane);
		expect(first.changed).toBe(true);
		expect(first.ticket).toMatchObject({
			status: 'in_progress',
			acknowledged_by: 'Jane Doe',
			sla_status: 'Met'
		});
		expect(first.ticket.ack_seconds).toBeGreaterThanOrEqual(0);
		expect(first.ticket.version).toBe(t.version + 1);
		const again = await acknowledge(rt.pool, t.id, bot);
		expect(again.changed).toBe(false);
		expect(again.ticket.acknowledged_by).toBe('Jane Doe');
		expect(await auditActions(rt, t.id)).toEqual(['Ticket Created', 'Acknowledged']);
	});

	it('resolving an open ticket acknowledges it too and records MTTR', async () => {
		const t = await createTicket(rt);
		const r = await resolve(rt.pool, t.id, bot);
		expect(r.ticket).toMatchObject({
			status: 'closed',
			acknowledged_by: 'U123 (Slack)',
			resolved_by: 'U123 (Slack)',
			sla_status: 'Met'
		});
		expect(r.ticket.mttr_seconds).not.toBeNull();
		expect((await resolve(rt.pool, t.id, jane)).changed).toBe(false);
		expect(await auditActions(rt, t.id)).toEqual(['Ticket Created', 'Acknowledged', 'Resolved']);
	});

	it('reopens a closed ticket into In Progress, clearing the resolution', async () => {
		const t = await createTicket(rt);
		await resolve(rt.pool, t.id, jane);
		const r = await reopen(rt.pool, t.id, jane);
		expect(r.ticket).toMatchObject({
			status: 'in_progress',
			resolved_at: null,
			mttr_seconds: null,
			acknowledged_by: 'Jane Doe'
		});
		expect((await reopen(rt.pool, t.id, jane)).changed).toBe(false);
	});

	it('lets exactly one of a racing acknowledge and resolve win each step', async () => {
		const t = await createTicket(rt);
		const results = await Promise.all([
			acknowledge(rt.pool, t.id, jane),
			resolve(rt.pool, t.id, bot),
			acknowledge(rt.pool, t.id, bot)
		]);
		const final = await getTicket(rt, t.id);
		expect(final.status).toBe('closed');
		const actions = await auditActions(rt, t.id);
		expect(actions.filter((a) => a === 'Acknowledged')).toHaveLength(1);
		expect(actions.filter((a) => a === 'Resolved')).toHaveLength(1);
		expect(results.filter((r) => r.changed).length).toBeGreaterThanOrEqual(1);
	});

	it('announces changes as ticket:updated with a higher version', async () => {
		const t = await createTicket(rt);
		const seen: number[] = [];
		const off = subscribe('ticket:updated', (u) => u.id === t.id && seen.push(u.version));
		await acknowledge(rt.pool, t.id, jane);
		await acknowledge(rt.pool, t.id, jane);
		off();
		expect(seen).toEqual([t.version + 1]);
	});

	it('rejects an unknown ticket', async () => {
		await expect(acknowledge(rt.pool, 'GEN-nope', jane)).rejects.toBeInstanceOf(
			TicketNotFoundError
		);
	});
});

describe('audit trail', () => {
	it('cannot be updated, deleted or truncated, even with raw SQL', async () => {
		const t = await createTicket(rt);
		await expect(
			rt.pool.query(`update audit_log set action = 'x' where ticket_id = $1`, [t.id])
		).rejects.toThrow(/append-only/);
		await expect(
			rt.pool.query(`delete from audit_log where ticket_id = $1`, [t.id])
		).rejects.toThrow(/append-only/);
		await expect(rt.pool.query(`truncate audit_log`)).rejects.toThrow(/append-only/);
		expect(await auditActions(rt, t.id)).toEqual(['Ticket Created']);
	});

	it('copies the ticket context into each entry', async () => {
		const t = await createTicket(rt);
		await acknowledge(rt.pool, t.id, jane);
		const r = await rt.pool.query(
			`select * from audit_log where ticket_id = $1 and action = 'Acknowledged'`,
			[t.id]
		);
		expect(r.rows[0]).toMatchObject({
			pipeline: t.pipeline,
			run_id: t.run_id,
			actor_name: 'Jane Doe',
			actor_source: 'dashboard',
			sla_status: 'Met',
			team: t.team,
			rca_summary: t.root_cause.slice(0, 200)
		});
		expect(r.rows[0].time_taken_seconds).toBeGreaterThanOrEqual(0);
	});
});

describe('SLA breach timer', () => {
	it('breaches an unacknowledged ticket at its deadline, surviving a restart', async () => {
		// A one-second SLA so the durable timer fires without waiting minutes.
		await rt.pool.query(`update sla_policies set seconds = 1`);
		invalidateIngestSettings();
		const t = await createTicket(rt);
		const acked = await createTicket(rt);
		await acknowledge(rt.pool, acked.id, jane);
		expect(t.sla_seconds).toBe(1);
		// The process dies before the deadline; the timer lives in PostgreSQL.
		await rt.stop();
		rt = await startRuntime(testConfig(), { databaseUrl: dbUrl, spies: true, workers: true });
		const breached = await eventually(
			() => getTicket(rt, t.id),
			(x) => x.sla_status === 'Breached'
		);
		expect(breached.status).toBe('open');
		expect(await auditActions(rt, t.id)).toEqual(['Ticket Created', 'SLA Breached']);
		// The acknowledged one keeps its verdict: no breach is written over a met SLA, once the
		// timer at its deadline (its batch's) has run.
		await eventually(
			() =>
				rt.pool.query(
					`select state from pgboss.job j where name = 'sla.check-breach'
					and start_after = (select sla_deadline from tickets where id = $1)`,
					[acked.id]
				),
			(r) => r.rows.length > 0 && r.rows.every((j) => j.state === 'completed')
		);
		expect((await getTicket(rt, acked.id)).sla_status).toBe('Met');
		await rt.pool.query(
			`update sla_policies set seconds = case priority when 'P1' then 900 when 'P2' then 1800 when 'P3' then 7200 else 86400 end`
		);
		invalidateIngestSettings();
	});

	it('acknowledging after the deadline fixes the SLA as Breached', async () => {
		const t = await createTicket(rt);
		await rt.pool.query(
			`update tickets set sla_deadline = now() - interval '1 minute' where id = $1`,
			[t.id]
		);
		const r = await acknowledge(rt.pool, t.id, jane);
		expect(r.ticket.sla_status).toBe('Breached');
	});
});
