import { createHash } from 'node:crypto';
import type { TicketDto } from '#lib/contracts/tickets.ts';
import type { PgBoss } from 'pg-boss';
import type { Pool } from '../db/pool.ts';
import { send } from '../jobs/boss.ts';
import { QUEUES, type QueuePayloads } from '../jobs/queues.ts';
import { log } from '../log.ts';
import { TICKET_COLUMNS, toTicketDto } from '../tickets/rows.ts';
import { SlackCallError } from './client.ts';
import type { SlackLookup } from './connection.ts';
import type { SlackMessage } from './kit.ts';

/** What the Slack jobs need. */
export interface SlackDeps {
	pool: Pool;
	boss: PgBoss;
	slack: SlackLookup;
	/** Vigil's public origin, for links in messages. */
	origin: string;
	/** Minimum spacing of messages in one channel. */
	channelIntervalMs: number;
}

type SlackQueue =
	'slack.post-alert' | 'slack.sync-message' | 'slack.thread-reply' | 'slack.handle-action';

/** A job that waited out this many 429s in a row gives up (fails, and is retried by pg-boss). */
const MAX_RATE_LIMITED = 20;

export async function loadTicket(
	pool: Pool,
	id: string
): Promise<(TicketDto & { slackHash: string | null }) | null> {
	const r = await pool.query(`select ${TICKET_COLUMNS}, slack_hash from tickets where id = $1`, [
		id
	]);
	const row = r.rows[0];
	return row ? { ...toTicketDto(row), slackHash: row.slack_hash ?? null } : null;
}

/** Fingerprint of a message as sent: equal fingerprints mean chat.update has nothing to change. */
export function hashMessage(m: SlackMessage): string {
	return createHash('sha256').update(JSON.stringify(m)).digest('hex');
}

/**
 * Runs a job's Slack calls. On 429 the job is sent again to start after
 * Retry-After and this run ends without error: the worker never sleeps
 * through a rate limit, and the message is queued rather than dropped.
 */
export async function honouringRateLimit<Q extends SlackQueue>(
	deps: SlackDeps,
	queue: Q,
	data: QueuePayloads[Q],
	singletonKey: string | undefined,
	work: () => Promise<void>
): Promise<'done' | 'rescheduled'> {
	try {
		await work();
		return 'done';
	} catch (err) {
		if (!(err instanceof SlackCallError) || err.kind !== 'rate_limited') throw err;
		const count = (data.rateLimited ?? 0) + 1;
		if (count > MAX_RATE_LIMITED) throw err;
		const seconds = Math.max(1, err.retryAfterSeconds ?? 30);
		await send(
			deps.boss,
			queue,
			{ ...data, rateLimited: count },
			{ startAfter: new Date(Date.now() + seconds * 1000), singletonKey }
		);
		log.warn({ queue, data, retryAfterSeconds: seconds }, 'Slack rate limit: job re-scheduled');
		return 'rescheduled';
	}
}

/** pg-boss will not run this job again after this attempt. */
export function isLastAttempt(queue: SlackQueue, retryCount: number): boolean {
	return retryCount >= QUEUES[queue].retryLimit;
}

/** Whether a failed attempt should be retried by pg-boss (outage) or not (fix the settings first). */
export function isRetryable(err: unknown): boolean {
	return !(err instanceof SlackCallError) || err.retryable;
}

export function describeError(err: unknown): string {
	return (err instanceof Error ? err.message : String(err)).slice(0, 1000);
}

/** Records the last Slack error on a ticket without a new version (the message shows the ticket, not this). */
export async function noteSlackError(
	pool: Pool,
	ticketId: string,
	error: string | null
): Promise<void> {
	await pool.query(
		`update tickets set slack_error = $2 where id = $1 and slack_error is distinct from $2`,
		[ticketId, error]
	);
}
