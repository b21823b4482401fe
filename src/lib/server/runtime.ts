import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { PgBoss } from 'pg-boss';
import { parseCookie } from './auth/cookies.ts';
import { createAuthLimits, type AuthLimits } from './auth/limits.ts';
import {
	recheckCredentials,
	SESSION_COOKIE,
	sessionPrincipal,
	tokenPrincipal,
	type AuthUser,
	type Principal
} from './auth/sessions.ts';
import { bootstrapAccounts, encryptionKey, type Generated } from './bootstrap.ts';
import type { Config } from './config.ts';
import { loadConnection, recordConnectionResult, seedConnections } from './connections/service.ts';
import type { ConnectionKind } from './connections/entities.ts';
import { createDatabricksClient, type DatabricksClient } from './databricks/client.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.ts';
import { createOrm, migrate, type Orm } from './db/orm.ts';
import { withStartupLock } from './db/lock.ts';
import { CACHE_CHANNEL, listen } from './db/notify.ts';
import { createGinMerger } from './db/gin-merges.ts';
import { createPool, DB_TIMEOUTS, type Pool } from './db/pool.ts';
import { ENTITIES } from './entities.ts';
import { startBoss } from './jobs/boss.ts';
import { createAdmission, type Admission } from './ingest/admission.ts';
import {
	createIngestBatcher,
	INGEST_BATCHES_IN_FLIGHT,
	type IngestBatcher
} from './ingest/batch.ts';
import { createIngestRateLimits, type IngestRateLimits } from './ingest/rate-limit.ts';
import { log } from './log.ts';
import { createMcpEndpoint, type McpEndpoint } from './mcp/server.ts';
import { MCP_CHANNEL } from './mcp/streams.ts';
import { metrics } from './metrics.ts';
import { attachRealtime } from './realtime/broadcast.ts';
import { joinCluster, type Cluster } from './realtime/cluster.ts';
import { onSocketServer } from './realtime/seam.ts';
import { invalidateGroupingSettings } from './incidents/settings.ts';
import { invalidateIngestSettings } from './routing/cache.ts';
import { createGeminiClient } from './triage/llm.ts';
import type { RcaModel, RcaOptions } from './triage/rca.ts';
import type { EnrichOptions } from './databricks/enrich.ts';
import type { SlackEventsHandler } from './slack/listener.ts';
import { startSlack, type SlackOptions } from './slack/service.ts';
import type { JiraLookup } from './jira/connection.ts';
import { startJira, type JiraOptions } from './jira/service.ts';
import { registerWorkers } from './workers.ts';
import { instanceId } from './instance.ts';

export interface RuntimeOptions {
	/** Overrides config.DATABASE_URL (tests hand in a per-file database). */
	databaseUrl?: string;
	/** pg-boss job spies, for deterministic tests. */
	spies?: boolean;
	/** Register job workers (off in tests that drive jobs by hand). */
	workers?: boolean;
	rcaOptions?: Partial<RcaOptions>;
	enrichOptions?: Partial<EnrichOptions>;
	geminiTimeoutMs?: number;
	/** Connections in Vigil's own pool (default 40); tests that start several instances use fewer. */
	poolSize?: number;
	slack?: SlackOptions;
	jira?: JiraOptions;
}

export interface Runtime {
	config: Config;
	/** Which instance this is (VIGIL_INSTANCE_ID, else host name and pid): /readyz and /metrics say it. */
	instanceId: string;
	orm: Orm;
	pool: Pool;
	boss: PgBoss;
	secretKey: Buffer;
	generated: Generated;
	databaseUrl: string;
	em(): EntityManager;
	authenticate(auth: { cookie?: string; token?: string }): Promise<AuthUser | null>;
	/** Sign-in and sign-up rate limits, in PostgreSQL. */
	limits: AuthLimits;
	/** Concurrent webhooks' new tickets committed together. */
	ingestBatcher: IngestBatcher;
	/** VIGIL_INGEST_CONCURRENCY / VIGIL_INGEST_QUEUE: webhooks worked on at once, and waiting. */
	ingestAdmission: Admission;
	/** Per-key webhook rate limits in PostgreSQL (VIGIL_INGEST_RATE_LIMIT, or the key's own). */
	ingestLimits: IngestRateLimits;
	geminiModel(): Promise<RcaModel | null>;
	databricksClient(): Promise<DatabricksClient | null>;
	hasConnection(kind: ConnectionKind): boolean;
	/** The configured Databricks workspace host (cached like hasConnection), for run links. */
	databricksHost(): string | null;
	/** What POST /api/slack/events hands requests to; null only until startSlack has returned. */
	slackEvents: SlackEventsHandler | null;
	/** The Jira connection (client, rate limit, breaker); null when Jira is not configured. */
	jira: JiraLookup;
	/** /mcp: the MCP server's sessions, for AI assistants acting with a user's API token. */
	mcp: McpEndpoint;
	/**
	 * Ends the answers that stream for as long as a client listens (MCP event streams): the
	 * HTTP server waits for every answer to end before it closes, so shutdown calls this first.
	 */
	drain(): void;
	stop(): Promise<void>;
}

const SLOT = Symbol.for('vigil.runtime');
type Holder = { runtime?: Runtime; starting?: Promise<Runtime> };
const holder = (): Holder => {
	const g = globalThis as unknown as Record<symbol, Holder | undefined>;
	return (g[SLOT] ??= {});
};

/** The process-wide runtime, started once by the server's init hook. */
export function runtime(): Runtime {
	const rt = holder().runtime;
	if (!rt) throw new Error('Vigil runtime not started');
	return rt;
}

export function ensureRuntime(config: Config, opts: RuntimeOptions = {}): Promise<Runtime> {
	const h = holder();
	h.starting ??= startRuntime(config, opts).then((rt) => (h.runtime = rt));
	return h.starting;
}

export async function startRuntime(config: Config, opts: RuntimeOptions = {}): Promise<Runtime> {
	let embedded: EmbeddedDatabase | null = null;
	let databaseUrl = opts.databaseUrl ?? config.DATABASE_URL;
	if (!databaseUrl) {
		const dir = path.resolve(config.VIGIL_DATA_DIR, 'pg');
		log.info({ dir }, 'DATABASE_URL unset: starting embedded PostgreSQL');
		embedded = await startEmbeddedPostgres(dir, {
			log: (l) => log.debug({ pg: l }),
			notice: (l) => log.warn(l),
			ownSignals: true
		});
		databaseUrl = embedded.url;
	}
	const url = databaseUrl;
	const orm = await createOrm(url, ENTITIES);
	// Sized for bursts of concurrent webhooks: commits queue on the WAL flush, and more
	// sessions in flight let PostgreSQL group them (bench/ingest).
	const pool = createPool(url, opts.poolSize ?? 40);
	// Ingest's batches send their statements pipelined (sendTogether): a pool of their own, one
	// connection per batch in flight, as pipeline mode refuses the cursors other reads use.
	const batchPool = createPool(url, INGEST_BATCHES_IN_FLIGHT, DB_TIMEOUTS, { pipeline: true });
	// The text indexes' pending lists, merged beside the batches rather than inside one.
	const ginMerger = createGinMerger(pool);
	// Instances started together take turns: the first migrates and creates the admin, the
	// webhook key and the queues; the next ones find them there.
	const { boss, secretKey, generated } = await withStartupLock(url, async () => {
		await migrate(orm);
		const boss = await startBoss(url, { spies: opts.spies });
		const secretKey = await encryptionKey(config);
		await seedConnections(pool, config, secretKey);
		const generated = await bootstrapAccounts(orm.em.fork(), config);
		return { boss, secretKey, generated };
	});
	const limits = createAuthLimits(pool);
	const ingestLimits = createIngestRateLimits(pool, config.VIGIL_INGEST_RATE_LIMIT);
	/** What a cookie or bearer token authenticates as, with the credential it used. */
	const principal = async ({ cookie, token }: { cookie?: string; token?: string }) => {
		const em = orm.em.fork();
		if (token) return tokenPrincipal(em, token);
		const session = cookie ? parseCookie(cookie)[SESSION_COOKIE] : undefined;
		return session ? sessionPrincipal(em, session) : null;
	};

	// Which connections are configured, read on the hot path (ingest): refreshed when the
	// connections table notifies a change (below), and at most every minute regardless.
	// The Databricks workspace host too: ingest builds each Databricks run's link from it.
	let configured = new Set<ConnectionKind>();
	let workspaceHost: string | null = null;
	let configuredAt = 0;
	const refreshConfigured = async () => {
		configuredAt = Date.now();
		const r = await pool.query(
			`select kind, secrets is not null as configured, config->>'host' as host from connections`
		);
		configured = new Set(r.rows.filter((row) => row.configured).map((row) => row.kind));
		const host = r.rows.find((row) => row.kind === 'databricks')?.host;
		workspaceHost = typeof host === 'string' && host.trim() ? host.trim() : null;
	};
	await refreshConfigured();
	const refreshInBackground = () =>
		refreshConfigured().catch((err) => log.warn({ err }, 'connection refresh failed'));

	// The Gemini and Databricks settings, read by every triage and enrichment job: kept until
	// the connections table notifies a change (below), and a minute at most. A failed read is
	// not kept.
	type Stored = ReturnType<typeof loadConnection>;
	const connections = new Map<ConnectionKind, { at: number; value: Stored }>();
	const connection = (kind: ConnectionKind): Stored => {
		const hit = connections.get(kind);
		if (hit && Date.now() - hit.at < 60_000) return hit.value;
		const value = loadConnection(pool, secretKey, kind);
		connections.set(kind, { at: Date.now(), value });
		value.catch(() => {
			if (connections.get(kind)?.value === value) connections.delete(kind);
		});
		return value;
	};

	// What this process caches from the database is dropped as soon as any instance (or
	// anyone with psql) changes it: the tables' triggers NOTIFY on commit.
	const mcp = createMcpEndpoint({ pool });
	const changes = listen(url, {
		channels: [CACHE_CHANNEL, MCP_CHANNEL],
		onNotify(channel, table) {
			// Tickets changed on some instance: MCP clients re-read the open incidents.
			if (channel === MCP_CHANNEL) mcp.resourcesChanged();
			else if (table === 'routing_rules' || table === 'sla_policies') invalidateIngestSettings();
			else if (table === 'incident_grouping') invalidateGroupingSettings();
			else if (table === 'connections') {
				connections.clear();
				void refreshInBackground();
			}
		},
		onReconnect() {
			mcp.resourcesChanged();
			connections.clear();
			invalidateIngestSettings();
			invalidateGroupingSettings();
			void refreshInBackground();
		}
	});
	await changes.ready;
	const report = (kind: ConnectionKind) => async (ok: boolean, error?: string) =>
		recordConnectionResult(pool, kind, ok ? { ok: true } : { ok: false, error: error ?? 'failed' });

	// Clients are rebuilt when an admin changes the connection (updated_at moves).
	let gemini: { at: number; model: RcaModel } | null = null;
	let dbx: { at: number; client: DatabricksClient } | null = null;

	const rt: Runtime = {
		config,
		instanceId: instanceId(config),
		orm,
		pool,
		boss,
		secretKey,
		generated,
		databaseUrl: url,
		em: () => orm.em.fork(),
		authenticate: async (auth) => (await principal(auth))?.user ?? null,
		limits,
		ingestBatcher: createIngestBatcher(
			{ pool: batchPool, boss, ginMerger },
			{ maxInFlight: INGEST_BATCHES_IN_FLIGHT }
		),
		ingestAdmission: createAdmission(config.VIGIL_INGEST_CONCURRENCY, config.VIGIL_INGEST_QUEUE),
		ingestLimits,
		async geminiModel() {
			const c = await connection('gemini');
			if (!c?.secrets.apiKey) return null;
			if (gemini?.at !== c.updatedAt.getTime())
				gemini = {
					at: c.updatedAt.getTime(),
					model: createGeminiClient({
						apiKey: c.secrets.apiKey,
						model: c.config.model ?? config.GEMINI_MODEL,
						baseUrl: c.config.baseUrl,
						timeoutMs: opts.geminiTimeoutMs ?? 30_000
					})
				};
			return gemini.model;
		},
		async databricksClient() {
			const c = await connection('databricks');
			if (!c?.secrets.token || !c.config.host) return null;
			if (dbx?.at !== c.updatedAt.getTime())
				dbx = {
					at: c.updatedAt.getTime(),
					client: createDatabricksClient({
						host: c.config.host,
						token: c.secrets.token,
						timeoutMs: 15_000
					})
				};
			return dbx.client;
		},
		hasConnection(kind) {
			if (Date.now() - configuredAt > 60_000) void refreshInBackground();
			return configured.has(kind);
		},
		databricksHost() {
			if (Date.now() - configuredAt > 60_000) void refreshInBackground();
			return workspaceHost;
		},
		slackEvents: null,
		jira: async () => null,
		mcp,
		drain: () => mcp.drain(),
		stop: () => (stopping ??= stopAll())
	};
	metrics.instance.reset();
	metrics.instance.set({ instance_id: rt.instanceId }, 1);
	let stopping: Promise<void> | undefined;
	async function stopAll() {
		{
			detachRealtime?.();
			mcp.stop();
			await cluster?.close().catch((err) => log.warn({ err }, 'Socket.IO adapter close'));
			await changes.close();
			limits.stop();
			ingestLimits.stop();
			slack.stop();
			jira.stop();
			await boss
				.stop({ graceful: true, timeout: 5000 })
				.catch((err) => log.warn({ err }, 'boss stop'));
			await ginMerger.stop();
			await batchPool.end().catch(() => {});
			await pool.end().catch(() => {});
			await orm.close(true).catch(() => {});
			if (embedded) await embedded.stop().catch((err) => log.warn({ err }, 'embedded stop'));
			const h = holder();
			if (h.runtime === rt) {
				h.runtime = undefined;
				h.starting = undefined;
			}
		}
	}

	if (opts.workers ?? true)
		await registerWorkers({
			pool,
			mcpLogDays: config.VIGIL_MCP_LOG_DAYS,
			boss,
			geminiModel: () => rt.geminiModel(),
			databricksClient: () => rt.databricksClient(),
			reportHealth: report,
			rcaOptions: opts.rcaOptions,
			enrichOptions: opts.enrichOptions
		});

	const slack = await startSlack(
		{ pool, boss, secretKey, origin: config.ORIGIN ?? 'http://localhost:3000' },
		{ workers: opts.workers ?? true, ...opts.slack }
	);
	rt.slackEvents = slack.handleEvents;
	const jira = await startJira(
		{
			pool,
			boss,
			secretKey,
			origin: config.ORIGIN ?? 'http://localhost:3000',
			retentionDays: config.JIRA_EVENT_RETENTION_DAYS
		},
		{ workers: opts.workers ?? true, ...opts.jira }
	);
	rt.jira = jira.lookup;

	let detachRealtime: (() => void) | undefined;
	let cluster: Cluster | undefined;
	onSocketServer((io) => {
		cluster = joinCluster(io, url);
		detachRealtime = attachRealtime(io, {
			authenticate: (a): Promise<Principal | null> => principal(a),
			recheck: (credentials) => recheckCredentials(orm.em.fork(), credentials),
			origin: config.ORIGIN
		});
	});
	return rt;
}
