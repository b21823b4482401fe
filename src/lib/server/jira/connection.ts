import { AsyncLocalStorage } from 'node:async_hooks';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Priority } from '#lib/contracts/tickets.ts';
import { loadConnection, type ConnectionSettings } from '../connections/service.ts';
import {
	JIRA_SYNC_MODES,
	POLL_DEFAULTS,
	POLL_LIMITS,
	type JiraSyncMode
} from '../connections/settings.ts';
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
	/** How Jira's changes reach Vigil: its webhooks, polling by JQL, or both at once. */
	syncMode: JiraSyncMode;
	/** Polling: seconds between two polls. */
	pollIntervalSeconds: number;
	/** Polling: how far before the watermark each poll reads again (clock skew, search lag). */
	pollOverlapSeconds: number;
}

/** A stored number setting, or its default when missing or out of range. */
function seconds(raw: string | undefined, fallback: number, min: number, max: number): number {
	const n = Number(raw);
	return raw !== undefined && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
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

/** The ticket state a Jira status means when the connection does not map that status by name. */
export const STATE_BY_CATEGORY: Record<StatusCategory, TicketState> = {
	done: 'closed',
	indeterminate: 'in_progress',
	new: 'open'
};

/** What an issue's status means in Vigil: the connection's map by name, else its category. */
export function jiraStateOf(
	config: Pick<JiraConfig, 'statusMap'>,
	issue: { status: string; statusCategory: StatusCategory }
): { state: TicketState; mapped: boolean } {
	const mapped = config.statusMap[issue.status.toLowerCase()];
	return mapped
		? { state: mapped, mapped: true }
		: { state: STATE_BY_CATEGORY[issue.statusCategory], mapped: false };
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
		statusMap: parseStatusMap(c.config.statusMap),
		syncMode: JIRA_SYNC_MODES.find((m) => m === c.config.syncMode) ?? 'webhooks',
		pollIntervalSeconds: seconds(
			c.config.pollIntervalSeconds,
			POLL_DEFAULTS.intervalSeconds,
			POLL_LIMITS.interval[0],
			POLL_LIMITS.interval[1]
		),
		pollOverlapSeconds: seconds(
			c.config.pollOverlapSeconds,
			POLL_DEFAULTS.overlapSeconds,
			POLL_LIMITS.overlap[0],
			POLL_LIMITS.overlap[1]
		)
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

/**
 * Where the issues of the connection's site are browsed (`https://site/browse/`): the start of
 * the link of every ticket linked there. Issue keys and ids are unique within one site only,
 * so once the connection points at another site, OPS-1 there is not the OPS-1 an older ticket
 * is linked to, and that ticket must neither take the new site's deliveries nor send it calls.
 */
export const sitePrefix = (api: JiraApi): string => api.browseUrl('');

/**
 * SQL condition: the ticket (columns unqualified) is linked on the site whose sitePrefix is
 * the parameter `param` (e.g. `$3`). Every lookup of a ticket by Jira key or issue id goes
 * through it, so none of them can reach a ticket linked on a site the connection left.
 */
export const linkedOnSite = (param: string): string =>
	`lower(left(jira_url, length(${param}))) = lower(${param})`;

/**
 * The site a field mapping belongs to: the connection's base URL, lower-cased, without
 * trailing slashes (the migration that added the column computes it the same way).
 */
export const siteKey = (config: Pick<JiraConfig, 'baseUrl'>): string =>
	config.baseUrl.trim().replace(/\/+$/, '').toLowerCase();

export function linkedHere(api: JiraApi, jiraUrl: string | null): boolean {
	return jiraUrl !== null && jiraUrl.toLowerCase().startsWith(sitePrefix(api).toLowerCase());
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

/** What a call is about, for the event log's filters. */
export interface CallSubject {
	issueKey?: string | null;
	ticketId?: string | null;
}

/** The Jira job a call runs in: the event log keeps it so a failed call can be queued again. */
export interface JiraJobContext extends CallSubject {
	queue: string;
	data: Record<string, unknown>;
	/** 1 for the job's first run, 2 for its first retry, … */
	attempt: number;
}

// Calls happen deep inside sync and inbound code; the job that made them is known only at the
// worker. Carried alongside the async flow instead of through every signature in between.
const currentJob = new AsyncLocalStorage<JiraJobContext>();

/** Runs a Jira job so that every call it makes is logged with the job (see `call`). */
export function inJiraJob<T>(job: JiraJobContext, work: () => Promise<T>): Promise<T> {
	return currentJob.run(job, work);
}

export interface JiraHandle {
	config: JiraConfig;
	api: JiraApi;
	/**
	 * Runs Jira calls under the connection's rate limit and circuit breaker,
	 * records the outcome on the connection (healthy / failing with the error),
	 * and logs the call in the event log (what, about which issue or ticket,
	 * status, error, duration, the job and its attempt).
	 */
	call<T>(what: string, work: (api: JiraApi) => Promise<T>, about?: CallSubject): Promise<T>;
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

/** One outbound call, as the event log shows it. */
export interface CallRecord {
	what: string;
	about: CallSubject;
	job: JiraJobContext | undefined;
	startedAt: Date;
	durationMs: number;
	error: unknown;
}

/**
 * The connection's health and breaker, and the call's event-log row, in one statement:
 * logging costs no extra round trip on the path every Jira call takes (bench/jira-events.ts
 * measures it beside the health update alone).
 */
export async function recordOutcome(
	pool: Pool,
	tuning: JiraTuning,
	breakerError: unknown,
	call: CallRecord
): Promise<void> {
	const failure = call.error;
	const message =
		failure === null
			? null
			: (failure instanceof Error ? failure.message : String(failure)).slice(0, 2000);
	const job = call.job;
	const logged = [
		call.what,
		call.about.issueKey ?? job?.issueKey ?? null,
		call.about.ticketId ?? job?.ticketId ?? null,
		failure === null ? 'processed' : 'failed',
		message,
		failure instanceof JiraError ? failure.status : null,
		call.durationMs,
		job?.attempt ?? 1,
		job ? JSON.stringify({ queue: job.queue, data: job.data }) : null,
		call.startedAt
	];
	const logCall = `with logged as (
			insert into jira_deliveries (direction, event, issue_key, ticket_id, status, outcome, http_status,
				duration_ms, attempts, job, received_at, processed_at)
			values ('outbound', $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
		)`;
	if (breakerError === null) {
		await pool.query(
			`${logCall}
			update connections set breaker_state = 'closed', breaker_failures = 0, breaker_open_until = null,
				status = 'healthy', last_checked_at = now(), last_ok_at = now()
			where kind = 'jira'`,
			logged
		);
		return;
	}
	const breakerMessage =
		breakerError instanceof Error ? breakerError.message : String(breakerError);
	const counts =
		breakerError instanceof JiraError &&
		breakerError.transient &&
		breakerError.kind !== 'rate_limited';
	await pool.query(
		`${logCall}
		update connections set
			breaker_failures = case when $12 then breaker_failures + 1 else breaker_failures end,
			breaker_state = case
				when $12 and (breaker_state = 'half_open' or breaker_failures + 1 >= $13) then 'open'
				else breaker_state end,
			breaker_open_until = case
				when $12 and (breaker_state = 'half_open' or breaker_failures + 1 >= $13)
				then now() + make_interval(secs => $14) else breaker_open_until end,
			status = 'failing', last_error = $11, last_checked_at = now()
		where kind = 'jira'`,
		[
			...logged,
			breakerMessage.slice(0, 2000),
			counts,
			tuning.breakerThreshold,
			tuning.breakerCooldownMs / 1000
		]
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
			async call(what, work, about = {}) {
				await admit(deps.pool, tuning);
				await takeSlot();
				const job = currentJob.getStore();
				const startedAt = new Date();
				const took = () => Date.now() - startedAt.getTime();
				try {
					const result = await work(api);
					// A create's row is found by the key it made.
					const made = (result as { key?: unknown } | null)?.key;
					const subject =
						about.issueKey || typeof made !== 'string' ? about : { ...about, issueKey: made };
					await recordOutcome(deps.pool, tuning, null, {
						what,
						about: subject,
						job,
						startedAt,
						durationMs: took(),
						error: null
					});
					return result;
				} catch (err) {
					// A 404 or a refused field is an answer, not an outage: the breaker stays as it is.
					const answered = err instanceof JiraError && !err.transient && err.kind !== 'auth';
					const durationMs = took();
					await recordOutcome(deps.pool, tuning, answered ? null : err, {
						what,
						about,
						job,
						startedAt,
						durationMs,
						error: err
					}).catch((e) => log.warn({ err: e }, 'could not record the Jira outcome'));
					log.warn({ err, what }, 'Jira call failed');
					throw err;
				}
			}
		};
		cached = { at: stored.updatedAt.getTime(), handle };
		return handle;
	};
}
