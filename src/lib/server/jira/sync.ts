import { TICKET_FIELDS, type TicketDto } from '#lib/contracts/schemas.ts';
import type { PgBoss } from 'pg-boss';
import type { Pool } from '../db/pool.ts';
import { send } from '../jobs/boss.ts';
import type { QueueName, QueuePayloads } from '../jobs/queues.ts';
import { log } from '../log.ts';
import type { Actor } from '../tickets/audit.ts';
import { appendAudit } from '../tickets/audit.ts';
import { changeTicket, updateTicket } from '../tickets/lifecycle.ts';
import { toTicketDto } from '../tickets/rows.ts';
import { JiraError, type JiraTransition, type StatusCategory } from './client.ts';
import {
	JiraUnavailableError,
	linkedHere,
	TARGET_CATEGORY,
	type JiraLookup,
	type VigilAction
} from './connection.ts';
import { actionComment, commentBody, ticketTag, type LifecycleAction } from './format.ts';
import { issueCreateFields, recordRefusal } from './mapping.ts';

/** What the Jira jobs need. */
export interface JiraDeps {
	pool: Pool;
	boss: PgBoss;
	jira: JiraLookup;
	/** Vigil's public origin, for the link back from the issue. */
	origin: string;
	/**
	 * How long after a create whose answer was lost Vigil trusts a search that
	 * finds nothing: Jira Cloud's search index trails a create by a few seconds.
	 */
	searchSettleMs: number;
}

const JIRA_SYSTEM: Actor = { name: 'Vigil', source: 'system' };
/** A job sent back to wait (breaker open, Retry-After) this many times in a row gives up. */
const MAX_DEFERRALS = 200;

type JiraQueue = Extract<QueueName, `jira.${string}`>;

/**
 * Runs a job; when Jira asks to wait (429 Retry-After, circuit breaker open),
 * the job is sent again to start then, and this run ends without error: an
 * outage costs no retries, and everything queued is delivered once Jira is back.
 */
export async function deferring<Q extends JiraQueue>(
	deps: JiraDeps,
	queue: Q,
	data: QueuePayloads[Q],
	singletonKey: string,
	work: () => Promise<void>
): Promise<void> {
	try {
		await work();
	} catch (err) {
		const retryAt =
			err instanceof JiraUnavailableError
				? err.retryAt
				: err instanceof JiraError && err.kind === 'rate_limited'
					? new Date(Date.now() + Math.max(1000, err.retryAfterMs ?? 5000))
					: null;
		const count = (data.deferred ?? 0) + 1;
		if (!retryAt || count > MAX_DEFERRALS) throw err;
		await defer(deps, queue, { ...data, deferred: count }, singletonKey, retryAt);
		log.info({ queue, data, retryAt }, `Jira job deferred: ${(err as Error).message}`);
	}
}

async function defer<Q extends JiraQueue>(
	deps: JiraDeps,
	queue: Q,
	data: QueuePayloads[Q],
	singletonKey: string,
	at: Date
): Promise<void> {
	await send(deps.boss, queue, data, { startAfter: at, singletonKey });
}

async function loadTicket(pool: Pool, id: string) {
	const r = await pool.query(
		`select ${TICKET_FIELDS.map((f) => `t.${f}`).join(', ')}, t.jira_issue_id, t.jira_create_started_at, t.jira_synced_audit_id,
			r.jira_project as rule_project, r.jira_issue_type as rule_issue_type
		from tickets t left join routing_rules r on r.id = t.routing_rule_id where t.id = $1`,
		[id]
	);
	const row = r.rows[0];
	if (!row) return null;
	return {
		ticket: toTicketDto(row),
		createStartedAt: (row.jira_create_started_at as Date | null) ?? null,
		syncedAuditId: row.jira_synced_audit_id === null ? 0 : Number(row.jira_synced_audit_id),
		ruleProject: (row.rule_project as string | null) ?? null,
		ruleIssueType: (row.rule_issue_type as string | null) ?? null
	};
}

/** Records a Jira problem on the ticket and in its trail; the ticket itself goes on. */
async function noteFailure(
	deps: JiraDeps,
	ticketId: string,
	message: string,
	opts: { status?: 'failed'; action: string; details?: Record<string, unknown> }
): Promise<void> {
	await changeTicket(deps.pool, ticketId, async (tx) => {
		const ticket = await updateTicket(tx, ticketId, {
			...(opts.status ? { jira_status: opts.status } : {}),
			jira_error: message.slice(0, 2000)
		});
		const audit = await appendAudit(tx, ticket, {
			action: opts.action,
			actor: JIRA_SYSTEM,
			details: { error: message.slice(0, 2000), ...opts.details }
		});
		return { ticket, audits: [audit] };
	});
}

/** jira.create-issue: exactly one issue per ticket, found again by its tag after a lost answer. */
export async function createIssue(
	deps: JiraDeps,
	data: QueuePayloads['jira.create-issue'],
	lastAttempt: boolean
): Promise<void> {
	await deferring(deps, 'jira.create-issue', data, data.ticketId, async () => {
		const loaded = await loadTicket(deps.pool, data.ticketId);
		if (!loaded || loaded.ticket.jira_key) return;
		const { ticket } = loaded;
		const handle = await deps.jira();
		if (!handle) {
			await noteFailure(deps, ticket.id, 'Jira is not configured any more', {
				status: 'failed',
				action: 'Jira Sync Failed'
			});
			return;
		}
		const project = loaded.ruleProject ?? handle.config.projectKey;
		const issueType = loaded.ruleIssueType ?? handle.config.issueType;
		if (!project) {
			await noteFailure(
				deps,
				ticket.id,
				'No Jira project: set one on the routing rule or as the connection default',
				{ status: 'failed', action: 'Jira Sync Failed' }
			);
			return;
		}
		const tag = ticketTag(ticket.id);
		try {
			if (loaded.createStartedAt) {
				// An earlier attempt may have created the issue and lost the answer: look before creating.
				const found = await handle.call('search', (api) => api.findByLabel(project, tag));
				if (found[0])
					return await link(deps, ticket, found[0], handle.api.browseUrl(found[0].key), true);
				const settled = loaded.createStartedAt.getTime() + deps.searchSettleMs;
				if (Date.now() < settled) {
					await defer(deps, 'jira.create-issue', data, data.ticketId, new Date(settled));
					return;
				}
			}
			await deps.pool.query(`update tickets set jira_create_started_at = now() where id = $1`, [
				ticket.id
			]);
			// The same fields the admin's preview shows: Vigil's own, then the field mapping.
			const { fields } = await issueCreateFields(
				deps.pool,
				handle.config,
				deps.origin,
				ticket,
				project,
				issueType
			);
			const created = await handle.call('create issue', (api) => api.createIssue(fields));
			await recordRefusal(deps.pool, null);
			await link(deps, ticket, created, handle.api.browseUrl(created.key), false);
		} catch (err) {
			if (!(err instanceof JiraError) || err instanceof JiraUnavailableError) throw err;
			if (err.kind === 'rate_limited') throw err;
			if (err.transient && !lastAttempt) {
				await deps.pool.query(`update tickets set jira_error = $2 where id = $1`, [
					ticket.id,
					`Retrying: ${err.message}`.slice(0, 2000)
				]);
				throw err;
			}
			const fields = Object.entries(err.fields).map(([f, m]) => `${f}: ${m}`);
			if (err.kind === 'invalid')
				await recordRefusal(
					deps.pool,
					`Create for ${ticket.id} in ${project} refused: ${err.message}`
				);
			await noteFailure(deps, ticket.id, err.message, {
				status: 'failed',
				action: 'Jira Sync Failed',
				details: { kind: err.kind, ...(fields.length ? { fields } : {}) }
			});
		}
	});
}

async function link(
	deps: JiraDeps,
	ticket: TicketDto,
	issue: { id: string; key: string },
	url: string,
	foundAgain: boolean
): Promise<void> {
	await changeTicket(deps.pool, ticket.id, async (tx, current) => {
		if (current.jira_key) return null;
		const linked = await updateTicket(tx, ticket.id, {
			jira_key: issue.key,
			jira_url: url,
			jira_issue_id: issue.id,
			jira_status: 'linked',
			jira_error: null
		});
		const audit = await appendAudit(tx, linked, {
			action: 'Jira Issue Created',
			actor: JIRA_SYSTEM,
			details: {
				key: issue.key,
				url,
				...(foundAgain ? { found_by: 'tag search after a lost answer' } : {})
			}
		});
		return { ticket: linked, audits: [audit] };
	});
	// Anything done in Vigil before the issue existed is applied now.
	await send(deps.boss, 'jira.sync-action', { ticketId: ticket.id }, { singletonKey: ticket.id });
}

const LIFECYCLE: Record<string, { action: VigilAction; comment: LifecycleAction }> = {
	Acknowledged: { action: 'acknowledge', comment: 'acknowledged' },
	Resolved: { action: 'resolve', comment: 'resolved' },
	Reopened: { action: 'reopen', comment: 'reopened' }
};

/** Picks the transition to a configured status name, else to the target status category. */
export function pickTransition(
	transitions: JiraTransition[],
	target: StatusCategory,
	statusName?: string
): JiraTransition | null {
	if (statusName) {
		const byName = transitions.find((t) => t.to.toLowerCase() === statusName.toLowerCase());
		if (byName) return byName;
	}
	return transitions.find((t) => t.toCategory === target) ?? null;
}

/**
 * jira.sync-action: brings the issue to the state of Vigil's last lifecycle
 * action and comments each action, for every audit entry not synced yet. One
 * job per ticket at a time, so bursts coalesce and never reorder. Changes that
 * came from Jira itself (actor source jira) are not sent back.
 */
export async function syncActions(
	deps: JiraDeps,
	data: QueuePayloads['jira.sync-action']
): Promise<void> {
	await deferring(deps, 'jira.sync-action', data, data.ticketId, async () => {
		const loaded = await loadTicket(deps.pool, data.ticketId);
		if (!loaded) return;
		const { ticket } = loaded;
		if (!ticket.jira_key) {
			if (ticket.jira_status === 'pending')
				await defer(deps, 'jira.sync-action', data, ticket.id, new Date(Date.now() + 5000));
			return;
		}
		const r = await deps.pool.query(
			`select id, action, actor_name, actor_source from audit_log
			where ticket_id = $1 and id > $2 and action = any($3) order by id`,
			[ticket.id, loaded.syncedAuditId, Object.keys(LIFECYCLE)]
		);
		const pending = r.rows.filter((a) => a.actor_source !== 'jira');
		const lastId = r.rows.length ? Number(r.rows[r.rows.length - 1].id) : null;
		if (!pending.length) {
			if (lastId) await markSynced(deps.pool, ticket.id, lastId);
			return;
		}
		const handle = await deps.jira();
		if (!handle) return;
		const key = ticket.jira_key;
		if (!linkedHere(handle.api, ticket.jira_url)) {
			// The connection was pointed at another site since: the same key there is another issue.
			await noteFailure(
				deps,
				ticket.id,
				`${key} is an issue of another Jira site (${ticket.jira_url ?? 'unknown'}) than the connection's: not synced`,
				{ action: 'Jira Sync Failed', details: { key } }
			);
			if (lastId) await markSynced(deps.pool, ticket.id, lastId);
			return;
		}
		const last = LIFECYCLE[pending[pending.length - 1].action]!.action;
		const target = TARGET_CATEGORY[last];
		const statusName = handle.config.statusFor[last];
		const about = { issueKey: key, ticketId: ticket.id };
		const issue = await handle.call('get issue', (api) => api.getIssue(key), about);
		const there = statusName
			? issue.status.toLowerCase() === statusName.toLowerCase()
			: issue.statusCategory === target;
		if (!there) {
			const transitions = await handle.call('transitions', (api) => api.transitions(key), about);
			const chosen = pickTransition(transitions, target, statusName);
			if (chosen) {
				await handle.call('transition', (api) => api.transition(key, chosen.id), about);
				// The issue's status history changed: its metrics are read again.
				await send(
					deps.boss,
					'jira.fetch-changelog',
					{ ticketId: ticket.id },
					{ singletonKey: ticket.id }
				);
			} else
				await noteFailure(
					deps,
					ticket.id,
					`The Jira workflow has no transition from "${issue.status}" to ${statusName ? `"${statusName}"` : `a ${target} status`}: ${key} was left as it is`,
					{ action: 'Jira Transition Missing', details: { key, from: issue.status, target } }
				);
		}
		for (const a of pending) {
			const text = actionComment(LIFECYCLE[a.action]!.comment, a.actor_name);
			const comment = await handle.call(
				'comment',
				(api) => api.addComment(key, commentBody(handle.config.deployment, text)),
				about
			);
			// Remembered so the comment's echo (comment_created) is not mirrored back.
			await deps.pool.query(
				`insert into jira_comments (comment_id, issue_key, ticket_id, origin) values ($1, $2, $3, 'vigil')
				on conflict do nothing`,
				[comment.id, key, ticket.id]
			);
			await markSynced(deps.pool, ticket.id, Number(a.id));
		}
		if (lastId) await markSynced(deps.pool, ticket.id, lastId);
	});
}

async function markSynced(pool: Pool, ticketId: string, auditId: number): Promise<void> {
	await pool.query(
		`update tickets set jira_synced_audit_id = greatest(coalesce(jira_synced_audit_id, 0), $2) where id = $1`,
		[ticketId, auditId]
	);
}
