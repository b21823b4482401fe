import type { Job } from 'pg-boss';
import type { QueuePayloads } from '../jobs/queues.ts';
import { log } from '../log.ts';
import { appendAudit } from '../tickets/audit.ts';
import { changeTicket, updateTicket } from '../tickets/lifecycle.ts';
import { AUDIT_COLUMNS, toAuditDto } from '../tickets/rows.ts';
import { alertMessage, threadReply } from './blocks.ts';
import {
	describeError,
	hashMessage,
	honouringRateLimit,
	isLastAttempt,
	isRetryable,
	loadTicket,
	noteSlackError,
	type SlackDeps
} from './delivery.ts';
import { waitForChannelSlot } from './pacing.ts';

type Payload<Q extends keyof QueuePayloads> = QueuePayloads[Q];

const SLACK_ACTOR = { name: 'Slack', source: 'system' as const };

/** Sets the alert's delivery state; a final failure is also written to the audit trail. */
async function markAlert(
	deps: SlackDeps,
	ticketId: string,
	error: string,
	final: boolean
): Promise<void> {
	await changeTicket(deps.pool, ticketId, async (tx, t) => {
		if (t.slack_ts) return null;
		const ticket = await updateTicket(tx, ticketId, { slack_status: 'failed', slack_error: error });
		const audits = final
			? [
					await appendAudit(tx, ticket, {
						action: 'Slack Alert Failed',
						actor: SLACK_ACTOR,
						details: { error }
					})
				]
			: [];
		return { ticket, audits };
	});
}

/**
 * slack.post-alert: the alert for a triaged ticket, to the routed channel (or
 * the connection's default). A failure is recorded on the ticket right away
 * ("… (retrying)") and retried with backoff while Slack may recover.
 */
export async function postAlert(
	deps: SlackDeps,
	data: Payload<'slack.post-alert'>,
	job: Pick<Job, 'retryCount'>
): Promise<void> {
	const t = await loadTicket(deps.pool, data.ticketId);
	if (!t || t.slack_ts) return;
	const slack = await deps.slack();
	if (!slack) return markAlert(deps, t.id, 'The Slack connection is not configured', true);
	const channel = t.slack_channel || slack.settings.defaultChannel;
	if (!channel)
		return markAlert(
			deps,
			t.id,
			'No Slack channel: set a default channel on the Slack connection, or one on the routing rule',
			true
		);
	const message = alertMessage(t, { origin: deps.origin });
	try {
		await honouringRateLimit(deps, 'slack.post-alert', data, t.id, async () => {
			await waitForChannelSlot(deps.pool, channel, deps.channelIntervalMs);
			const posted = await slack.api.postMessage({ channel, ...message });
			// The ticket may have changed meanwhile: this update publishes ticket:updated, and the
			// sync job compares the stored fingerprint with the current state and edits if needed.
			await changeTicket(deps.pool, t.id, async (tx) => ({
				ticket: await updateTicket(tx, t.id, {
					slack_channel: posted.channel,
					slack_ts: posted.ts,
					slack_status: 'posted',
					slack_error: null,
					slack_hash: hashMessage(message)
				}),
				audits: []
			}));
		});
	} catch (err) {
		const retry = isRetryable(err) && !isLastAttempt('slack.post-alert', job.retryCount);
		log.warn({ err, ticketId: t.id, channel, retry }, 'Slack alert not posted');
		await markAlert(deps, t.id, describeError(err) + (retry ? ' (retrying)' : ''), !retry);
		if (retry) throw err;
	}
}

/**
 * slack.sync-message: edits the alert in place to show the ticket as it is
 * now (ack, resolve, reopen, breach, Jira link). It re-reads the ticket and
 * skips the call when the message would not change, so running it again, or
 * for every ticket, is harmless: that is how missed updates get repaired.
 */
export async function syncMessage(
	deps: SlackDeps,
	data: Payload<'slack.sync-message'>,
	job: Pick<Job, 'retryCount'>
): Promise<void> {
	const t = await loadTicket(deps.pool, data.ticketId);
	if (!t?.slack_ts || !t.slack_channel) return;
	const message = alertMessage(t, { origin: deps.origin });
	const hash = hashMessage(message);
	if (hash === t.slackHash) return;
	const slack = await deps.slack();
	if (!slack) return;
	const { slack_channel: channel, slack_ts: ts } = t;
	try {
		await honouringRateLimit(deps, 'slack.sync-message', data, t.id, async () => {
			await waitForChannelSlot(deps.pool, channel, deps.channelIntervalMs);
			await slack.api.updateMessage({ channel, ts, ...message });
			await deps.pool.query(
				`update tickets set slack_hash = $2, slack_error = null where id = $1`,
				[t.id, hash]
			);
		});
	} catch (err) {
		const retry = isRetryable(err) && !isLastAttempt('slack.sync-message', job.retryCount);
		log.warn({ err, ticketId: t.id, retry }, 'Slack message not updated');
		await noteSlackError(
			deps.pool,
			t.id,
			`Updating the Slack message failed: ${describeError(err)}`
		);
		if (retry) throw err;
	}
}

/**
 * slack.thread-reply: one reply in the alert's thread per lifecycle audit
 * entry (who acknowledged / resolved / reopened, from wherever), and on a
 * breach a mention of the on-call group. Posted at most once per entry.
 */
export async function postThreadReply(
	deps: SlackDeps,
	data: Payload<'slack.thread-reply'>,
	job: Pick<Job, 'retryCount'>
): Promise<void> {
	const done = await deps.pool.query(`select 1 from slack_thread_replies where audit_id = $1`, [
		data.auditId
	]);
	if (done.rowCount) return;
	const [t, a] = await Promise.all([
		loadTicket(deps.pool, data.ticketId),
		deps.pool.query(`select ${AUDIT_COLUMNS} from audit_log where id = $1`, [data.auditId])
	]);
	if (!t || !a.rows[0]) return;
	if (!t.slack_ts || !t.slack_channel) {
		// The alert is still on its way: retried with backoff until it is there.
		if (t.slack_status === 'pending')
			throw new Error(`the Slack alert for ${t.id} is not posted yet`);
		return;
	}
	const slack = await deps.slack();
	if (!slack) return;
	const reply = threadReply(toAuditDto(a.rows[0]), t, {
		origin: deps.origin,
		oncallGroup: slack.settings.oncallGroup
	});
	if (!reply) return;
	const { slack_channel: channel, slack_ts: threadTs } = t;
	try {
		await honouringRateLimit(
			deps,
			'slack.thread-reply',
			data,
			`audit:${data.auditId}`,
			async () => {
				await waitForChannelSlot(deps.pool, channel, deps.channelIntervalMs);
				const posted = await slack.api.postMessage({ channel, threadTs, ...reply });
				await deps.pool.query(
					`insert into slack_thread_replies (audit_id, ticket_id, ts) values ($1, $2, $3)
				on conflict (audit_id) do nothing`,
					[data.auditId, t.id, posted.ts]
				);
			}
		);
	} catch (err) {
		const retry = isRetryable(err) && !isLastAttempt('slack.thread-reply', job.retryCount);
		log.warn(
			{ err, ticketId: t.id, auditId: data.auditId, retry },
			'Slack thread reply not posted'
		);
		await noteSlackError(
			deps.pool,
			t.id,
			`Posting in the Slack thread failed: ${describeError(err)}`
		);
		if (retry) throw err;
	}
}
