import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createPool, DB_TIMEOUTS, type Pool } from '../../src/lib/server/db/pool.ts';
import { handleWebhook, type WebhookDeps } from '../../src/lib/server/http/webhooks.ts';
import { createIngestBatcher } from '../../src/lib/server/ingest/batch.ts';
import { metrics } from '../../src/lib/server/metrics.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startTestRuntime } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';
import { withDatabase } from '../support/global-setup.ts';
import { webhookRequest } from '../support/http.ts';
import { eventually } from '../support/tickets.ts';

// The text indexes' pending lists are merged beside ingest (db/gin-merges.ts), so no batch's
// INSERT stalls on a merge. What an on-call engineer would notice otherwise is latency, which
// bench:ingest measures; here: the lists a storm leaves are merged by Vigil within moments,
// one instance at a time, and without the merger they stay until their 4 MB limit.

let rt: Runtime;
/** The superuser on the runtime's database: pgstattuple reads the GIN metapages. */
let admin: pg.Client;
let pipelined: Pool;
beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false, poolSize: 10 });
	admin = new pg.Client(
		withDatabase(inject('adminUrl'), new URL(rt.databaseUrl).pathname.slice(1))
	);
	await admin.connect();
	await admin.query('create extension if not exists pgstattuple');
	pipelined = createPool(rt.databaseUrl, 1, DB_TIMEOUTS, { pipeline: true });
});
afterAll(async () => {
	await admin?.end();
	await pipelined?.end();
	await rt?.stop();
});

/** Entries waiting in each GIN index of tickets and audit_log, by index name. */
async function pending(): Promise<Record<string, number>> {
	const r = await admin.query<{ name: string; tuples: number }>(
		`select c.relname as name, (pgstatginindex(c.oid)).pending_tuples::int as tuples
		from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
		where a.amname = 'gin' and i.indrelid in ('tickets'::regclass, 'audit_log'::regclass)
		order by 1`
	);
	return Object.fromEntries(r.rows.map((row) => [row.name, row.tuples]));
}

const storm = (deps: WebhookDeps, prefix: string, n: number) =>
	Promise.all(
		Array.from({ length: n }, async (_, i) => {
			const body = {
				...fixture<Record<string, unknown>>('generic/airflow-task-failed.json'),
				run_id: `${prefix}-${i}`
			};
			const res = await handleWebhook(deps, 'generic', webhookRequest('generic', body), 'req-gin');
			return res.status;
		})
	);

const merged = async (outcome: 'merged' | 'skipped') =>
	(await metrics.ginMerges.get()).values.find((v) => v.labels.outcome === outcome)?.value ?? 0;

describe('text-index pending lists merged beside ingest', () => {
	it('leaves a storm’s entries pending without the merger, and merges them within moments with it', async () => {
		const indexes = await pending();
		expect(Object.keys(indexes).sort()).toEqual([
			'audit_log_search_idx',
			'tickets_recovery_keys_idx',
			'tickets_search_idx',
			'tickets_unresolved_search_idx'
		]);

		// A batcher as before: nothing merges the lists short of their 4 MB limit.
		const unmerged = {
			...rt,
			ingestBatcher: createIngestBatcher({ pool: pipelined, boss: rt.boss })
		};
		expect(await storm(unmerged, 'gin-before', 150)).toEqual(Array(150).fill(201));
		await new Promise((r) => setTimeout(r, 1000));
		const left = await pending();
		// pgstatginindex counts the rows waiting, one per ticket or audit entry.
		expect(left.tickets_search_idx).toBe(150);
		expect(left.tickets_unresolved_search_idx).toBe(150);
		expect(left.audit_log_search_idx).toBeGreaterThanOrEqual(150);

		// The runtime's batcher tells its merger after each commit.
		const before = await merged('merged');
		expect(await storm(rt, 'gin-after', 150)).toEqual(Array(150).fill(201));
		await eventually(pending, (p) => Object.values(p).every((n) => n === 0), 5000);
		expect(await merged('merged')).toBeGreaterThan(before);
		// Merged, not lost: search still finds tickets of both storms.
		const found = await rt.pool.query<{ n: number }>(
			`select count(*)::int as n from tickets where search @@ to_tsquery('simple', 'gin') and run_id like 'gin-%'`
		);
		expect(found.rows[0]!.n).toBe(300);
	});

	it('merges on one instance at a time: while another holds the merge, this one skips and merges later', async () => {
		// Another instance merging, as the advisory lock shows it.
		await admin.query(`select pg_advisory_lock(hashtextextended('vigil:gin-merge', 0))`);
		const skipped = await merged('skipped');
		try {
			expect(await storm(rt, 'gin-held', 100)).toEqual(Array(100).fill(201));
			await eventually(
				() => merged('skipped'),
				(n) => n > skipped,
				5000
			);
			expect((await pending()).tickets_search_idx).toBeGreaterThan(0);
		} finally {
			await admin.query(`select pg_advisory_unlock(hashtextextended('vigil:gin-merge', 0))`);
		}
		expect(await storm(rt, 'gin-freed', 20)).toEqual(Array(20).fill(201));
		await eventually(pending, (p) => Object.values(p).every((n) => n === 0), 5000);
	});
});
