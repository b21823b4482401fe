import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketDto } from '../../src/lib/contracts/tickets.ts';
import { auditListSql, listAudit, parseAuditFilters } from '../../src/lib/server/audit/queries.ts';
import { parseCsv } from '../support/csv.ts';
import {
	AUDIT_CSV_COLUMNS,
	exportAudit,
	exportTickets,
	TICKET_CSV_COLUMNS
} from '../../src/lib/server/export/exports.ts';
import { ApiError } from '../../src/lib/server/errors.ts';
import { handleWebhook } from '../../src/lib/server/http/webhooks.ts';
import { invalidateIngestSettings } from '../../src/lib/server/routing/cache.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { acknowledge, markBreached, resolve } from '../../src/lib/server/tickets/lifecycle.ts';
import { getTicket, listTickets, ticketStats } from '../../src/lib/server/tickets/queries.ts';
import {
	applyTicket,
	beyondLoaded,
	emptyBoard,
	reconcile,
	sortedTickets
} from '../../src/lib/client/merge.ts';
import { startTestRuntime } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';
import { webhookRequest } from '../support/http.ts';

let rt: Runtime;
const DANA = { name: 'Dana', source: 'dashboard' as const };
const INJECTION = "=cmd|' /C calc'!A0";
const t = {} as Record<'finance' | 'adf' | 'dbx' | 'airflow' | 'evil', string>;
let bulk: string[] = [];

async function post(endpoint: 'azure-monitor' | 'databricks' | 'generic', body: unknown) {
	const res = await handleWebhook(rt, endpoint, webhookRequest(endpoint, body), null);
	const answer = await res.json();
	expect(res.status, JSON.stringify(answer)).toBe(201);
	return answer.ticket_id as string;
}

const generic = (pipeline: string, run_id: string, error_message: string) =>
	post('generic', { source: 'airflow', pipeline, run_id, error_message });

/** Follows next_cursor to the end; every id in list order. */
async function walk(params: Record<string, string>, limit: number) {
	const ids: string[] = [];
	let cursor: string | null = null;
	let pages = 0;
	do {
		const q = new URLSearchParams({
			...params,
			limit: String(limit),
			...(cursor ? { cursor } : {})
		});
		const page = await listTickets(rt.pool, q);
		expect(page.items.length).toBeLessThanOrEqual(limit);
		ids.push(...page.items.map((i) => i.id));
		cursor = page.next_cursor;
		pages++;
	} while (cursor && pages < 1000);
	return ids;
}

const allTickets = async (): Promise<TicketDto[]> =>
	(await listTickets(rt.pool, new URLSearchParams({ limit: '200' }))).items;

beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false });
	await rt.pool
		.query(`insert into routing_rules (name, position, field, match_type, pattern, team, owner)
		values ('Finance', 1, 'pipeline', 'keyword', 'finance', 'finance', 'fin-oncall')`);
	invalidateIngestSettings();
	t.finance = await generic(
		'pl_finance_ledger_close',
		'finance-run-2026-10-14T05:00:00+00:00',
		'psycopg2.OperationalError: could not connect to server: Connection timed out'
	);
	t.adf = await post('azure-monitor', fixture('azure-monitor/logic-app.simplified.json'));
	t.dbx = await post('databricks', fixture('databricks/webhook.job-failure.json'));
	t.airflow = await post('generic', fixture('generic/airflow-task-failed.json'));
	t.evil = await generic(INJECTION, 'evil-run-1', INJECTION);
	bulk = [];
	for (let i = 0; i < 25; i++)
		bulk.push(
			await generic(`pl_bulk_load_${i}`, `bulk-run-${i}`, `java.lang.OutOfMemoryError ${i}`)
		);

	// Ack and resolve with real clock gaps, so MTTA / MTTR are known numbers.
	await rt.pool.query(
		`update tickets set created_at = now() - interval '600 seconds' where id = $1`,
		[t.finance]
	);
	await rt.pool.query(
		`update tickets set created_at = now() - interval '1200 seconds' where id = $1`,
		[t.adf]
	);
	await rt.pool.query(`update tickets set jira_key = 'FIN-42' where id = $1`, [t.finance]);
	await acknowledge(rt.pool, t.finance, DANA);
	await resolve(rt.pool, t.adf, DANA);
	await rt.pool.query(
		`update tickets set sla_deadline = now() - interval '1 minute' where id = $1`,
		[t.dbx]
	);
	await markBreached(rt.pool, t.dbx);
});
afterAll(async () => rt?.stop());

describe('ticket list', () => {
	it('narrows by each filter to exactly the matching tickets', async () => {
		const all = await allTickets();
		expect(all).toHaveLength(30);
		const fields = ['status', 'severity', 'priority', 'source', 'sla_status', 'team'] as const;
		for (const field of fields) {
			const values = [...new Set(all.map((x) => x[field]).filter((v): v is string => v !== null))];
			expect(values.length, `${field} has variety`).toBeGreaterThan(1);
			for (const value of values) {
				const ids = await walk({ [field]: value }, 200);
				const expected = all.filter((x) => x[field] === value).map((x) => x.id);
				expect(ids, `${field}=${value}`).toEqual(expected);
			}
		}
		const openOrClosed = await walk({ status: 'open,closed' }, 200);
		expect(openOrClosed).toEqual(all.filter((x) => x.status !== 'in_progress').map((x) => x.id));
		expect(await walk({ status: 'closed', source: 'adf' }, 200)).toEqual([t.adf]);
	});

	it('finds tickets by pipeline word, id prefix, run id, Jira key and root cause', async () => {
		expect(await walk({ q: 'ledger' }, 50)).toEqual([t.finance]);
		expect(await walk({ q: 'LEDGER close' }, 50)).toEqual([t.finance]);
		expect(await walk({ q: 'marketing' }, 50)).toEqual([t.airflow]);
		expect(await walk({ q: t.finance.slice(0, -1) }, 50)).toEqual([t.finance]);
		expect(await walk({ q: t.adf.slice(0, -2).toLowerCase() }, 50)).toEqual([t.adf]);
		expect(await walk({ q: 'finance-run-2026-10-14T05:00:00+00:00' }, 50)).toEqual([t.finance]);
		expect(await walk({ q: 'fin-42' }, 50)).toEqual([t.finance]);
		const adf = (await getTicket(rt.pool, t.adf))!.ticket;
		const word = adf.root_cause.split(/\W+/).sort((a, b) => b.length - a.length)[0]!;
		expect(await walk({ q: word.slice(0, -1) }, 50)).toContain(t.adf);
		expect(await walk({ q: 'nothing-like-this-exists' }, 50)).toEqual([]);
		expect(await walk({ q: "'); drop table tickets; --" }, 50)).toEqual([]);
	});

	it('walks every page without duplicates or gaps, also across equal timestamps', async () => {
		const expected = (
			await rt.pool.query(`select id from tickets order by created_at desc, id desc`)
		).rows.map((r) => r.id);
		expect(await walk({}, 10)).toEqual(expected);
		// Same millisecond, different microseconds, and exact ties: a cursor that
		// rounded to milliseconds or ignored the id would skip or repeat these.
		await rt.pool.query(
			`update tickets set created_at = case when run_id in ('bulk-run-1', 'bulk-run-2', 'bulk-run-3')
				then '2026-01-01T00:00:00.123457Z'::timestamptz else '2026-01-01T00:00:00.123456Z' end
			where run_id like 'bulk-run-%' and run_id < 'bulk-run-3'`
		);
		const bulkOrder = (
			await rt.pool.query(
				`select id from tickets where run_id like 'bulk-run-%' order by created_at desc, id desc`
			)
		).rows.map((r) => r.id);
		for (const limit of [10, 3, 1]) {
			const ids = await walk({ q: 'bulk' }, limit);
			expect(ids, `limit ${limit}`).toEqual(bulkOrder);
			expect(new Set(ids).size).toBe(25);
		}
		const last = await listTickets(rt.pool, new URLSearchParams({ q: 'bulk', limit: '25' }));
		expect(last.next_cursor).toBeNull();
	});

	it.each([
		['priority=P9', 'priority must be one of P1, P2, P3, P4'],
		['status=open,bogus', 'status must be one of open, in_progress, closed'],
		['source=jenkins', 'source must be one of adf, databricks, generic'],
		['sla_status=late', 'sla_status must be one of Pending, Met, Breached'],
		['severity=critical', 'severity must be one of Critical, High, Medium, Low'],
		['limit=0', 'limit must be an integer from 1 to 200'],
		['limit=201', 'limit must be an integer from 1 to 200'],
		['limit=ten', 'limit must be an integer from 1 to 200'],
		['cursor=not-a-cursor', 'cursor is invalid']
	])('answers 400 naming the parameter for %s', async (query, message) => {
		const err = await listTickets(rt.pool, new URLSearchParams(query)).catch((e) => e);
		expect(err).toBeInstanceOf(ApiError);
		expect(err.status).toBe(400);
		expect(err.message).toContain(message);
		expect(err.details[0].field).toBe(query.split('=')[0]);
	});

	it('returns one ticket with its timeline oldest first, or null', async () => {
		const detail = await getTicket(rt.pool, t.adf);
		expect(detail?.ticket.status).toBe('closed');
		expect(detail?.timeline.map((a) => a.action)).toEqual([
			'Ticket Created',
			'Acknowledged',
			'Resolved'
		]);
		expect(await getTicket(rt.pool, 'GEN-00000000T000000-nope00')).toBeNull();
	});

	it('counts the board: statuses, breaches, MTTA, MTTR and audits', async () => {
		const stats = await ticketStats(rt.pool);
		expect(stats).toMatchObject({
			open: 28,
			in_progress: 1,
			closed: 1,
			sla_breached: 1,
			total_audits: 34
		});
		// Acked after ~600 s and ~1200 s; resolved after ~1200 s.
		expect(stats.mtta_seconds).toBeGreaterThanOrEqual(899);
		expect(stats.mtta_seconds).toBeLessThanOrEqual(903);
		expect(stats.mttr_seconds).toBeGreaterThanOrEqual(1199);
		expect(stats.mttr_seconds).toBeLessThanOrEqual(1203);
	});
});

describe('audit list', () => {
	it('filters by action, ticket and search, newest first', async () => {
		const acks = await listAudit(rt.pool, new URLSearchParams({ action: 'Acknowledged' }));
		expect(acks.items.map((a) => a.ticket_id)).toEqual([t.adf, t.finance]);
		const both = await listAudit(rt.pool, new URLSearchParams({ action: 'Acknowledged,Resolved' }));
		expect(both.items.map((a) => a.action)).toEqual(['Resolved', 'Acknowledged', 'Acknowledged']);
		const dbx = await listAudit(rt.pool, new URLSearchParams({ ticket_id: t.dbx }));
		expect(dbx.items.map((a) => a.action)).toEqual(['SLA Breached', 'Ticket Created']);
		const ledger = await listAudit(rt.pool, new URLSearchParams({ q: 'ledger' }));
		expect(ledger.items.map((a) => [a.ticket_id, a.action])).toEqual([
			[t.finance, 'Acknowledged'],
			[t.finance, 'Ticket Created']
		]);
		const byId = await listAudit(
			rt.pool,
			new URLSearchParams({ q: t.adf.slice(0, -1).toLowerCase() })
		);
		expect(new Set(byId.items.map((a) => a.ticket_id))).toEqual(new Set([t.adf]));
		const byActor = await listAudit(rt.pool, new URLSearchParams({ q: 'dana resolved' }));
		expect(byActor.items.map((a) => a.ticket_id)).toEqual([t.adf]);
	});

	it('pages through the whole trail by cursor', async () => {
		const expected = (await rt.pool.query(`select id from audit_log order by id desc`)).rows.map(
			(r) => Number(r.id)
		);
		const ids: number[] = [];
		let cursor: string | null = null;
		do {
			const page = await listAudit(
				rt.pool,
				new URLSearchParams({ limit: '7', ...(cursor ? { cursor } : {}) })
			);
			ids.push(...page.items.map((a) => a.id));
			cursor = page.next_cursor;
		} while (cursor);
		expect(ids).toEqual(expected);
	});

	it('rejects a bad limit naming it', async () => {
		const err = await listAudit(rt.pool, new URLSearchParams('limit=1000')).catch((e) => e);
		expect(err).toBeInstanceOf(ApiError);
		expect(err.message).toBe('limit must be an integer from 1 to 200');
	});
});

describe('CSV export', () => {
	it('streams every matching ticket with formulas neutralised', async () => {
		const res = exportTickets(rt.pool, new URLSearchParams({ source: 'generic', limit: '5' }));
		expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
		expect(res.headers.get('content-disposition')).toMatch(
			/^attachment; filename="vigil-tickets-\d{8}-\d{6}\.csv"$/
		);
		const [header, ...rows] = parseCsv(await res.text());
		expect(header).toEqual([...TICKET_CSV_COLUMNS]);
		expect(rows.map((r) => r[0])).toEqual(await walk({ source: 'generic' }, 200));
		const evil = rows.find((r) => r[0] === t.evil)!;
		expect(evil[header!.indexOf('pipeline')]).toBe(`'${INJECTION}`);
		expect(evil[header!.indexOf('error_message')]).toBe(`'${INJECTION}`);
		expect(evil[header!.indexOf('sla_seconds')]).toMatch(/^\d+$/);
	});

	it('pages past one batch of 500 without losing or repeating rows', async () => {
		await rt.pool.query(
			`insert into tickets (id, source, dedup_key, format, pipeline, run_id, severity, priority, category,
				error_type, error_message, root_cause, confidence, sla_seconds, sla_deadline, team, created_at)
			select 'CLN-' || lpad(g::text, 4, '0'), 'generic', 'clone-' || g, 'generic', 'pl_clone', 'clone-' || g,
				'Low', 'P4', 'unknown', 'Unknown', 'x', 'y', 'Low', 86400, now() + interval '1 day', 'clones',
				now() - (g % 7) * interval '1 second'
			from generate_series(1, 1234) g`
		);
		const res = exportTickets(rt.pool, new URLSearchParams({ team: 'clones' }));
		const [, ...rows] = parseCsv(await res.text());
		expect(rows).toHaveLength(1234);
		expect(new Set(rows.map((r) => r[0])).size).toBe(1234);
	});

	it('rejects a bad filter before streaming', () => {
		expect(() => exportTickets(rt.pool, new URLSearchParams({ priority: 'urgent' }))).toThrow(
			'priority must be one of P1, P2, P3, P4'
		);
	});

	it('streams the audit trail with every field', async () => {
		const res = exportAudit(rt.pool, new URLSearchParams({ action: 'Acknowledged' }));
		expect(res.headers.get('content-disposition')).toMatch(
			/filename="vigil-audit-\d{8}-\d{6}\.csv"/
		);
		const [header, ...rows] = parseCsv(await res.text());
		expect(header).toEqual([...AUDIT_CSV_COLUMNS]);
		expect(rows.map((r) => r[header!.indexOf('ticket_id')])).toEqual([t.adf, t.finance]);
		expect(JSON.parse(rows[0]![header!.indexOf('details')]!)).toMatchObject({ via: 'resolve' });
	});
});

describe('audit list at 100,000 entries', () => {
	type PlanNode = Record<string, unknown> & { Plans?: PlanNode[] };
	const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

	async function plan(params: Record<string, string>) {
		const { text, values } = auditListSql(parseAuditFilters(new URLSearchParams(params)));
		const r = await rt.pool.query(`explain (analyze, format json) ${text}`, values);
		const all = nodes(r.rows[0]['QUERY PLAN'][0].Plan).filter(
			(n) => n['Relation Name'] === 'audit_log' || n['Index Name']
		);
		return {
			types: all.map((n) => `${n['Node Type']}${n['Index Name'] ? ` ${n['Index Name']}` : ''}`),
			touched: all
				.filter((n) => n['Relation Name'] === 'audit_log')
				.reduce(
					(s, n) => s + Number(n['Actual Rows'] ?? 0) + Number(n['Rows Removed by Filter'] ?? 0),
					0
				)
		};
	}

	/**
	 * Loads the way a DBA would: secondary indexes dropped, rows inserted, the
	 * indexes rebuilt from their own definitions (so the schema's, not a copy).
	 * Keeps 100,000 rows with a GIN index to seconds.
	 */
	async function bulkLoadAudit(insert: string) {
		// Its own connection: the app pool cuts statements off after seconds (db/pool.ts), and a
		// bulk load with index rebuilds is a DBA's job, not a request's.
		const dba = new pg.Client(rt.databaseUrl);
		await dba.connect();
		try {
			const defs = (
				await dba.query(
					`select indexname, indexdef from pg_indexes i
					where tablename = 'audit_log' and not exists (
						select 1 from pg_constraint c where c.conname = i.indexname)`
				)
			).rows as { indexname: string; indexdef: string }[];
			expect(defs.map((d) => d.indexname)).toContain('audit_log_search_idx');
			for (const d of defs) await dba.query(`drop index ${d.indexname}`);
			await dba.query(insert);
			for (const d of defs) await dba.query(d.indexdef);
			await dba.query('analyze audit_log');
		} finally {
			await dba.end();
		}
	}

	it('uses an index on the first page and deep in the cursor chain, whatever the filter', async () => {
		await bulkLoadAudit(
			`insert into audit_log (ticket_id, pipeline, run_id, action, actor_name, actor_source, rca_summary, team)
			select 'BLK-20250101T000000-' || lpad(g::text, 6, '0'), 'pl_bulk_' || (g % 50), 'bulk-run-' || g,
				(array['Ticket Created', 'Acknowledged', 'Resolved', 'SLA Breached', 'Priority Changed'])[1 + g % 5],
				'Vigil', 'system',
				case when g = 77777 then 'Unique needle in the trail' else 'Bulk root cause ' || (g % 1000) end,
				'team-' || (g % 7)
			from generate_series(1, 100000) g`
		);
		expect((await listAudit(rt.pool, new URLSearchParams({ q: 'needle' }))).items).toHaveLength(1);
		const byIdPrefix = await listAudit(
			rt.pool,
			new URLSearchParams({ q: 'blk-20250101t000000-07777' })
		);
		expect(byIdPrefix.items).toHaveLength(10);

		const cases: Record<string, string>[] = [
			{},
			{ action: 'Resolved' },
			{ action: 'Resolved,SLA Breached' },
			{ ticket_id: 'BLK-20250101T000000-012345' },
			{ q: 'bulk' },
			{ q: 'needle' },
			{ q: 'BLK-20250101T000000-0777' },
			{ q: 'team-3 acknowledged' }
		];
		for (const filters of cases) {
			let cursor: string | null = null;
			for (let depth = 0; depth < 30; depth++) {
				const page = await listAudit(
					rt.pool,
					new URLSearchParams({ ...filters, limit: '200', ...(cursor ? { cursor } : {}) })
				);
				if (!page.next_cursor) break;
				cursor = page.next_cursor;
			}
			for (const c of [null, cursor]) {
				const params = { ...filters, ...(c ? { cursor: c } : {}) };
				const { types, touched } = await plan(params);
				const label = `${JSON.stringify(params)}: ${types.join(', ')}`;
				expect(
					types.some((n) => n.includes('Seq Scan')),
					label
				).toBe(false);
				expect(
					types.some((n) => n.includes('Index')),
					label
				).toBe(true);
				// An index scan that filters its way through the whole trail would pass
				// the checks above; the rows it touched give it away.
				expect(touched, label).toBeLessThan(5000);
			}
		}
	}, 120_000);
});

describe('ticket list by urgency', () => {
	const urgencyOrder = async (status: string) =>
		(
			await rt.pool.query(
				`select id from tickets where status = $1 order by sla_deadline, priority, id`,
				[status]
			)
		).rows.map((r) => r.id as string);

	let p1 = '';
	let p2s: string[] = [];
	beforeAll(async () => {
		// Breached long ago, breached just now, due soon, exact deadline ties broken by priority then id.
		const open = (await walk({ status: 'open', sort: 'newest' }, 200)).filter((id) =>
			bulk.includes(id)
		);
		const set = (ids: string[], sql: string) =>
			rt.pool.query(`update tickets set ${sql} where id = any($1::text[])`, [ids]);
		await set([open[0]!], `sla_deadline = now() - interval '3 hours', sla_status = 'Breached'`);
		await set([open[1]!], `sla_deadline = now() - interval '2 minutes', sla_status = 'Breached'`);
		await set(open.slice(2, 6), `sla_deadline = now() + interval '5 minutes', priority = 'P2'`);
		await set([open[6]!], `sla_deadline = now() + interval '5 minutes', priority = 'P1'`);
		// Same deadline to the microsecond for the P1 and its P2 peers.
		await set(
			open.slice(2, 7),
			`sla_deadline = (select sla_deadline from tickets where id = '${open[6]}')`
		);
		p1 = open[6]!;
		p2s = open.slice(2, 6);
		await set(open.slice(7, 10), `sla_deadline = '2026-12-01T00:00:00.000001Z', priority = 'P3'`);
	});

	it('lists breached longest first, then least time left, priority then id, on every page', async () => {
		const expected = await urgencyOrder('open');
		expect(expected.length).toBeGreaterThan(20);
		for (const limit of [200, 7]) {
			const ids = await walk({ status: 'open', sort: 'urgency' }, limit);
			expect(ids, `limit ${limit}`).toEqual(expected);
		}
		const bulkOrder = expected.filter((id) => bulk.includes(id));
		for (const limit of [3, 1])
			expect(await walk({ status: 'open', sort: 'urgency', q: 'bulk' }, limit)).toEqual(bulkOrder);
		const first = (
			await listTickets(
				rt.pool,
				new URLSearchParams({ status: 'open', sort: 'urgency', limit: '3' })
			)
		).items;
		expect(first[0]!.sla_status).toBe('Breached');
		expect(first[1]!.sla_status).toBe('Breached');
		expect(Date.parse(first[0]!.sla_deadline)).toBeLessThan(Date.parse(first[1]!.sla_deadline));
		const all = await walk({ status: 'open', sort: 'urgency' }, 5);
		const p2At = p2s.map((id) => all.indexOf(id));
		// The P1 before its P2 peers with the same deadline, and those by id.
		expect(Math.min(...p2At)).toBe(all.indexOf(p1) + 1);
		expect(all.slice(all.indexOf(p1) + 1, all.indexOf(p1) + 5)).toEqual([...p2s].sort());
		expect(await walk({ status: 'in_progress', sort: 'urgency' }, 1)).toEqual(
			await urgencyOrder('in_progress')
		);
	});

	it('keeps newest first when asked or by default, and refuses a cursor of the other order', async () => {
		const newest = (
			await rt.pool.query(
				`select id from tickets where status = 'open' order by created_at desc, id desc`
			)
		).rows.map((r) => r.id);
		expect(await walk({ status: 'open', sort: 'newest' }, 4)).toEqual(newest);
		expect(await walk({ status: 'open' }, 4)).toEqual(newest);
		const byUrgency = await listTickets(
			rt.pool,
			new URLSearchParams({ status: 'open', sort: 'urgency', limit: '2' })
		);
		for (const query of <Record<string, string>[]>[
			{ status: 'open', sort: 'newest', cursor: byUrgency.next_cursor! },
			{ status: 'open', cursor: byUrgency.next_cursor! },
			{ sort: 'soonest' }
		]) {
			const err = await listTickets(rt.pool, new URLSearchParams(query)).catch((e) => e);
			expect(err).toBeInstanceOf(ApiError);
			expect(err.status).toBe(400);
		}
	});

	it('the board merges a live ticket at its urgency position, in the order the server would list it', async () => {
		const data = emptyBoard({ open: 0, in_progress: 0, closed: 0 });
		const first = await listTickets(
			rt.pool,
			new URLSearchParams({ status: 'open', sort: 'urgency', limit: '10' })
		);
		reconcile(data, first.items, first.next_cursor !== null, undefined, 'urgency');
		// A new failure, newest of all, whose SLA ends just after the 4th card loaded.
		const id = await generic('pl_urgent_live_merge', 'urgent-live-1', 'Timeout while copying');
		const fourth = first.items[3]!;
		await rt.pool.query(
			`update tickets set sla_deadline = $2::timestamptz + interval '1 millisecond', priority = 'P1', version = version + 1
			where id = $1`,
			[id, fourth.sla_deadline]
		);
		const live = (await getTicket(rt.pool, id))!.ticket;
		const matches = (x: typeof live) =>
			x.status === 'open' && !beyondLoaded(data, x, first.next_cursor !== null, 'urgency');
		expect(applyTicket(data, live, 'created', matches).outcome).toBe('entered');
		const board = sortedTickets(data, 'urgency').map((x) => x.id);
		const server = await walk({ status: 'open', sort: 'urgency' }, 200);
		expect(board.indexOf(id)).toBeGreaterThanOrEqual(4);
		expect(board.indexOf(id)).toBe(server.indexOf(id));
		expect(board).toEqual(server.slice(0, board.length));

		// One due after every loaded card waits for "Load more" instead of showing at the bottom.
		const later = await generic('pl_urgent_live_merge_later', 'urgent-live-2', 'Timeout again');
		await rt.pool.query(
			`update tickets set sla_deadline = now() + interval '30 days', version = version + 1 where id = $1`,
			[later]
		);
		const far = (await getTicket(rt.pool, later))!.ticket;
		expect(applyTicket(data, far, 'created', matches).outcome).toBe('outside');
		expect(sortedTickets(data, 'urgency').map((x) => x.id)).toEqual(board);
	});
});
