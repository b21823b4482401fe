/**
 * npm run bench:reads — the reads a board, the API and an export make, at a small and at a
 * year's volume (10k and 1M tickets by default), each beside a same-run baseline: a
 * primary-key lookup of one ticket on the same pool. The server's own functions are called
 * (the board's load, listTickets, ticketStats, analytics, getTicket, exportTickets) on a
 * database migrated with Vigil's migrations and seeded in SQL, so what is measured is the
 * queries and the Node work around them, without HTTP.
 *
 *   npm run bench:reads                        # 10k and 1M
 *   npm run bench:reads -- --sizes 10000,100000
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:reads -- --reuse
 *
 * With BENCH_DATABASE_URL the bench creates (and keeps) one database per size on that server,
 * `vigil_bench_reads_<size>`; `--reuse` keeps one already seeded with that many tickets
 * (migrations still run, so new indexes are measured). Without it, a fresh embedded cluster.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ENTITIES } from '#lib/server/entities.ts';
import { createOrm } from '#lib/server/db/orm.ts';
import { getTicket, listTickets, ticketStats } from '#lib/server/tickets/queries.ts';
import { boardData } from '#lib/server/tickets/board.ts';
import { ingestSettings } from '#lib/server/routing/cache.ts';
import { analytics } from '#lib/server/analytics/queries.ts';
import { exportTickets } from '#lib/server/export/exports.ts';
import { benchPool, startDatabase } from './lib/database.ts';
import { seedTickets, TEAMS } from './lib/seed.ts';
import { median, percentiles, type Percentiles } from './lib/stats.ts';

const { values: args } = parseArgs({
	options: {
		sizes: { type: 'string', default: '10000,1000000' },
		samples: { type: 'string', default: process.env.BENCH_SAMPLES ?? '60' },
		reuse: { type: 'boolean', default: false },
		'skip-export': { type: 'boolean', default: false },
		'skip-writes': { type: 'boolean', default: false }
	}
});
const SIZES = args.sizes.split(',').map((s) => Number(s.trim()));
if (SIZES.some((n) => !Number.isInteger(n) || n < 100))
	throw new Error('--sizes: a comma list of ticket counts, each at least 100');
const SAMPLES = Number(args.samples);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const log = (msg: string) => process.stderr.write(`[bench:reads] ${msg}\n`);

interface Read {
	name: string;
	run: (pool: pg.Pool) => Promise<unknown>;
	/** Untimed, before each sample. */
	prepare?: (pool: pg.Pool) => Promise<unknown>;
}

/** Follows `pages - 1` cursors first, then times the page after them: deep pages must not slow down. */
async function cursorAt(pool: pg.Pool, params: Record<string, string>, pages: number) {
	let cursor: string | undefined;
	for (let i = 0; i < pages - 1; i++) {
		const page = await listTickets(
			pool,
			new URLSearchParams({ ...params, ...(cursor ? { cursor } : {}) })
		);
		cursor = page.next_cursor ?? undefined;
		if (!cursor) break;
	}
	return cursor;
}

async function readsFor(pool: pg.Pool): Promise<Read[]> {
	const ids = (
		await pool.query<{ id: string }>(`select id from tickets tablesample system (1) limit 200`)
	).rows.map((r) => r.id);
	if (ids.length === 0)
		ids.push(
			...(await pool.query<{ id: string }>(`select id from tickets limit 200`)).rows.map(
				(r) => r.id
			)
		);
	let n = 0;
	const anyId = () => ids[n++ % ids.length]!;
	const list = (params: Record<string, string>) => (p: pg.Pool) =>
		listTickets(p, new URLSearchParams(params));
	const deepNewest = await cursorAt(pool, { status: 'closed', sort: 'newest', limit: '50' }, 40);
	const deepUrgency = await cursorAt(pool, { sort: 'urgency', limit: '50' }, 40);
	// The board's load: its page and counts beside the (cached) routing settings.
	const board = (query: string) => (p: pg.Pool) =>
		Promise.all([boardData(p, new URLSearchParams(query)), ingestSettings(p)]);
	return [
		{
			name: 'baseline: ticket by primary key',
			run: (p) => p.query(`select * from tickets where id = $1`, [anyId()])
		},
		{ name: 'board: open (default view)', run: board('') },
		{ name: 'board: closed, newest', run: board('status=closed') },
		{ name: 'board: open, P1 + team', run: board(`priority=P1&team=${TEAMS[2]}`) },
		{
			name: 'board: closed, severity+source+sla',
			run: board('status=closed&severity=Critical&source=adf&sla_status=Breached')
		},
		{ name: 'board: open, search pipeline_317', run: board('q=pipeline_317') },
		{ name: 'board: open, SLA breached', run: board('sla_status=Breached') },
		{ name: 'api/tickets status=open', run: list({ status: 'open' }) },
		{
			name: 'api/tickets status=in_progress urgency',
			run: list({ status: 'in_progress', sort: 'urgency' })
		},
		{ name: 'api/tickets priority=P1 team', run: list({ priority: 'P1', team: TEAMS[2] }) },
		{
			name: 'api/tickets priority=P2,P3 team urgency',
			run: list({ priority: 'P2,P3', team: TEAMS[5], sort: 'urgency' })
		},
		{
			name: 'api/tickets severity+source+sla',
			run: list({ severity: 'Critical', source: 'adf', sla_status: 'Breached' })
		},
		{
			name: 'api/tickets severity+source+sla urgency',
			run: list({ severity: 'Critical', source: 'adf', sla_status: 'Breached', sort: 'urgency' })
		},
		{
			name: 'api/tickets source+sla_status',
			run: list({ source: 'databricks', sla_status: 'Breached' })
		},
		// Combinations the seed never makes (priority follows severity; Met only on resolved
		// tickets): the list has to prove there is nothing, the slowest case for a filter.
		{
			name: 'api/tickets P4 + Critical (none)',
			run: list({ priority: 'P4', severity: 'Critical' })
		},
		{
			name: 'api/tickets open + Met (none)',
			run: list({ status: 'open', sla_status: 'Met' })
		},
		{
			name: 'board: P4 + Critical (none)',
			run: board('priority=P4&severity=Critical')
		},
		{ name: 'api/tickets q=ledger (common word)', run: list({ q: 'ledger' }) },
		{ name: 'api/tickets q=pipeline_317 (rare)', run: list({ q: 'pipeline_317' }) },
		{ name: 'api/tickets q=ticket id prefix', run: () => list({ q: anyId().slice(0, 14) })(pool) },
		{ name: 'api/tickets sort=urgency (all)', run: list({ sort: 'urgency' }) },
		{
			name: 'api/tickets closed newest, page 40',
			run: list({
				status: 'closed',
				sort: 'newest',
				limit: '50',
				...(deepNewest ? { cursor: deepNewest } : {})
			})
		},
		{
			name: 'api/tickets urgency, page 40',
			run: list({ sort: 'urgency', limit: '50', ...(deepUrgency ? { cursor: deepUrgency } : {}) })
		},
		{ name: 'api/stats', run: (p) => ticketStats(p) },
		{ name: 'api/analytics 7d', run: (p) => analytics(p, '7d') },
		{ name: 'api/analytics 90d', run: (p) => analytics(p, '90d') },
		{
			// Kept figures are served again only while no ticket changed: this is the first call after one.
			name: 'api/analytics 90d, a ticket changed',
			prepare: (p) =>
				p.query(`update tickets set sla_status = case sla_status when 'Met' then 'Breached' else 'Met' end
					where id = (select id from tickets where status = 'closed' order by created_at desc limit 1)`),
			run: (p) => analytics(p, '90d')
		},
		{ name: 'ticket page', run: (p) => getTicket(p, anyId()) }
	];
}

async function measure(pool: pg.Pool, read: Read): Promise<Percentiles> {
	for (let i = 0; i < WARMUP; i++) await read.run(pool);
	const times: number[] = [];
	for (let i = 0; i < SAMPLES; i++) {
		await read.prepare?.(pool);
		const t = performance.now();
		await read.run(pool);
		times.push(performance.now() - t);
	}
	return percentiles(times);
}

interface ExportResult {
	rows: number;
	bytes: number;
	seconds: number;
	rssPeakMb: number;
	/** The same export run again in the same process. */
	againRssPeakMb?: number;
	heapPeakMb: number;
}

/** Reads the whole CSV as a client would, sampling this process's memory meanwhile. */
async function measureExport(pool: pg.Pool, query: string): Promise<ExportResult> {
	globalThis.gc?.();
	const before = process.memoryUsage();
	let rssPeak = before.rss;
	let heapPeak = before.heapUsed;
	const sampler = setInterval(() => {
		const m = process.memoryUsage();
		rssPeak = Math.max(rssPeak, m.rss);
		heapPeak = Math.max(heapPeak, m.heapUsed);
	}, 10);
	const t = performance.now();
	const res = exportTickets(pool, new URLSearchParams(query));
	let bytes = 0;
	let lines = 0;
	for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
		bytes += chunk.byteLength;
		for (const b of chunk) if (b === 10) lines++;
	}
	const seconds = (performance.now() - t) / 1000;
	clearInterval(sampler);
	return {
		rows: lines - 1,
		bytes,
		seconds,
		rssPeakMb: (rssPeak - before.rss) / 2 ** 20,
		heapPeakMb: (heapPeak - before.heapUsed) / 2 ** 20
	};
}

/** What the analytics' change-count triggers add to one write, with them and without, in the same run. */
interface WriteCost {
	/** Median over rounds of the mean ms per one-row statement (each its own transaction). */
	insert: { with: number; without: number };
	update: { with: number; without: number };
}

const WRITE_ROUNDS = 6;
const WRITES_PER_ROUND = 150;
const ANALYTICS_TRIGGERS = ['insert', 'update', 'delete'].map((t) => `tickets_analytics_${t}`);

/**
 * One-row INSERT and UPDATE transactions (the shape of a webhook's and an acknowledge's ticket
 * write), alternating rounds with the analytics triggers enabled and disabled. Every ticket
 * written is deleted again and the table vacuumed, so a kept database is left as it was.
 */
async function measureWriteCost(pool: pg.Pool): Promise<WriteCost> {
	const rounds = { insert: { with: [], without: [] }, update: { with: [], without: [] } } as Record<
		'insert' | 'update',
		Record<'with' | 'without', number[]>
	>;
	const toggle = (on: boolean) =>
		pool.query(
			ANALYTICS_TRIGGERS.map(
				(t) => `alter table tickets ${on ? 'enable' : 'disable'} trigger ${t}`
			).join(';')
		);
	try {
		for (let round = 0; round < WRITE_ROUNDS * 2; round++) {
			const on = round % 2 === 0;
			await toggle(on);
			const ids: string[] = [];
			let t = performance.now();
			for (let i = 0; i < WRITES_PER_ROUND; i++)
				ids.push(
					...(await seedTickets(pool, { count: 1, tag: `wcost-${round}-${i}-`, shape: 'pending' }))
				);
			rounds.insert[on ? 'with' : 'without'].push((performance.now() - t) / WRITES_PER_ROUND);
			t = performance.now();
			for (const id of ids)
				await pool.query(
					`update tickets set status = 'in_progress', ack_seconds = 42, sla_status = 'Met' where id = $1`,
					[id]
				);
			rounds.update[on ? 'with' : 'without'].push((performance.now() - t) / WRITES_PER_ROUND);
		}
	} finally {
		await toggle(true);
		await pool.query(`delete from tickets where dedup_key like 'seed:wcost-%'`);
		// The next run's reads would otherwise step over every row version written here (with
		// autovacuum off, as on a development server, they stay until someone vacuums).
		await pool.query('vacuum analyze tickets');
	}
	return {
		insert: { with: median(rounds.insert.with), without: median(rounds.insert.without) },
		update: { with: median(rounds.update.with), without: median(rounds.update.without) }
	};
}

async function prepare(adminUrl: string, size: number): Promise<string> {
	const name = `vigil_bench_reads_${size}`;
	const admin = new pg.Client(adminUrl);
	await admin.connect();
	const url = new URL(adminUrl);
	url.pathname = `/${name}`;
	try {
		const exists = (await admin.query(`select 1 from pg_database where datname = $1`, [name]))
			.rowCount;
		if (exists && args.reuse) {
			const db = new pg.Client(url.toString());
			await db.connect();
			const count = await db
				.query<{ n: string }>(`select count(*) as n from tickets`)
				.then((r) => Number(r.rows[0]!.n))
				.catch(() => -1);
			await db.end();
			if (count === size) {
				log(`${name}: reusing ${size} tickets`);
				await migrateDb(url.toString());
				return url.toString();
			}
		}
		if (exists) await admin.query(`drop database ${name} with (force)`);
		await admin.query(`create database ${name}`);
	} finally {
		await admin.end();
	}
	await migrateDb(url.toString());
	await seed(url.toString(), size);
	return url.toString();
}

async function migrateDb(url: string) {
	const orm = await createOrm(url, ENTITIES, { poolMax: 1, timeouts: false });
	try {
		await orm.migrator.up();
	} finally {
		await orm.close(true);
	}
}

async function seed(url: string, size: number) {
	const pool = benchPool(url, 2);
	try {
		const t = performance.now();
		await seedTickets(pool, { count: size, tag: 'r', shape: 'year', chunk: 50_000 });
		log(`seeded ${size} tickets in ${((performance.now() - t) / 1000).toFixed(1)} s`);
		// A ticket's trail: created, and for the handled ones acknowledged and resolved.
		const t2 = performance.now();
		await pool.query(`insert into audit_log (at, ticket_id, pipeline, run_id, action, actor_name, actor_source, team)
			select created_at, id, pipeline, run_id, 'created', 'system', 'system', team from tickets
			union all
			select acknowledged_at, id, pipeline, run_id, 'acknowledged', acknowledged_by, 'dashboard', team
				from tickets where acknowledged_at is not null
			union all
			select resolved_at, id, pipeline, run_id, 'resolved', resolved_by, 'dashboard', team
				from tickets where resolved_at is not null`);
		log(`seeded the audit trail in ${((performance.now() - t2) / 1000).toFixed(1)} s`);
		await pool.query('vacuum analyze tickets');
		await pool.query('vacuum analyze audit_log');
	} finally {
		await pool.end();
	}
}

interface Result {
	reads: Record<string, Percentiles>;
	exp?: ExportResult;
	writes?: WriteCost;
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : '—');

async function main() {
	const external = process.env.BENCH_DATABASE_URL;
	const db = await startDatabase(external);
	const results: Record<number, Result> = {};
	try {
		for (const size of SIZES) {
			log(`preparing ${size} tickets`);
			const url = await prepare(db.url, size);
			// The server's pool size: the board's load runs its queries side by side.
			const pool = benchPool(url, 10);
			try {
				const reads = await readsFor(pool);
				const out: Record<string, Percentiles> = {};
				for (const read of reads) {
					out[read.name] = await measure(pool, read);
					log(`${size}: ${read.name} p95 ${fmt(out[read.name]!.p95)} ms`);
				}
				results[size] = { reads: out };
				if (!args['skip-export']) {
					// Twice: the first also grows V8's heap to its working size; the second shows
					// whether a whole export still adds memory once the process is warm.
					const exp = await measureExport(pool, `team=${TEAMS[2]}`);
					exp.againRssPeakMb = (await measureExport(pool, `team=${TEAMS[2]}`)).rssPeakMb;
					results[size]!.exp = exp;
					log(`${size}: export ${exp.rows} rows ${fmt(exp.seconds, 2)} s`);
				}
				if (!args['skip-writes']) results[size]!.writes = await measureWriteCost(pool);
			} finally {
				await pool.end();
			}
		}
	} finally {
		await db.stop();
	}
	report(results);
}

function report(results: Record<number, Result>) {
	const sizes = Object.keys(results).map(Number);
	const names = Object.keys(results[sizes[0]!]!.reads);
	const base = (s: number) => results[s]!.reads[names[0]!]!.p95;
	const head = ['read', ...sizes.flatMap((s) => [`${s} p50`, `${s} p95`, `×base`])];
	const rows = names.map((name) => [
		name,
		...sizes.flatMap((s) => {
			const p = results[s]!.reads[name]!;
			return [fmt(p.p50), fmt(p.p95), fmt(p.p95 / base(s))];
		})
	]);
	const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
	const line = (cells: string[]) =>
		cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
	console.log(
		`\nReads, ms (${SAMPLES} sequential samples each; ×base = p95 over the primary-key lookup's p95)\n`
	);
	console.log(line(head));
	for (const r of rows) console.log(line(r));
	console.log('\nCSV export (one team, read to the end)');
	for (const s of sizes) {
		const e = results[s]!.exp;
		if (e)
			console.log(
				`  ${s}: ${e.rows} rows, ${fmt(e.bytes / 2 ** 20)} MB in ${fmt(e.seconds, 2)} s; RSS +${fmt(e.rssPeakMb)} MB, heap +${fmt(e.heapPeakMb)} MB at peak; run again: RSS +${fmt(e.againRssPeakMb ?? Number.NaN)} MB`
			);
	}
	console.log(
		`\nOne-row write transactions, mean ms (median of ${WRITE_ROUNDS} rounds of ${WRITES_PER_ROUND}), with / without the analytics change-count triggers`
	);
	for (const s of sizes) {
		const w = results[s]!.writes;
		if (w)
			console.log(
				`  ${s}: insert ${fmt(w.insert.with, 3)} / ${fmt(w.insert.without, 3)}; update ${fmt(w.update.with, 3)} / ${fmt(w.update.without, 3)}`
			);
	}
	console.log(JSON.stringify({ samples: SAMPLES, results }));
}

await main();
