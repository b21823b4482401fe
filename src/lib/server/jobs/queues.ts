/**
 * Every background queue and the payload its jobs carry. `send` and `work` are
 * typed from this map, so a producer and its worker cannot disagree.
 */
export interface QueuePayloads {
	'triage.analyze': { ticketId: string };
	'databricks.enrich-run': { ticketId: string };
	'sla.check-breach': { ticketId: string; deadline: string };
	/** `rateLimited` counts the 429s this delivery has waited out so far. */
	'slack.post-alert': { ticketId: string; rateLimited?: number };
	'slack.sync-message': { ticketId: string; rateLimited?: number };
	'slack.thread-reply': { auditId: number; ticketId: string; rateLimited?: number };
	'slack.handle-action': { interactionId: string; rateLimited?: number };
}
export type QueueName = keyof QueuePayloads;

export interface QueueSpec {
	retryLimit: number;
	retryDelay: number;
	retryBackoff: boolean;
	/** Wake workers by NOTIFY instead of waiting for the next poll. */
	notify: boolean;
	/** pg-boss policy; `stately` = at most one queued and one active job per singletonKey. */
	policy?: 'standard' | 'stately';
}

const SLACK_DELIVERY: QueueSpec = {
	retryLimit: 8,
	retryDelay: 5,
	retryBackoff: true,
	notify: true,
	policy: 'stately'
};

export const QUEUES: Record<QueueName, QueueSpec> = {
	'triage.analyze': { retryLimit: 3, retryDelay: 5, retryBackoff: true, notify: true },
	'databricks.enrich-run': { retryLimit: 5, retryDelay: 10, retryBackoff: true, notify: true },
	// Retried quickly: a missed breach is a lie on the board.
	'sla.check-breach': { retryLimit: 10, retryDelay: 2, retryBackoff: true, notify: false },
	// Slack: keyed by ticket (or audit entry) so one message is never worked on twice at once
	// and bursts of updates coalesce into one chat.update. A Slack outage only delays these.
	'slack.post-alert': SLACK_DELIVERY,
	'slack.sync-message': SLACK_DELIVERY,
	'slack.thread-reply': SLACK_DELIVERY,
	// Slack is waiting for the clicker's feedback: retry soon.
	'slack.handle-action': { retryLimit: 5, retryDelay: 2, retryBackoff: true, notify: true }
};
