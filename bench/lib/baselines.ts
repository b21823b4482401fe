/** The two bare-`pg` baselines Vigil's ingest is compared with, run at the same concurrency. */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { newTicketId } from '#lib/server/tickets/ids.ts';
import type { CapturedIngest, TxTemplate } from './capture.ts';
import { freshLike, payload } from './fixtures.ts';
import { closedLoop, type LoopOptions, type LoopResult } from './loop.ts';

const SETTINGS_TTL_MS = 5000; // as src/lib/server/routing/cache.ts

/** The captured parameters with every unique key and clock reading made fresh. */
export function freshValues(t: TxTemplate): unknown[][] {
	const now = new Date();
	const deadline = new Date(now.getTime() + (t.swap.deadline.getTime() - t.swap.now.getTime()));
	const pairs: [string, string][] = [
		[t.swap.ticketId, newTicketId(t.source, now)],
		[t.swap.requestId, randomUUID()],
		[t.swap.runId, freshLike(t.swap.runId)],
		[t.swap.deadline.toISOString(), deadline.toISOString()],
		[t.swap.now.toISOString(), now.toISOString()]
	];
	// A dedup key made from the run id changes with it; one that is not (an alert id, a hash) needs its own.
	if (!t.swap.dedupKey.includes(t.swap.runId))
		pairs.push([t.swap.dedupKey, freshLike(t.swap.dedupKey)]);
	const fresh = (v: unknown): unknown => {
		if (typeof v === 'string')
			return pairs.reduce((s, [from, to]) => (s.includes(from) ? s.replaceAll(from, to) : s), v);
		if (v instanceof Date) {
			if (v.getTime() === t.swap.now.getTime()) return now;
			if (v.getTime() === t.swap.deadline.getTime()) return deadline;
		}
		return v;
	};
	return t.statements.map((s) => s.values.map(fresh));
}

/**
 * Baseline 1: per webhook, the API-key SELECT and then exactly the transaction
 * Vigil's ingest executes (ticket, audit entry, two pg-boss jobs, raw event),
 * plus the settings reads every 5 s — no HTTP, no parsing, no ORM.
 */
export function sameTransaction(
	pool: pg.Pool,
	captured: CapturedIngest,
	opts: LoopOptions
): Promise<LoopResult> {
	const { templates, keySelect, settingsReads } = captured;
	let settingsAt = 0;
	return closedLoop(opts, async (seq) => {
		const t = templates[seq % templates.length]!;
		const values = freshValues(t);
		const key = await pool.query(keySelect.text, keySelect.values);
		if (key.rows.length !== 1) return 'ingest key not found';
		if (Date.now() - settingsAt >= SETTINGS_TTL_MS) {
			settingsAt = Date.now();
			await Promise.all(settingsReads.map((s) => pool.query(s.text, s.values)));
		}
		const client = await pool.connect();
		try {
			for (let k = 0; k < t.statements.length; k++) {
				const s = t.statements[k]!;
				const r = await client.query(s.text, values[k]);
				// Fewer rows than captured means the replay took another path (a dedup conflict).
				if (r.rows.length !== s.rows)
					throw new Error(`replay diverged at statement ${k}: ${r.rows.length} rows`);
			}
			return true;
		} catch (err) {
			await client.query('rollback').catch(() => {});
			throw err;
		} finally {
			client.release();
		}
	});
}

export const PLAIN_TABLE = 'bench_plain_insert';

export async function createPlainTable(pool: pg.Pool): Promise<void> {
	await pool.query(
		`create table if not exists ${PLAIN_TABLE} (id bigserial primary key, payload text not null)`
	);
}

/** Baseline 2: the cheapest durable write, one-row INSERT transactions (the webhook body as payload). */
export function plainInsert(pool: pg.Pool, opts: LoopOptions): Promise<LoopResult> {
	return closedLoop(opts, async (seq) => {
		const body = payload(seq).body;
		const client = await pool.connect();
		try {
			await client.query('begin');
			await client.query(`insert into ${PLAIN_TABLE} (payload) values ($1)`, [body]);
			await client.query('commit');
			return true;
		} catch (err) {
			await client.query('rollback').catch(() => {});
			throw err;
		} finally {
			client.release();
		}
	});
}
