import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Priority } from '#lib/contracts/tickets.ts';
import { loadConnection, type ConnectionSettings } from '../connections/service.ts';
import type { Pool } from '../db/pool.ts';
import { log } from '../log.ts';
import { createJiraApi, JiraError, type JiraApi, type StatusCategory } from './client.ts';
import { parsePriorityMap, type JiraDeployment } from './format.ts';

/** The Jira connection as stored (connections table, kind 'jira'). */
export interface JiraConfig {
	baseUrl: string;
	deployment: JiraDeployment;
	email: string | null;
	apiToken: string | null;
	pat: string | null;
	/** Defaults when the ticket's routing rule names none. */
	projectKey: string | null;
	issueType: string;
	priorityMap: Record<Priority, string>;
	webhookSecret: string | null;
	/** Status names that win over the status category when picking a transition. */
	statusFor: Partial<Record<VigilAction, string>>;
	/** Jira → Vigil: a status name (lowercase) → the ticket state it means, over its category. */
	statusMap: Record<string, TicketState>;
}

export type TicketState = 'open' | 'in_progress' | 'closed';

/** `In Review=in_progress, Won't Do=closed`: many Jira statuses to one Vigil state. */
export function parseStatusMap(raw: string | undefined): Record<string, TicketState> {
	const map: Record<string, TicketState> = {};
	for (const part of (raw ?? '').split(',')) {
		const at = part.lastIndexOf('=');
		const name = part.slice(0, at).trim().toLowerCase();
		const state = part.slice(at + 1).trim();
		if (at > 0 && name && (state === 'open' || state === 'in_progress' || state === 'closed'))
			map[name] = state;
	}
	return map;
}

export type VigilAction = 'acknowledge' | 'resolve' | 'reopen';

/** The status category each Vigil action moves an issue to. */
export const TARGET_CATEGORY: Record<VigilAction, StatusCategory> = {
	acknowledge: 'indeterminate',
	resolve: 'done',
	reopen: 'new'
};

export function readJiraConfig(c: ConnectionSettings): JiraConfig | null {
	const { baseUrl } = c.config;
	const deployment: JiraDeployment = c.config.deployment === 'server' ? 'server' : 'cloud';
	const apiToken = c.secrets.apiToken ?? null;
	const pat = c.secrets.pat ?? null;
	if (!baseUrl) return null;
	if (deployment === 'cloud' ? !(apiToken && c.config.email) : !pat) return null;
	const statusFor: Partial<Record<VigilAction, string>> = {};
	for (const action of ['acknowledge', 'resolve', 'reopen'] as const) {
		const name = c.config[`${action}Status`]?.trim();
		if (name) statusFor[action] = name;
	}
	return {
		baseUrl,
		deployment,
		email: c.config.email ?? null,
		apiToken,
		pat,
		projectKey: c.config.projectKey?.trim() || null,
		issueType: c.config.issueType?.trim() || 'Task',
		priorityMap: parsePriorityMap(c.config.priorityMap),
		webhookSecret: c.secrets.webhookSecret ?? null,
		statusFor,
		statusMap: parseStatusMap(c.config.statusMap)
	};
}

/** The client for a stored connection's settings. */
export function apiFor(config: JiraConfig, timeoutMs: number): JiraApi {
	return createJiraApi({
		baseUrl: config.baseUrl,
		deployment: config.deployment,
		email: config.email ?? undefined,
		apiToken: config.apiToken ?? undefined,
		pat: config.pat ?? undefined,
		timeoutMs
	});
}

export interface JiraTuning {
	/** Deadline of one Jira call. */
	timeoutMs: number;
	/** Calls per second per connection, across every instance. */
	ratePerSecond: number;
	/** Consecutive failures (timeouts, 5xx, network) that open the breaker. */
	breakerThreshold: number;
	/** How long an open breaker refuses calls before one probe. */
	breakerCooldownMs: number;
	/** Longest wait for a rate-limit slot before giving the job back to the queue. */
	maxRateWaitMs: number;
}

export const DEFAULT_TUNING: JiraTuning = {
	timeoutMs: 15_000,
	ratePerSecond: 5,
	breakerThreshold: 5,
	breakerCooldownMs: 30_000,
	maxRateWaitMs: 2_000
};

/** The breaker is open (or another worker holds the probe): call again at `retryAt`. */
export class JiraUnavailableError extends JiraError {
	readonly retryAt: Date;
	constructor(retryAt: Date, reason: string) {
		super('server', reason);
		this.retryAt = retryAt;
	}
}

export interface JiraHandle {
	config: JiraConfig;
	api: JiraApi;
	/**
	 * Runs Jira calls under the connection's rate limit and circuit breaker, and
	 * records the outcome on the connection (healthy / failing with the error).
	 */
	call<T>(what: string, work: (api: JiraApi) => Promise<T>): Promise<T>;
}

export type JiraLookup = () => Promise<JiraHandle | null>;

/**
 * The breaker lives in the connections row, not in memory: every instance sees
 * the same state, the admin page shows it, and a restart does not forget that
 * Jira is down. One worker at a time probes a half-open breaker.
 */
async function admit(pool: Pool, tuning: JiraTuning): Promise<void> {
	// Take the probe when the cool-down is over (or a probe's own window ran out: its worker died).
	const probe = await pool.query(
		`update connections set breaker_state = 'half_open',
				breaker_open_until = now() + make_interval(secs => $1)
			where kind = 'jira' and breaker_state <> 'closed' and breaker_open_until <= now()
			returning 1`,
		[(tuning.timeoutMs * 2) / 1000]
	);
	if (probe.rowCount) return;
	const r = await pool.query(
		`select breaker_state, breaker_open_until from connections where kind = 'jira'`
	);
	const row = r.rows[0];
	if (!row || row.breaker_state === 'closed') return;
	const until: Date = row.breaker_open_until ?? new Date();
	throw new JiraUnavailableError(
		until,
		row.breaker_state === 'open'
			? `Jira circuit breaker open after repeated failures; next probe at ${until.toISOString()}`
			: 'Jira circuit breaker half-open: another call is probing'
	);
}

async function recordOutcome(pool: Pool, tuning: JiraTuning, err: unknown): Promise<void> {
	if (err === null) {
		await pool.query(
			`update connections set breaker_state = 'closed', breaker_failures = 0, breaker_open_until = null,
				status = 'healthy', last_checked_at = now(), last_ok_at = now()
			where kind = 'jira'`
		);
		return;
	}
	const message = err instanceof Error ? err.message : String(err);
	const counts = err instanceof JiraError && err.transient && err.kind !== 'rate_limited';
	await pool.query(
		`update connections set
			breaker_failures = case when $2 then breaker_failures + 1 else breaker_failures end,
			breaker_state = case
				when $2 and (breaker_state = 'half_open' or breaker_failures + 1 >= $3) then 'open'
				else breaker_state end,
			breaker_open_until = case
				when $2 and (breaker_state = 'half_open' or breaker_failures + 1 >= $3)
				then now() + make_interval(secs => $4) else breaker_open_until end,
			status = 'failing', last_error = $1, last_checked_at = now()
		where kind = 'jira'`,
		[message.slice(0, 2000), counts, tuning.breakerThreshold, tuning.breakerCooldownMs / 1000]
	);
}

export function createJiraLookup(deps: {
	pool: Pool;
	secretKey: Buffer;
	tuning?: Partial<JiraTuning>;
}): JiraLookup {
	const tuning = { ...DEFAULT_TUNING, ...deps.tuning };
	const limiter = new RateLimiterPostgres({
		storeClient: deps.pool,
		storeType: 'pool',
		tableName: 'jira_rate_limits',
		tableCreated: true,
		keyPrefix: 'jira',
		points: tuning.ratePerSecond,
		duration: 1
	});
	let cached: { at: number; handle: JiraHandle } | null = null;

	async function takeSlot(): Promise<void> {
		const deadline = Date.now() + tuning.maxRateWaitMs;
		for (;;) {
			try {
				await limiter.consume('connection');
				return;
			} catch (res) {
				if (!(res instanceof RateLimiterRes)) throw res;
				const wait = res.msBeforeNext;
				if (Date.now() + wait > deadline)
					throw new JiraError('rate_limited', "Vigil's own Jira rate limit is reached", {
						retryAfterMs: wait
					});
				await new Promise((r) => setTimeout(r, wait));
			}
		}
	}

	return async () => {
		const stored = await loadConnection(deps.pool, deps.secretKey, 'jira');
		const config = stored ? readJiraConfig(stored) : null;
		if (!stored || !config) return null;
		if (cached?.at === stored.updatedAt.getTime()) return cached.handle;
		const api = apiFor(config, tuning.timeoutMs);
		const handle: JiraHandle = {
			config,
			api,
			async call(what, work) {
				await admit(deps.pool, tuning);
				await takeSlot();
				try {
					const result = await work(api);
					await recordOutcome(deps.pool, tuning, null);
					return result;
				} catch (err) {
					// A 404 or a refused field is an answer, not an outage: the breaker stays as it is.
					const answered = err instanceof JiraError && !err.transient && err.kind !== 'auth';
					await recordOutcome(deps.pool, tuning, answered ? null : err).catch((e) =>
						log.warn({ err: e }, 'could not record the Jira outcome')
					);
					log.warn({ err, what }, 'Jira call failed');
					throw err;
				}
			}
		};
		cached = { at: stored.updatedAt.getTime(), handle };
		return handle;
	};
}
