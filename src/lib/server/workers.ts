import type { PgBoss } from 'pg-boss';
import type { ConnectionKind } from './connections/entities.ts';
import type { DatabricksClient } from './databricks/client.ts';
import type { EnrichOptions } from './databricks/enrich.ts';
import { runEnrichment } from './databricks/worker.ts';
import type { Pool } from './db/pool.ts';
import { send, work } from './jobs/boss.ts';
import { markBreached, markDueBreached } from './tickets/lifecycle.ts';
import { publish } from './events.ts';
import { recountIncident } from './incidents/grouping.ts';
import { log } from './log.ts';
import { pruneMcpCalls } from './mcp/calls.ts';
import { ingestSettings } from './routing/cache.ts';
import type { RcaModel, RcaOptions } from './triage/rca.ts';
import { offlineBatcher } from './triage/offline.ts';
import { runTriage } from './triage/worker.ts';

export interface WorkerDeps {
	pool: Pool;
	boss: PgBoss;
	geminiModel(): Promise<RcaModel | null>;
	databricksClient(): Promise<DatabricksClient | null>;
	/** Records a vendor call's outcome on its connection, for the admin page. */
	reportHealth(kind: ConnectionKind): (ok: boolean, error?: string) => Promise<void>;
	rcaOptions?: Partial<RcaOptions>;
	enrichOptions?: Partial<EnrichOptions>;
	/** Days the MCP access log keeps a call (VIGIL_MCP_LOG_DAYS). */
	mcpLogDays: number;
}

/**
 * The job workers of the core capabilities: triage, Databricks enrichment and
 * the SLA breach timer. Slack registers its own when it starts.
 */
export async function registerWorkers(deps: WorkerDeps): Promise<void> {
	const { pool, boss } = deps;
	const offline = offlineBatcher(pool, boss);
	await work(
		boss,
		'triage.analyze',
		(data) =>
			runTriage(
				{
					pool,
					boss,
					model: () => deps.geminiModel(),
					reportHealth: deps.reportHealth('gemini'),
					finishOffline: offline,
					rcaOptions: {
						maxAttempts: 3,
						baseDelayMs: 1000,
						maxDelayMs: 30_000,
						...deps.rcaOptions
					}
				},
				data.ticketId
			),
		// Mostly waiting on Gemini: enough in flight that a burst of failures is explained in
		// seconds, not minutes (an AI job holds no connection while it waits). Offline, a fetched
		// batch is finished in one transaction (offlineBatcher): batches of 8 fetched back to back
		// while they come back full cost three commits per 8 jobs (fetch, finish, complete), and
		// drain 5,000 queued jobs in about 10 s here (bench/ingest's backlog phase: 16.5 s with
		// one transaction per job in batches of 4, same run conditions).
		{ localConcurrency: 4, batchSize: 8 }
	);
	await work(boss, 'databricks.enrich-run', (data) =>
		runEnrichment(
			{
				pool,
				boss,
				client: () => deps.databricksClient(),
				reportHealth: deps.reportHealth('databricks'),
				options: {
					maxAttempts: 4,
					baseDelayMs: 1000,
					maxDelayMs: 30_000,
					...deps.enrichOptions
				}
			},
			data.ticketId
		)
	);
	// The durable breach timer: a job with `startAfter` at the deadline, stored in PostgreSQL,
	// so it fires after restarts and on any instance. A ticket's own, or an ingest batch's
	// (one per deadline in the batch: every ticket due by then). markBreached re-checks each
	// ticket, so a stale timer (acknowledged, or re-armed for a new priority) is harmless.
	await work(boss, 'sla.check-breach', async (data) => {
		if (data.ticketId) await markBreached(pool, data.ticketId);
		else if (await markDueBreached(pool))
			// More were due than one run marks: the rest right away, in a job of their own.
			await send(boss, 'sla.check-breach', { deadline: data.deadline });
	});
	// An incident's count and priority after failures joined it (incidents/grouping.ts).
	await work(boss, 'incidents.recount', async (data) => {
		const sla = (await ingestSettings(pool)).sla;
		const done = await recountIncident(pool, boss, data.incidentId, sla);
		if (!done) return;
		publish('ticket:updated', done.incident);
		for (const a of done.audits) publish('audit:appended', a);
	});
	await work(boss, 'mcp.prune-calls', async () => {
		const deleted = await pruneMcpCalls(pool, deps.mcpLogDays);
		if (deleted) log.info({ deleted, days: deps.mcpLogDays }, 'MCP access log pruned');
	});
	// Every instance declares the same schedule (an upsert); pg-boss sends each hour's job once.
	await boss.schedule('mcp.prune-calls', '47 * * * *', {}, { tz: 'UTC' });
}
