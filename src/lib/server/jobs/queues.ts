/**
 * Every background queue and the payload its jobs carry. `send` and `work` are
 * typed from this map, so a producer and its worker cannot disagree.
 */
export interface QueuePayloads {
	'triage.analyze': { ticketId: string };
	'databricks.enrich-run': { ticketId: string };
	/**
	 * With a ticket: its own timer (a priority change, a split, a failure written alone).
	 * Without: the timer of an ingest batch, one per deadline in it, which marks every ticket
	 * on its own clock that is past its deadline by then.
	 */
	'sla.check-breach': { ticketId?: string; deadline: string };
	/** An incident counts its grouped failures again (and takes the most urgent one's priority). */
	'incidents.recount': { incidentId: string };
	/** `rateLimited` counts the 429s this delivery has waited out so far. */
	'slack.post-alert': { ticketId: string; rateLimited?: number };
	'slack.sync-message': { ticketId: string; rateLimited?: number };
	'slack.thread-reply': { auditId: number; ticketId: string; rateLimited?: number };
	'slack.handle-action': { interactionId: string; rateLimited?: number };
	/** `deferred` counts the times Jira's breaker or rate limit sent this job back to wait. */
	'jira.create-issue': { ticketId: string; deferred?: number };
	'jira.sync-action': { ticketId: string; deferred?: number };
	'jira.process-deliveries': { issueKey: string; deferred?: number };
	/** Reads the issue's changelog again and recomputes the ticket's Jira metrics. */
	'jira.fetch-changelog': { ticketId: string; deferred?: number };
	/** Hourly (a pg-boss schedule): deletes event-log rows past the retention. */
	'jira.prune-events': Record<string, never>;
	'mcp.prune-calls': Record<string, never>;
	/** One reconciliation run over every linked ticket (scheduled, or an admin's "Reconcile now"). */
	'jira.reconcile': { deferred?: number };
	/** One poll of Jira for updated issues; it queues the next one itself. */
	'jira.poll': Record<string, never>;
}
export type QueueName = keyof QueuePayloads;

export interface QueueSpec {
	retryLimit: number;
	retryDelay: number;
	retryBackoff: boolean;
	/** Cap on the backoff, in seconds: an outage of minutes is ridden out, not retried away. */
	retryDelayMax?: number;
	/**
	 * Longest a live worker may hold a job (pg-boss default: 15 minutes), fitted to the
	 * handler's own worst case (its vendor timeouts and retries); past it the job is retried.
	 */
	expireInSeconds: number;
	/**
	 * The worker refreshes a heartbeat every heartbeatSeconds/2; a job whose heartbeat is
	 * older than this is failed and retried by the supervisor. This is what frees the jobs of a
	 * worker that died (kill -9, OOM, a lost host) in seconds rather than after expireInSeconds.
	 */
	heartbeatSeconds: number;
	/** Wake workers by NOTIFY instead of waiting for the next poll. */
	notify: boolean;
	/** pg-boss policy; `stately` = at most one queued and one active job per singletonKey. */
	policy?: 'standard' | 'stately';
}

/** pg-boss's minimum: a dead worker's jobs are retried 10-15 s after it died (see boss.ts). */
const HEARTBEAT_SECONDS = 10;

const SLACK_DELIVERY: QueueSpec = {
	retryLimit: 8,
	retryDelay: 5,
	retryBackoff: true,
	// One Slack call or two (10 s timeout each) and the channel's 1 s pacing; a 429 re-sends
	// the job instead of sleeping in it.
	expireInSeconds: 60,
	heartbeatSeconds: HEARTBEAT_SECONDS,
	notify: true,
	policy: 'stately'
};

/** A handful of Jira calls of at most 15 s each, under a rate limit that may wait 2 s. */
const JIRA_DELIVERY: QueueSpec = {
	retryLimit: 8,
	retryDelay: 5,
	retryBackoff: true,
	retryDelayMax: 120,
	expireInSeconds: 180,
	heartbeatSeconds: HEARTBEAT_SECONDS,
	notify: true,
	policy: 'stately'
};

export const QUEUES: Record<QueueName, QueueSpec> = {
	// Offline triage takes milliseconds; with Gemini, 3 attempts of at most 30 s with up to
	// 30 s between them (workers.ts): 150 s at worst. Retried for up to ~5 minutes of
	// database outage before the job gives up (the ticket would stay 'pending').
	'triage.analyze': {
		retryLimit: 8,
		retryDelay: 5,
		retryBackoff: true,
		retryDelayMax: 60,
		expireInSeconds: 180,
		heartbeatSeconds: HEARTBEAT_SECONDS,
		notify: true
	},
	// 4 Jobs API calls of at most 15 s with up to 30 s between them: 150 s at worst.
	'databricks.enrich-run': {
		retryLimit: 8,
		retryDelay: 10,
		retryBackoff: true,
		retryDelayMax: 60,
		expireInSeconds: 180,
		heartbeatSeconds: HEARTBEAT_SECONDS,
		notify: true
	},
	// Retried quickly: a missed breach is a lie on the board. One UPDATE.
	'sla.check-breach': {
		retryLimit: 10,
		retryDelay: 2,
		retryBackoff: true,
		retryDelayMax: 60,
		expireInSeconds: 30,
		heartbeatSeconds: HEARTBEAT_SECONDS,
		notify: false
	},
	// Keyed by incident and stately: a storm's 199 children queue one or two recounts, not
	// 199, and one queued after a running one sees every child committed before it ran.
	'incidents.recount': {
		retryLimit: 10,
		retryDelay: 2,
		retryBackoff: true,
		retryDelayMax: 60,
		expireInSeconds: 30,
		heartbeatSeconds: HEARTBEAT_SECONDS,
		notify: true,
		policy: 'stately'
	},
	// Slack: keyed by ticket (or audit entry) so one message is never worked on twice at once
	// and bursts of updates coalesce into one chat.update. A Slack outage only delays these.
	'slack.post-alert': SLACK_DELIVERY,
	'slack.sync-message': SLACK_DELIVERY,
	'slack.thread-reply': SLACK_DELIVERY,
	// Slack is waiting for the clicker's feedback: retry soon.
	'slack.handle-action': {
		retryLimit: 5,
		retryDelay: 2,
		retryBackoff: true,
		expireInSeconds: 60,
		heartbeatSeconds: HEARTBEAT_SECONDS,
		notify: true
	},
	// Jira: one job per ticket (or issue) at a time, so bursts coalesce and never reorder; an
	// outage defers these (breaker, Retry-After) without spending retries, so everything
	// queued is delivered when Jira is back.
	'jira.create-issue': JIRA_DELIVERY,
	'jira.sync-action': JIRA_DELIVERY,
	'jira.process-deliveries': JIRA_DELIVERY,
	// Every page of a long changelog is a call: a few more than a delivery, same limits.
	'jira.fetch-changelog': JIRA_DELIVERY,
	// Batched deletes of an hour's worth of old rows: seconds. The next hour catches up a miss.
	'jira.prune-events': {
		retryLimit: 2,
		retryDelay: 60,
		retryBackoff: false,
		expireInSeconds: 600,
		heartbeatSeconds: HEARTBEAT_SECONDS,
		notify: false,
		policy: 'stately'
	},
	// The MCP access log past VIGIL_MCP_LOG_DAYS, the same way.
	'mcp.prune-calls': {
		retryLimit: 2,
		retryDelay: 60,
		retryBackoff: false,
		expireInSeconds: 600,
		heartbeatSeconds: HEARTBEAT_SECONDS,
		notify: false,
		policy: 'stately'
	},
	// One run at a time across instances (stately, one key); a run makes a Jira call or two per
	// linked ticket at the connection's rate (5/s by default), so thousands take minutes. Jira
	// asking to wait defers the run (sync.ts deferring) instead of spending retries.
	'jira.reconcile': {
		retryLimit: 3,
		retryDelay: 60,
		retryBackoff: true,
		retryDelayMax: 600,
		expireInSeconds: 3600,
		heartbeatSeconds: HEARTBEAT_SECONDS,
		notify: true,
		policy: 'stately'
	},
	// One queued poll at a time (singleton key 'jira'); failures are recorded and rescheduled by
	// the poll itself, so a retry only follows a crash. Up to 50 pages of 15 s calls.
	'jira.poll': {
		retryLimit: 2,
		retryDelay: 30,
		retryBackoff: true,
		expireInSeconds: 900,
		heartbeatSeconds: HEARTBEAT_SECONDS,
		notify: false,
		policy: 'stately'
	}
};
