import type { RequestEvent } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketDto } from '../../src/lib/contracts/tickets.ts';
import { subscribe } from '../../src/lib/server/events.ts';
import { bulkTicketAction, ticketAction } from '../../src/lib/server/http/ticket-actions.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import type { Actor } from '../../src/lib/server/tickets/audit.ts';
import { acknowledge, resolve } from '../../src/lib/server/tickets/lifecycle.ts';
import { getTicket as ticketDetail, ticketStats } from '../../src/lib/server/tickets/queries.ts';
import { startTestRuntime } from '../support/db.ts';
import { auditActions, createTicket, getTicket } from '../support/tickets.ts';

let rt: Runtime;
beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false });
});
afterAll(async () => rt?.stop());

type Role = 'viewer' | 'responder' | 'admin';
const someone: Actor = { name: 'Sam Slack', source: 'slack' };

/** A request as the browser sends it, from a signed-in user with this role (null: signed out). */
function event(
	role: Role | null,
	body: unknown,
	opts: { raw?: string; contentType?: string | null; params?: Record<string, string> } = {}
): RequestEvent & { params: { id: string } } {
	const headers: Record<string, string> = {};
	if (opts.contentType !== null) headers['content-type'] = opts.contentType ?? 'application/json';
	return {
		request: new Request('http://vigil.test/api/tickets/bulk', {
			method: 'POST',
			headers,
			body: opts.raw ?? JSON.stringify(body)
		}),
		locals: {
			user: role && {
				id: `u-${role}`,
				email: `${role}@contoso.example`,
				name: `Pat ${role}`,
				role
			},
			via: 'session'
		},
		params: opts.params ?? {},
		url: new URL('http://vigil.test/api/tickets/bulk')
	} as unknown as RequestEvent & { params: { id: string } };
}

interface Answer {
	action: string;
	done: number;
	skipped: number;
	failed: number;
	results: { id: string; outcome: string; reason?: string; ticket?: TicketDto }[];
}

async function bulk(role: Role | null, body: unknown): Promise<Answer> {
	const res = await bulkTicketAction(rt.pool, event(role, body));
	expect(res.status).toBe(200);
	return (await res.json()) as Answer;
}

/** The status an ApiError thrown by the handler would answer, with its body. */
interface ErrorAnswer {
	error: { code: string; message: string; details: { field: string; message: string }[] };
}
async function refused(p: Promise<Response>): Promise<{ status: number; body: ErrorAnswer }> {
	try {
		const res = await p;
		return { status: res.status, body: await res.json() };
	} catch (err) {
		const e = err as { status?: number; toResponse?: () => Response };
		if (!e.toResponse) throw err;
		return { status: e.status!, body: await e.toResponse().json() };
	}
}

async function auditRows(id: string) {
	const r = await rt.pool.query(
		`select action, actor_name, details from audit_log where ticket_id = $1 order by id`,
		[id]
	);
	return r.rows as { action: string; actor_name: string; details: Record<string, unknown> }[];
}

describe('POST /api/tickets/bulk', () => {
	it('resolves the open and acknowledged ones and skips a closed or unknown one, saying why', async () => {
		const open = await createTicket(rt);
		const acked = await createTicket(rt);
		const closed = await createTicket(rt);
		await acknowledge(rt.pool, acked.id, someone);
		await resolve(rt.pool, closed.id, someone);

		const updates: string[] = [];
		const off = subscribe('ticket:updated', (t) => updates.push(t.id));
		const answer = await bulk('responder', {
			action: 'resolve',
			ids: [open.id, acked.id, closed.id, 'GEN-20990101T000000-nothere', open.id],
			note: '  Upstream storage account back; reran the three loads.  '
		});
		off();

		expect(answer).toMatchObject({ action: 'resolve', done: 2, skipped: 2, failed: 0 });
		expect(answer.results.map((r) => [r.id, r.outcome, r.reason])).toEqual([
			[open.id, 'done', undefined],
			[acked.id, 'done', undefined],
			[closed.id, 'skipped', 'already_closed'],
			['GEN-20990101T000000-nothere', 'skipped', 'not_found']
		]);
		expect(answer.results[0]!.ticket).toMatchObject({
			status: 'closed',
			resolved_by: 'Pat responder'
		});
		// Only the two that changed were announced to the boards.
		expect(updates.sort()).toEqual([open.id, acked.id].sort());

		expect((await getTicket(rt, open.id)).status).toBe('closed');
		expect((await getTicket(rt, acked.id)).status).toBe('closed');
		// The closed one keeps who resolved it first.
		expect((await getTicket(rt, closed.id)).resolved_by).toBe('Sam Slack');

		// Each ticket audited on its own; an open one acknowledged first, as a single resolve does.
		expect(await auditActions(rt, open.id)).toEqual(['Ticket Created', 'Acknowledged', 'Resolved']);
		expect(await auditActions(rt, acked.id)).toEqual([
			'Ticket Created',
			'Acknowledged',
			'Resolved'
		]);
		expect(await auditActions(rt, closed.id)).toEqual([
			'Ticket Created',
			'Acknowledged',
			'Resolved'
		]);
	});

	it('keeps the note in each Resolved audit entry, where the ticket timeline shows it', async () => {
		const a = await createTicket(rt);
		const b = await createTicket(rt);
		await bulk('admin', {
			action: 'resolve',
			ids: [a.id, b.id],
			note: 'Credentials rotated in Key Vault'
		});
		for (const t of [a, b]) {
			const resolved = (await auditRows(t.id)).find((r) => r.action === 'Resolved')!;
			expect(resolved).toMatchObject({
				actor_name: 'Pat admin',
				details: { note: 'Credentials rotated in Key Vault', via: 'bulk' }
			});
			const detail = await ticketDetail(rt.pool, t.id);
			expect(detail!.timeline.find((e) => e.action === 'Resolved')!.details.note).toBe(
				'Credentials rotated in Key Vault'
			);
		}
	});

	it('acknowledges open tickets and skips the acknowledged and the closed', async () => {
		const open = await createTicket(rt);
		const acked = await createTicket(rt);
		const closed = await createTicket(rt);
		await acknowledge(rt.pool, acked.id, someone);
		await resolve(rt.pool, closed.id, someone);
		const answer = await bulk('responder', {
			action: 'acknowledge',
			ids: [open.id, acked.id, closed.id]
		});
		expect(answer.results.map((r) => [r.outcome, r.reason ?? null])).toEqual([
			['done', null],
			['skipped', 'already_acknowledged'],
			['skipped', 'already_closed']
		]);
		expect(await getTicket(rt, open.id)).toMatchObject({
			status: 'in_progress',
			acknowledged_by: 'Pat responder'
		});
		expect((await auditRows(open.id)).at(-1)).toMatchObject({
			action: 'Acknowledged',
			details: { via: 'bulk' }
		});
		expect((await getTicket(rt, acked.id)).acknowledged_by).toBe('Sam Slack');
	});

	it('refuses a viewer (403) and a signed-out caller (401) and changes nothing', async () => {
		const t = await createTicket(rt);
		const viewer = await refused(
			bulkTicketAction(rt.pool, event('viewer', { action: 'resolve', ids: [t.id] }))
		);
		expect(viewer.status).toBe(403);
		expect(viewer.body.error.message).toMatch(/responder/);
		const anonymous = await refused(
			bulkTicketAction(rt.pool, event(null, { action: 'acknowledge', ids: [t.id] }))
		);
		expect(anonymous.status).toBe(401);
		expect(await getTicket(rt, t.id)).toMatchObject({ status: 'open', version: t.version });
		expect(await auditActions(rt, t.id)).toEqual(['Ticket Created']);
	});

	it('answers 400 naming the bad field, and changes nothing', async () => {
		const t = await createTicket(rt);
		const cases: [unknown, string][] = [
			[{ action: 'delete', ids: [t.id] }, 'action'],
			[{ ids: [t.id] }, 'action'],
			[{ action: 'resolve', ids: [] }, 'ids'],
			[{ action: 'resolve', ids: t.id }, 'ids'],
			[{ action: 'resolve' }, 'ids'],
			[{ action: 'resolve', ids: Array.from({ length: 101 }, (_, i) => `GEN-${i}`) }, 'ids'],
			[{ action: 'resolve', ids: [t.id, 42] }, 'ids.1'],
			[{ action: 'resolve', ids: [t.id], note: 'x'.repeat(2001) }, 'note'],
			[{ action: 'resolve', ids: [t.id], note: 7 }, 'note']
		];
		for (const [body, field] of cases) {
			const r = await refused(bulkTicketAction(rt.pool, event('responder', body)));
			expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
			expect(r.body.error.details.map((d) => d.field)).toContain(field);
			expect(r.body.error.message).toContain(field);
		}
		const bad = await refused(
			bulkTicketAction(rt.pool, event('responder', null, { raw: '{"action":' }))
		);
		expect(bad).toMatchObject({ status: 400, body: { error: { code: 'malformed_json' } } });
		const text = await refused(
			bulkTicketAction(rt.pool, event('responder', null, { raw: 'x', contentType: 'text/plain' }))
		);
		expect(text.status).toBe(415);
		expect(await getTicket(rt, t.id)).toMatchObject({ status: 'open', version: t.version });
	});
});

describe('POST /api/tickets/{id}/resolve with a note', () => {
	it('stores the note with the resolution; an empty body still resolves', async () => {
		const withNote = await createTicket(rt);
		const res = await ticketAction(
			rt.pool,
			event(
				'responder',
				{ note: 'Vendor API back after their incident' },
				{
					params: { id: withNote.id }
				}
			),
			'resolve'
		);
		expect(res.status).toBe(200);
		expect((await auditRows(withNote.id)).at(-1)).toMatchObject({
			action: 'Resolved',
			details: { note: 'Vendor API back after their incident' }
		});

		const bare = await createTicket(rt);
		const plain = await ticketAction(
			rt.pool,
			event('responder', null, { raw: '', contentType: null, params: { id: bare.id } }),
			'resolve'
		);
		expect(plain.status).toBe(200);
		expect((await getTicket(rt, bare.id)).status).toBe('closed');
		expect((await auditRows(bare.id)).at(-1)!.details).toEqual({});

		const tooLong = await refused(
			ticketAction(
				rt.pool,
				event(
					'responder',
					{ note: 'y'.repeat(2001) },
					{ params: { id: (await createTicket(rt)).id } }
				),
				'resolve'
			)
		);
		expect(tooLong.status).toBe(400);
		expect(tooLong.body.error.details[0]!.field).toBe('note');
	});
});

describe('breached count for the tab title', () => {
	it('counts open tickets past their deadline, marked or not, until they are acknowledged', async () => {
		const before = (await ticketStats(rt.pool)).open_breached;
		const marked = await createTicket(rt);
		const overdue = await createTicket(rt);
		const fine = await createTicket(rt);
		await rt.pool.query(
			`update tickets set sla_status = 'Breached', sla_deadline = now() - interval '1 minute' where id = $1`,
			[marked.id]
		);
		// Past its deadline a moment before the breach timer marks it: already counted.
		await rt.pool.query(
			`update tickets set sla_deadline = now() - interval '1 second' where id = $1`,
			[overdue.id]
		);
		expect((await ticketStats(rt.pool)).open_breached).toBe(before + 2);
		await bulk('responder', { action: 'acknowledge', ids: [marked.id, overdue.id, fine.id] });
		expect((await ticketStats(rt.pool)).open_breached).toBe(before);
	});
});
