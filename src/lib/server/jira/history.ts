import type { JiraMetricsDto, JiraStatusCategory } from '#lib/contracts/jira-metrics.ts';
import type { Pool } from '../db/pool.ts';
import type { QueuePayloads } from '../jobs/queues.ts';
import { changeTicket, updateTicket } from '../tickets/lifecycle.ts';
import { JiraError } from './client.ts';
import { JiraUnavailableError, linkedHere } from './connection.ts';
import { issueMetrics, timeInStatus, type IssueMetrics } from './metrics.ts';
import { deferring, type JiraDeps } from './sync.ts';

/**
 * jira.fetch-changelog: reads the linked issue's changelog and replaces the
 * ticket's status history and Jira metrics with what it says now. The whole
 * history is recomputed each time, so a repeated or late job converges on the
 * same rows (idempotent), and one keyed job per ticket at a time keeps two
 * refreshes from interleaving.
 */
export async function refreshJiraMetrics(
	deps: JiraDeps,
	data: QueuePayloads['jira.fetch-changelog'],
	lastAttempt: boolean
): Promise<void> {
	await deferring(deps, 'jira.fetch-changelog', data, data.ticketId, async () => {
		const r = await deps.pool.query(`select jira_key, jira_url from tickets where id = $1`, [
			data.ticketId
		]);
		const key = (r.rows[0]?.jira_key as string | null | undefined) ?? null;
		if (!key) return;
		const handle = await deps.jira();
		// Linked on a site the connection no longer points at: the same key here is another issue.
		if (!handle || !linkedHere(handle.api, r.rows[0].jira_url ?? null)) return;
		let metrics: IssueMetrics;
		try {
			const about = { issueKey: key };
			const history = await handle.call('changelog', (api) => api.issueHistory(key), about);
			const categories = await handle.call('statuses', (api) => api.statusCategories(), about);
			metrics = issueMetrics(history, categories, handle.config.statusMap);
		} catch (err) {
			if (!(err instanceof JiraError) || err instanceof JiraUnavailableError) throw err;
			if (err.kind === 'rate_limited') throw err;
			const message =
				err.kind === 'not_found' ? `${key} no longer exists in Jira` : err.message.slice(0, 2000);
			await deps.pool.query(`update tickets set jira_metrics_error = $2 where id = $1`, [
				data.ticketId,
				err.transient && !lastAttempt ? `Retrying: ${message}` : message
			]);
			if (err.transient && !lastAttempt) throw err;
			return;
		}
		await storeMetrics(deps.pool, data.ticketId, key, metrics);
	});
}

async function storeMetrics(
	pool: Pool,
	ticketId: string,
	key: string,
	m: IssueMetrics
): Promise<void> {
	await changeTicket(pool, ticketId, async (tx, current) => {
		// Relinked to another issue while Jira was being read: that issue's job will come.
		if (current.jira_key !== key) return null;
		await tx.query(`delete from jira_status_intervals where ticket_id = $1`, [ticketId]);
		await tx.query(
			`insert into jira_status_intervals (ticket_id, seq, status, status_id, category, entered_at, left_at)
			select $1, s.seq, s.status, s.status_id, s.category, s.entered_at, s.left_at
			from unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[])
				as s(seq, status, status_id, category, entered_at, left_at)`,
			[
				ticketId,
				m.intervals.map((_, i) => i),
				m.intervals.map((i) => i.status),
				m.intervals.map((i) => i.statusId),
				m.intervals.map((i) => i.category),
				m.intervals.map((i) => i.from),
				m.intervals.map((i) => i.to)
			]
		);
		await tx.query(
			`update tickets set jira_created_at = $2, jira_started_at = $3, jira_resolved_at = $4,
				jira_reopened = $5, jira_metrics_at = now(), jira_metrics_error = null
			where id = $1`,
			[ticketId, m.createdAt, m.startedAt, m.resolvedAt, m.reopened]
		);
		const same =
			current.jira_time_to_start_seconds === m.timeToStartSeconds &&
			current.jira_time_to_resolve_seconds === m.timeToResolveSeconds;
		// Only a change the contract shows is announced (and bumps the version).
		if (same) return null;
		const ticket = await updateTicket(tx, ticketId, {
			jira_time_to_start_seconds: m.timeToStartSeconds,
			jira_time_to_resolve_seconds: m.timeToResolveSeconds
		});
		return { ticket, audits: [] };
	});
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The ticket page's Jira section; null when the ticket has no Jira issue. */
export async function jiraMetricsOf(
	pool: Pool,
	ticketId: string,
	now = new Date()
): Promise<JiraMetricsDto | null> {
	const t = await pool.query(
		`select jira_key, jira_metrics_at, jira_metrics_error, jira_created_at, jira_started_at,
			jira_resolved_at, jira_time_to_start_seconds, jira_time_to_resolve_seconds, jira_reopened
		from tickets where id = $1`,
		[ticketId]
	);
	const row = t.rows[0];
	if (!row?.jira_key) return null;
	const r = await pool.query(
		`select status, category, entered_at, left_at from jira_status_intervals
		where ticket_id = $1 order by seq`,
		[ticketId]
	);
	const stays = r.rows.map((s) => ({
		status: s.status as string,
		category: (s.category as JiraStatusCategory | null) ?? null,
		from: s.entered_at as Date,
		to: (s.left_at as Date | null) ?? null
	}));
	return {
		fetched_at: iso(row.jira_metrics_at),
		error: row.jira_metrics_error ?? null,
		created_at: iso(row.jira_created_at),
		started_at: iso(row.jira_started_at),
		resolved_at: iso(row.jira_resolved_at),
		time_to_start_seconds: row.jira_time_to_start_seconds ?? null,
		time_to_resolve_seconds: row.jira_time_to_resolve_seconds ?? null,
		reopened: Number(row.jira_reopened ?? 0),
		history: stays.map((s) => ({
			status: s.status,
			category: s.category,
			from: s.from.toISOString(),
			to: iso(s.to),
			seconds: Math.max(0, Math.round(((s.to ?? now).getTime() - s.from.getTime()) / 1000))
		})),
		totals: timeInStatus(stays, now)
	};
}
