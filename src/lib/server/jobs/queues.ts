/**
 * Every background queue and the payload its jobs carry. `send` and `work` are
 * typed from this map, so a producer and its worker cannot disagree.
 */
export interface QueuePayloads {
	'triage.analyze': { ticketId: string };
	'databricks.enrich-run': { ticketId: string };
	'sla.check-breach': { ticketId: string; deadline: string };
}
export type QueueName = keyof QueuePayloads;

export interface QueueSpec {
	retryLimit: number;
	retryDelay: number;
	retryBackoff: boolean;
	/** Wake workers by NOTIFY instead of waiting for the next poll. */
	notify: boolean;
}

export const QUEUES: Record<QueueName, QueueSpec> = {
	'triage.analyze': { retryLimit: 3, retryDelay: 5, retryBackoff: true, notify: true },
	'databricks.enrich-run': { retryLimit: 5, retryDelay: 10, retryBackoff: true, notify: true },
	// Retried quickly: a missed breach is a lie on the board.
	'sla.check-breach': { retryLimit: 10, retryDelay: 2, retryBackoff: true, notify: false },
};
