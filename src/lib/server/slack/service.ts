import type { Job, PgBoss } from 'pg-boss';
import type { ConnectionSettings } from '../connections/service.ts';
import { send } from '../jobs/boss.ts';
import type { QueueName, QueuePayloads } from '../jobs/queues.ts';
import { log } from '../log.ts';
import { subscribe } from '../events.ts';
import type { Pool } from '../db/pool.ts';
import { ACTING_BUTTONS, handleAction } from './actions.ts';
import { THREAD_ACTIONS } from './blocks.ts';
import { createSlackApi } from './client.ts';
import { createSlackLookup, readSlackSettings } from './connection.ts';
import type { SlackDeps } from './delivery.ts';
import { recordInteraction } from './interactions.ts';
import { createSlackListener, type SlackEventsHandler } from './listener.ts';
import { postAlert, postThreadReply, syncMessage } from './messages.ts';

export interface SlackStartDeps {
	pool: Pool;
	boss: PgBoss;
	/** Unseals the stored bot token and signing secret. */
	secretKey: Buffer;
	/** Vigil's public origin, for links in messages. */
	origin: string;
}

export interface SlackOptions {
	/** Register the job workers (the listener and the event subscriptions are always on). */
	workers?: boolean;
	/** Spacing of messages per channel; Slack allows about one per second. */
	channelIntervalMs?: number;
}

const REPLY_ACTIONS = new Set<string>(THREAD_ACTIONS);

export interface RunningSlack {
	/** What POST /api/slack/events hands every request to. */
	handleEvents: SlackEventsHandler;
	/** Detaches the subscriptions (pg-boss stops the workers when the runtime stops). */
	stop(): void;
}

/**
 * Starts the Slack integration: the request handler behind
 * POST /api/slack/events, the job workers, and the subscriptions that turn
 * ticket changes from anywhere into message updates and thread replies.
 */
export async function startSlack(
	start: SlackStartDeps,
	opts: SlackOptions = {}
): Promise<RunningSlack> {
	const { pool, boss } = start;
	const slack = createSlackLookup({
		pool,
		secretKey: start.secretKey,
		actionIds: ACTING_BUTTONS,
		onAction: async (action, meta) => void (await recordInteraction({ pool, boss }, action, meta))
	});
	const deps: SlackDeps = {
		pool,
		boss,
		slack,
		origin: start.origin,
		channelIntervalMs: opts.channelIntervalMs ?? 1000
	};

	if (opts.workers ?? true) {
		await slackWork(boss, 'slack.post-alert', (data, job) => postAlert(deps, data, job));
		await slackWork(boss, 'slack.sync-message', (data, job) => syncMessage(deps, data, job));
		await slackWork(boss, 'slack.thread-reply', (data, job) => postThreadReply(deps, data, job));
		await slackWork(boss, 'slack.handle-action', (data) => handleAction(deps, data), 4);
		// Repairs what a crash between a commit and its enqueue (below) could have missed:
		// syncMessage compares fingerprints, so an unchanged message costs no Slack call.
		const recent = await pool.query(
			`select id from tickets where slack_ts is not null and updated_at > now() - interval '1 hour'`
		);
		for (const r of recent.rows)
			await send(boss, 'slack.sync-message', { ticketId: r.id }, { singletonKey: r.id });
	}

	const failed = (what: string) => (err: unknown) =>
		log.error({ err }, `Slack: could not enqueue ${what}`);
	// Domain events fire after the commit, in this process. A crash between the commit and
	// these sends loses that one message update or reply; syncMessage re-reads the ticket and
	// compares fingerprints, so re-running it for recent tickets repairs any that were missed.
	const offs = [
		subscribe('ticket:updated', (t) => {
			if (!t.slack_ts) return;
			send(boss, 'slack.sync-message', { ticketId: t.id }, { singletonKey: t.id }).catch(
				failed('a message update')
			);
		}),
		subscribe('audit:appended', (a) => {
			if (!a.ticket_id || !REPLY_ACTIONS.has(a.action)) return;
			const ticketId = a.ticket_id;
			pool
				.query(
					`select 1 from tickets where id = $1 and (slack_ts is not null or slack_status = 'pending')`,
					[ticketId]
				)
				.then((r) =>
					r.rowCount
						? send(
								boss,
								'slack.thread-reply',
								{ auditId: a.id, ticketId },
								{ singletonKey: `audit:${a.id}` }
							)
						: null
				)
				.catch(failed('a thread reply'));
		})
	];

	return {
		handleEvents: createSlackListener({ slack }),
		stop: () => {
			for (const off of offs) off();
		}
	};
}

/**
 * The same worker options as jobs/boss.ts `work`, whose 2 s backstop poll on
 * NOTIFY queues matters most here: a job deferred past a Retry-After, or
 * waiting for its retry, gets no NOTIFY when it becomes due, and pg-boss's
 * default backstop for NOTIFY queues is 30 s.
 */
async function slackWork<Q extends QueueName>(
	boss: PgBoss,
	queue: Q,
	handler: (data: QueuePayloads[Q], job: Job<QueuePayloads[Q]>) => Promise<void>,
	localConcurrency = 2
): Promise<void> {
	await boss.work<QueuePayloads[Q]>(
		queue,
		{ localConcurrency, pollingIntervalSeconds: 2, notifyPollingIntervalSeconds: 2 },
		async (jobs) => {
			for (const job of jobs) await handler(job.data, job);
		}
	);
}

export type SlackTestResult =
	{ ok: true; team: string; user: string } | { ok: false; error: string };

/**
 * "Test connection" for the admin page: auth.test with the given settings
 * (bot token and API URL), answered as data, never thrown.
 */
export async function testSlackConnection(
	settings: ConnectionSettings,
	timeoutMs = 10_000
): Promise<SlackTestResult> {
	const s = readSlackSettings(settings);
	if (!s) return { ok: false, error: 'A bot token and a signing secret are required' };
	try {
		const who = await createSlackApi({
			botToken: s.botToken,
			apiUrl: s.apiUrl,
			timeoutMs
		}).authTest();
		return { ok: true, team: who.team, user: who.user };
	} catch (err) {
		return { ok: false, error: err instanceof Error ? err.message : String(err) };
	}
}
