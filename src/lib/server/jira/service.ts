import type { Job, PgBoss } from 'pg-boss';
import type { Pool } from '../db/pool.ts';
import { send, work } from '../jobs/boss.ts';
import { QUEUES, type QueueName } from '../jobs/queues.ts';
import { log } from '../log.ts';
import { subscribe } from '../events.ts';
import {
	createJiraLookup,
	inJiraJob,
	linkedOnSite,
	sitePrefix,
	type JiraLookup,
	type JiraTuning
} from './connection.ts';
import { refreshJiraMetrics } from './history.ts';
import { setJiraEventSource } from '../metrics.ts';
import { eventMetrics, pruneEvents } from './events.ts';
import { processDeliveries } from './inbound.ts';
import { loadReconcileSettings, reconcile, scheduleReconciliation } from './reconcile.ts';
import { pollJob, type PollOptions } from './poll.ts';
import { createIssue, deferring, syncActions, type JiraDeps } from './sync.ts';

export interface JiraStartDeps {
	pool: Pool;
	boss: PgBoss;
	/** Unseals the stored API token / PAT and webhook secret. */
	secretKey: Buffer;
	/** Vigil's public origin, for the link back from each issue. */
	origin: string;
	/** Days the event log keeps settled rows (JIRA_EVENT_RETENTION_DAYS). */
	retentionDays: number;
}

export interface JiraOptions {
	/** Register the job workers (the subscriptions are always on). */
	workers?: boolean;
	tuning?: Partial<JiraTuning>;
	/** See JiraDeps.searchSettleMs. */
	searchSettleMs?: number;
	/** Register the reconciliation schedule (default: with the workers). */
	reconcileSchedule?: boolean;
	poll?: PollOptions;
	/** Declare the minute tick that starts polling (default true; tests that poll by hand turn it off). */
	schedulePolls?: boolean;
}

export interface RunningJira {
	lookup: JiraLookup;
	stop(): void;
}

type JiraQueue = Extract<QueueName, `jira.${string}`>;

/** Hourly, off the top of the hour when other schedules tend to pile up. */
const PRUNE_CRON = '17 * * * *';

const LIFECYCLE_ACTIONS = new Set(['Acknowledged', 'Resolved', 'Reopened']);
const METRICS_MOMENTS = new Set(['Resolved', 'Jira Drift Repaired']);

const lastAttempt = (queue: keyof typeof QUEUES, retryCount: number | undefined) =>
	(retryCount ?? 0) >= QUEUES[queue].retryLimit;

/** The job as the event log keeps it beside each call it makes (the `deferred` count left out). */
const jobOf = (
	queue: JiraQueue,
	job: Job<{ ticketId?: string; issueKey?: string; deferred?: number }>
) => {
	const { deferred: _deferred, ...data } = job.data;
	return {
		queue,
		data,
		attempt: (job.retryCount ?? 0) + 1,
		ticketId: data.ticketId ?? null,
		issueKey: data.issueKey ?? null
	};
};

/**
 * Starts the Jira integration: the workers that create issues and mirror
 * Vigil's lifecycle into Jira, the worker that applies Jira's deliveries (from
 * its webhooks or found by polling), the poll itself, and
 * the subscription that turns an acknowledge / resolve / reopen from any
 * source but Jira itself into a sync of the issue.
 */
export async function startJira(
	start: JiraStartDeps,
	opts: JiraOptions = {}
): Promise<RunningJira> {
	const { pool, boss } = start;
	const lookup = createJiraLookup({ pool, secretKey: start.secretKey, tuning: opts.tuning });
	const deps: JiraDeps = {
		pool,
		boss,
		jira: lookup,
		origin: start.origin,
		searchSettleMs: opts.searchSettleMs ?? 20_000
	};

	if (opts.workers ?? true) {
		await work(boss, 'jira.create-issue', (data, job) =>
			inJiraJob(jobOf('jira.create-issue', job), () =>
				createIssue(deps, data, lastAttempt('jira.create-issue', job.retryCount))
			)
		);
		await work(boss, 'jira.sync-action', (data, job) =>
			inJiraJob(jobOf('jira.sync-action', job), () => syncActions(deps, data))
		);
		await work(boss, 'jira.process-deliveries', (data, job) =>
			inJiraJob(jobOf('jira.process-deliveries', job), () =>
				deferring(deps, 'jira.process-deliveries', data, data.issueKey, async () => {
					const moved = await statusChangesPending(pool, data.issueKey);
					await processDeliveries(
						deps,
						data,
						lastAttempt('jira.process-deliveries', job.retryCount)
					);
					if (moved) await refreshMetricsOfIssue(deps, data.issueKey);
				})
			)
		);
		await work(boss, 'jira.fetch-changelog', (data, job) =>
			inJiraJob(jobOf('jira.fetch-changelog', job), () =>
				refreshJiraMetrics(deps, data, lastAttempt('jira.fetch-changelog', job.retryCount))
			)
		);
		await work(boss, 'jira.prune-events', async () => {
			const deleted = await pruneEvents(pool, start.retentionDays);
			if (deleted) log.info({ deleted, days: start.retentionDays }, 'Jira event log pruned');
		});
		// Every instance declares the same schedule (an upsert); pg-boss sends each hour's job once.
		await boss.schedule('jira.prune-events', PRUNE_CRON, {}, { tz: 'UTC' });
		await work(boss, 'jira.reconcile', (data, job) =>
			inJiraJob(jobOf('jira.reconcile', job), () =>
				deferring(deps, 'jira.reconcile', data, 'reconcile', async () => {
					await reconcile(deps);
				})
			)
		);
		// pg-boss keeps the schedule in PostgreSQL and sends each occurrence once, whichever
		// instances are up; re-registering at start brings it in line with the saved interval.
		if (opts.reconcileSchedule ?? true)
			await scheduleReconciliation(boss, (await loadReconcileSettings(pool)).everyMinutes);
		await work(
			boss,
			'jira.poll',
			(_data, job) => inJiraJob(jobOf('jira.poll', job), () => pollJob(deps, opts.poll)),
			{ localConcurrency: 1 }
		);
		// A tick a minute: starts polling once it is switched on, and again should the chain of
		// polls each queueing the next ever break. Every instance declares the same schedule.
		if (opts.schedulePolls ?? true)
			await boss.schedule('jira.poll', '* * * * *', {}, { singletonKey: 'jira' });
	}
	// The connection saved with polling on (switched on, a new interval): the next poll goes
	// now, not at the next minute's tick or after the old interval. A second later, so every
	// instance has re-read the saved settings (NOTIFY); should one not have, the poll finds
	// polling off and the tick starts the chain as before. A poll already queued (one per
	// connection) is kept, and polls when it is due as it finds no next_poll_at.
	const offSaved =
		opts.workers !== false && (opts.schedulePolls ?? true)
			? subscribe('connection:saved', ({ kind, config }) => {
					if (kind !== 'jira' || (config.syncMode ?? 'webhooks') === 'webhooks') return;
					pool
						.query(`update jira_poll_state set next_poll_at = null where kind = 'jira'`)
						.then(() =>
							send(
								boss,
								'jira.poll',
								{},
								{ startAfter: new Date(Date.now() + 1000), singletonKey: 'jira' }
							)
						)
						.catch((err: unknown) => log.error({ err }, 'Jira: could not start polling'));
				})
			: () => {};
	const dropEventSource = setJiraEventSource(() => eventMetrics(pool));

	// Domain events fire after the commit, in this process; the job re-reads the trail
	// from the ticket's last synced entry, so a lost event is repaired by the next one.
	const off = subscribe('audit:appended', (a) => {
		if (!a.ticket_id) return;
		// A ticket that closes, or whose drift from its issue was repaired (possibly by moving
		// the issue), gets its Jira metrics read once more, whoever did it.
		if (a.jira_key && METRICS_MOMENTS.has(a.action))
			send(boss, 'jira.fetch-changelog', { ticketId: a.ticket_id }, { singletonKey: a.ticket_id })
				.then(() => undefined)
				.catch((err: unknown) => log.error({ err }, 'Jira: could not enqueue a metrics refresh'));
		if (!LIFECYCLE_ACTIONS.has(a.action) || a.actor_source === 'jira') return;
		const ticketId = a.ticket_id;
		pool
			.query(
				`select 1 from tickets where id = $1 and (jira_key is not null or jira_status = 'pending')`,
				[ticketId]
			)
			.then((r) =>
				r.rowCount ? send(boss, 'jira.sync-action', { ticketId }, { singletonKey: ticketId }) : null
			)
			.catch((err: unknown) => log.error({ err }, 'Jira: could not enqueue a sync'));
	});

	return {
		lookup,
		stop() {
			off();
			offSaved();
			dropEventSource();
		}
	};
}

/**
 * Deliveries of this issue still to apply that move it to another status (or
 * create it). A polled update carries no changelog, so it may have moved it.
 */
async function statusChangesPending(pool: Pool, issueKey: string): Promise<boolean> {
	const r = await pool.query(
		`select 1 from jira_deliveries
		where issue_key = $1 and status = 'received'
			and (event = 'jira:issue_created' or direction = 'poll'
				or body->'changelog'->'items' @> '[{"field": "status"}]')
		limit 1`,
		[issueKey]
	);
	return (r.rowCount ?? 0) > 0;
}

/**
 * The issue's status moved: its tickets' metrics are read again from the changelog. Only
 * tickets linked on the connection's site: an older ticket with the same key on a site the
 * connection left is not this issue.
 */
export async function refreshMetricsOfIssue(
	deps: { pool: Pool; boss: PgBoss; jira: JiraLookup },
	issueKey: string
): Promise<void> {
	const { pool, boss } = deps;
	const handle = await deps.jira();
	if (!handle) return;
	const r = await pool.query(
		`select id from tickets where jira_key = $1 and ${linkedOnSite('$2')}`,
		[issueKey, sitePrefix(handle.api)]
	);
	for (const { id } of r.rows as { id: string }[])
		await send(boss, 'jira.fetch-changelog', { ticketId: id }, { singletonKey: id });
}
