import type { PgBoss } from 'pg-boss';
import { inTransaction, type Pool } from '../db/pool.ts';
import { send } from '../jobs/boss.ts';
import { log } from '../log.ts';
import { metrics } from '../metrics.ts';
import type { IncomingAction } from './client.ts';
import { interactionKey } from './payload.ts';

export interface InteractionRow {
	id: string;
	action_id: string;
	ticket_id: string | null;
	slack_user_id: string;
	slack_user_name: string | null;
	channel_id: string | null;
	message_ts: string | null;
	status: 'queued' | 'done' | 'refused' | 'failed';
}

/**
 * Records a click and enqueues its work in one transaction, before Slack gets
 * its ack. A click seen before (Slack's retry of a delivery, or a concurrent
 * duplicate) is only counted: it never gets a second job.
 */
export async function recordInteraction(
	deps: { pool: Pool; boss: PgBoss },
	a: IncomingAction,
	meta: { retryNum?: number }
): Promise<'queued' | 'duplicate'> {
	const id = interactionKey(a);
	const outcome = await inTransaction(deps.pool, async (tx) => {
		const r = await tx.query(
			`insert into slack_interactions (id, action_id, ticket_id, slack_user_id, slack_user_name,
				channel_id, message_ts)
			values ($1, $2, $3, $4, $5, $6, $7)
			on conflict (id) do nothing`,
			[
				id,
				a.actionId,
				a.value?.slice(0, 200) ?? null,
				a.userId,
				a.userName,
				a.channelId,
				a.messageTs
			]
		);
		if (r.rowCount === 0) {
			await tx.query(
				`update slack_interactions set retries_seen = retries_seen + 1 where id = $1`,
				[id]
			);
			return 'duplicate' as const;
		}
		await send(deps.boss, 'slack.handle-action', { interactionId: id }, { tx });
		return 'queued' as const;
	});
	metrics.webhooks.inc({
		endpoint: 'slack',
		outcome: outcome === 'queued' ? 'action_queued' : 'duplicate'
	});
	log.info(
		{
			interaction: id,
			action: a.actionId,
			ticketId: a.value,
			slackUser: a.userId,
			retryNum: meta.retryNum,
			outcome
		},
		outcome === 'queued' ? 'Slack action queued' : 'Slack action already received: not acting again'
	);
	return outcome;
}

export async function loadInteraction(pool: Pool, id: string): Promise<InteractionRow | null> {
	const r = await pool.query(`select * from slack_interactions where id = $1`, [id]);
	return (r.rows[0] as InteractionRow | undefined) ?? null;
}

export async function finishInteraction(
	pool: Pool,
	id: string,
	status: 'done' | 'refused' | 'failed',
	outcome: string
): Promise<void> {
	await pool.query(
		`update slack_interactions set status = $2, outcome = $3, processed_at = now()
		where id = $1 and status = 'queued'`,
		[id, status, outcome.slice(0, 1000)]
	);
}
