import type { TicketDto } from '#lib/contracts/tickets.ts';
import type { PgBoss } from 'pg-boss';
import { z } from 'zod';
import type { Pool, PoolClient } from '../db/pool.ts';
import { send } from '../jobs/boss.ts';
import { log } from '../log.ts';
import { appendAudit, type Actor } from '../tickets/audit.ts';
import {
	acknowledgeLocked,
	changeTicket,
	reopenLocked,
	resolveLocked,
	updateTicket
} from '../tickets/lifecycle.ts';
import { TICKET_COLUMNS, toTicketDto } from '../tickets/rows.ts';
import { ApiError } from '../errors.ts';
import { JiraError, type JiraIssueState } from './client.ts';
import {
	jiraStateOf,
	JiraUnavailableError,
	linkedOnSite,
	sitePrefix,
	TARGET_CATEGORY,
	type JiraHandle,
	type JiraLookup
} from './connection.ts';
import {
	ACTION_FOR_STATE,
	CONFLICT_POLICIES,
	cronEvery,
	driftOf,
	RECONCILE_INTERVALS,
	vigilRepair,
	winnerOf,
	type ConflictPolicy,
	type Drift,
	type Side
} from './drift.ts';
import { pickTransition } from './sync.ts';

/**
 * Reconciliation: every ticket linked to a Jira issue is compared with the issue
 * as Jira has it now, and drift a lost webhook or a failed sync left behind is
 * repaired by the connection's conflict policy, or, under 'manual', kept as a
 * conflict for an admin. Every repair and conflict is an audit entry.
 */

export interface ReconcileDeps {
	pool: Pool;
	jira: JiraLookup;
}

/** Who reconciliation acts as: the change came from Jira (not sent back), or is Vigil's own. */
const AS_JIRA: Actor = { name: 'Reconciliation', source: 'jira' };
const AS_VIGIL: Actor = { name: 'Reconciliation', source: 'system' };

/**
 * A closed ticket is still compared for this long after its resolution: a resolve whose sync
 * to Jira was lost is drift too, but years of closed tickets are not worth a call each.
 */
const CLOSED_LOOKBACK_DAYS = 7;
const BATCH = 100;
/** Runs on several instances (a schedule and a click) never overlap: the second one is skipped. */
export const RECONCILE_LOCK = 'vigil:jira-reconcile';

export interface ReconcileResult {
	checked: number;
	inSync: number;
	repaired: number;
	conflicts: number;
	deleted: number;
	failed: { ticketId: string; key: string; error: string }[];
	skipped?: string;
}

export interface ReconcileSettings {
	policy: ConflictPolicy;
	everyMinutes: number;
	lastStartedAt: Date | null;
	lastFinishedAt: Date | null;
	lastResult: ReconcileResult | null;
	lastError: string | null;
}

export async function loadReconcileSettings(pool: Pool): Promise<ReconcileSettings> {
	const r = await pool.query(
		`select policy, every_minutes, last_started_at, last_finished_at, last_result, last_error
		from jira_reconciliation`
	);
	const row = r.rows[0];
	return {
		policy: (row?.policy as ConflictPolicy | undefined) ?? 'default',
		everyMinutes: row?.every_minutes ?? 60,
		lastStartedAt: row?.last_started_at ?? null,
		lastFinishedAt: row?.last_finished_at ?? null,
		lastResult: row?.last_result ?? null,
		lastError: row?.last_error ?? null
	};
}

export const ReconcileSettingsInput = z.object({
	policy: z.enum(CONFLICT_POLICIES, {
		message: `must be one of ${CONFLICT_POLICIES.join(', ')}`
	}),
	everyMinutes: z.coerce
		.number()
		.int()
		.refine((m) => (RECONCILE_INTERVALS as readonly number[]).includes(m), {
			message: `must be one of ${RECONCILE_INTERVALS.join(', ')} minutes`
		})
});
export type ReconcileSettingsInput = z.infer<typeof ReconcileSettingsInput>;

/** Saves the policy and schedule; the schedule lives in pg-boss, shared by every instance. */
export async function saveReconcileSettings(
	deps: { pool: Pool; boss: PgBoss },
	input: ReconcileSettingsInput,
	by: string
): Promise<ReconcileSettings> {
	await deps.pool.query(
		`update jira_reconciliation set policy = $1, every_minutes = $2, updated_at = now(), updated_by = $3`,
		[input.policy, input.everyMinutes, by]
	);
	await scheduleReconciliation(deps.boss, input.everyMinutes);
	return loadReconcileSettings(deps.pool);
}

export async function scheduleReconciliation(boss: PgBoss, everyMinutes: number): Promise<void> {
	await boss.schedule('jira.reconcile', cronEvery(everyMinutes), {}, { singletonKey: 'reconcile' });
}

/** "Reconcile now": one run queued; a run already queued absorbs the click (stately queue). */
export async function requestReconciliation(boss: PgBoss): Promise<boolean> {
	return (await send(boss, 'jira.reconcile', {}, { singletonKey: 'reconcile' })) !== null;
}

interface Linked {
	ticket: TicketDto;
	reopened: boolean;
}

/**
 * Tickets linked on the connection's site only (see sitePrefix): one linked on a site the
 * connection pointed at before would be compared with the new site's issue of the same key,
 * or found deleted there, and repaired wrongly.
 */
async function linkedTickets(pool: Pool, after: string, site: string): Promise<Linked[]> {
	const r = await pool.query(
		`select ${TICKET_COLUMNS},
			exists (select 1 from audit_log a where a.ticket_id = t.id and a.action = 'Reopened') as reopened
		from tickets t
		where jira_key is not null and jira_status = 'linked'
			and ${linkedOnSite('$4')}
			and (status <> 'closed' or resolved_at > now() - make_interval(days => $2))
			and id > $1
		order by id limit $3`,
		[after, CLOSED_LOOKBACK_DAYS, BATCH, site]
	);
	return r.rows.map((row) => ({ ticket: toTicketDto(row), reopened: row.reopened === true }));
}

async function fetchIssue(handle: JiraHandle, key: string): Promise<JiraIssueState | null> {
	return handle
		.call('reconcile: get issue', (api) => api.getIssue(key), { issueKey: key })
		.catch((err: unknown) => {
			if (err instanceof JiraError && err.kind === 'not_found') return null;
			throw err;
		});
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * One run over every linked ticket, in id order and batches. Jira calls go through the
 * connection's rate limit and breaker; when Jira asks to wait the run stops and the error
 * is thrown for the job to be deferred (a later run starts over, which is safe: every
 * repair re-checks both sides first).
 */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileResult> {
	const result: ReconcileResult = {
		checked: 0,
		inSync: 0,
		repaired: 0,
		conflicts: 0,
		deleted: 0,
		failed: []
	};
	const lock = await deps.pool.connect();
	try {
		const got = await lock.query(`select pg_try_advisory_lock(hashtextextended($1, 0)) as ok`, [
			RECONCILE_LOCK
		]);
		if (!got.rows[0].ok) return { ...result, skipped: 'another reconciliation is running' };
		try {
			await runLocked(deps, result);
		} finally {
			await lock.query(`select pg_advisory_unlock(hashtextextended($1, 0))`, [RECONCILE_LOCK]);
		}
	} finally {
		lock.release();
	}
	return result;
}

async function runLocked(deps: ReconcileDeps, result: ReconcileResult): Promise<void> {
	const { pool } = deps;
	await pool.query(`update jira_reconciliation set last_started_at = now()`);
	const finish = (error: string | null) =>
		pool.query(
			`update jira_reconciliation set last_finished_at = now(), last_result = $1, last_error = $2`,
			[JSON.stringify({ ...result, failed: result.failed.slice(0, 20) }), error]
		);
	const handle = await deps.jira();
	if (!handle) {
		await finish('Jira is not configured');
		return;
	}
	const { policy } = await loadReconcileSettings(pool);
	let after = '';
	try {
		for (;;) {
			const batch = await linkedTickets(pool, after, sitePrefix(handle.api));
			for (const item of batch) {
				result.checked++;
				try {
					const outcome = await reconcileTicket(pool, handle, item, policy);
					result[outcome]++;
				} catch (err) {
					if (err instanceof JiraUnavailableError) throw err;
					if (err instanceof JiraError && err.kind === 'rate_limited') throw err;
					result.failed.push({
						ticketId: item.ticket.id,
						key: item.ticket.jira_key ?? '',
						error: messageOf(err).slice(0, 500)
					});
				}
			}
			if (batch.length < BATCH) break;
			after = batch[batch.length - 1]!.ticket.id;
		}
	} catch (err) {
		await finish(`Stopped after ${result.checked} tickets: ${messageOf(err)}`);
		throw err;
	}
	await finish(
		result.failed.length
			? `${result.failed.length} ticket(s) could not be reconciled: ${result.failed[0]!.error}`
			: null
	);
	log.info({ ...result, failed: result.failed.length }, 'Jira reconciliation done');
}

type Outcome = 'inSync' | 'repaired' | 'conflicts' | 'deleted';

async function reconcileTicket(
	pool: Pool,
	handle: JiraHandle,
	{ ticket, reopened }: Linked,
	policy: ConflictPolicy
): Promise<Outcome> {
	const key = ticket.jira_key!;
	const issue = await fetchIssue(handle, key);
	if (!issue) {
		await markDeleted(pool, ticket.id, key);
		return 'deleted';
	}
	const jira = jiraStateOf(handle.config, issue).state;
	const drift = driftOf(ticket.status, jira, reopened);
	if (!drift) {
		await closeConflicts(pool, ticket.id, 'gone', 'Reconciliation');
		return 'inSync';
	}
	const winner = winnerOf(policy, drift.kind);
	if (!winner) {
		await recordConflict(pool, ticket, issue, drift);
		return 'conflicts';
	}
	const repaired = await repair(pool, handle, ticket.id, issue, drift, winner, { policy });
	return repaired ? 'repaired' : 'inSync';
}

/** The issue is gone: the ticket says so (like the webhook's issue_deleted), once. */
async function markDeleted(pool: Pool, ticketId: string, key: string): Promise<void> {
	await changeTicket(pool, ticketId, async (tx, current) => {
		if (current.jira_key !== key || current.jira_status !== 'linked') return null;
		const updated = await updateTicket(tx, ticketId, {
			jira_status: 'failed',
			jira_error: `${key} no longer exists in Jira (found by reconciliation)`
		});
		const audit = await appendAudit(tx, updated, {
			action: 'Jira Issue Deleted',
			actor: AS_JIRA,
			details: { key, found_by: 'reconciliation' }
		});
		await closeConflictsIn(tx, ticketId, 'gone', 'Reconciliation');
		return { ticket: updated, audits: [audit] };
	});
}

async function recordConflict(
	pool: Pool,
	ticket: TicketDto,
	issue: JiraIssueState,
	drift: Drift
): Promise<void> {
	await changeTicket(pool, ticket.id, async (tx, current) => {
		const r = await tx.query(
			`insert into jira_conflicts (ticket_id, issue_key, kind, vigil_state, jira_status, jira_state)
			values ($1, $2, $3, $4, $5, $6)
			on conflict (ticket_id) where resolved_at is null do update set
				last_seen_at = now(), issue_key = excluded.issue_key, kind = excluded.kind,
				vigil_state = excluded.vigil_state, jira_status = excluded.jira_status,
				jira_state = excluded.jira_state
			returning id, (xmax = 0) as inserted`,
			[ticket.id, issue.key, drift.kind, current.status, issue.status, drift.jira]
		);
		// Found again on a later run: the open conflict is updated, the trail already has it.
		if (!r.rows[0].inserted) return null;
		const audit = await appendAudit(tx, current, {
			action: 'Jira Conflict',
			actor: AS_VIGIL,
			details: {
				conflict_id: Number(r.rows[0].id),
				kind: drift.kind,
				key: issue.key,
				jira_status: issue.status,
				jira_state: drift.jira,
				vigil_state: current.status
			}
		});
		return { ticket: current, audits: [audit] };
	});
}

async function closeConflicts(
	pool: Pool,
	ticketId: string,
	resolution: Side | 'gone',
	by: string
): Promise<void> {
	await pool.query(
		`update jira_conflicts set resolved_at = now(), resolved_by = $3, resolution = $2
		where ticket_id = $1 and resolved_at is null`,
		[ticketId, resolution, by]
	);
}

async function closeConflictsIn(
	tx: PoolClient,
	ticketId: string,
	resolution: Side | 'gone',
	by: string
): Promise<void> {
	await tx.query(
		`update jira_conflicts set resolved_at = now(), resolved_by = $3, resolution = $2
		where ticket_id = $1 and resolved_at is null`,
		[ticketId, resolution, by]
	);
}

interface RepairContext {
	policy: ConflictPolicy;
	/** The admin who chose the side of a manual conflict. */
	decidedBy?: string;
	conflictId?: number;
}

/**
 * Makes the losing side what the winner says. Jira winning changes the ticket (in one
 * transaction with its audit entries, as Jira's actor so the sync does not send it back);
 * Vigil winning moves the issue the way the sync would for the ticket's state.
 */
async function repair(
	pool: Pool,
	handle: JiraHandle,
	ticketId: string,
	issue: JiraIssueState,
	drift: Drift,
	winner: Side,
	context: RepairContext
): Promise<boolean> {
	const details = {
		kind: drift.kind,
		winner,
		policy: context.policy,
		key: issue.key,
		jira_status: issue.status,
		jira_state: drift.jira,
		vigil_state: drift.vigil,
		...(context.decidedBy ? { decided_by: context.decidedBy } : {}),
		...(context.conflictId ? { conflict_id: context.conflictId } : {})
	};
	const by = context.decidedBy ?? 'Reconciliation';
	if (winner === 'jira') {
		const r = await changeTicket(pool, ticketId, async (tx, current) => {
			// The ticket moved since it was read: this drift is not there any more.
			if (current.status !== drift.vigil) return null;
			const how = vigilRepair(drift);
			const via = { via: 'reconciliation' };
			const done =
				how === 'resolve'
					? await resolveLocked(tx, current, AS_JIRA, via)
					: how === 'reopen'
						? await reopenLocked(tx, current, AS_JIRA, via)
						: how === 'acknowledge'
							? await acknowledgeLocked(tx, current, AS_JIRA, via)
							: {
									// Vigil has no unacknowledge: the ticket is open again, and its first
									// acknowledgement stays in its times (MTTA).
									ticket: await updateTicket(tx, ticketId, { status: 'open' }),
									audits: [],
									related: []
								};
			if (!done) return null;
			const audit = await appendAudit(tx, done.ticket, {
				action: 'Jira Drift Repaired',
				actor: AS_JIRA,
				details: { ...details, change: how }
			});
			await closeConflictsIn(tx, ticketId, 'jira', by);
			return { ...done, audits: [...done.audits, audit] };
		});
		return r.changed;
	}

	const action = ACTION_FOR_STATE[drift.vigil];
	const target = TARGET_CATEGORY[action];
	const statusName = handle.config.statusFor[action];
	const about = { issueKey: issue.key, ticketId };
	const transitions = await handle.call(
		'reconcile: transitions',
		(api) => api.transitions(issue.key),
		about
	);
	const chosen = pickTransition(transitions, target, statusName);
	if (!chosen)
		throw new Error(
			`The Jira workflow has no transition from "${issue.status}" to ${statusName ? `"${statusName}"` : `a ${target} status`}: ${issue.key} was left as it is`
		);
	await handle.call('reconcile: transition', (api) => api.transition(issue.key, chosen.id), about);
	await changeTicket(pool, ticketId, async (tx, current) => {
		const audit = await appendAudit(tx, current, {
			action: 'Jira Drift Repaired',
			actor: AS_VIGIL,
			details: { ...details, change: `${issue.status} → ${chosen.to}` }
		});
		await closeConflictsIn(tx, ticketId, 'vigil', by);
		return { ticket: current, audits: [audit] };
	});
	return true;
}

export interface ConflictView {
	id: number;
	ticketId: string;
	pipeline: string;
	priority: string;
	issueKey: string;
	jiraUrl: string | null;
	kind: Drift['kind'];
	vigilState: Drift['vigil'];
	jiraStatus: string;
	jiraState: Drift['jira'];
	detectedAt: Date;
	lastSeenAt: Date;
	resolvedAt: Date | null;
	resolvedBy: string | null;
	resolution: Side | 'gone' | null;
}

/** Open conflicts, oldest first, then the latest resolved ones (what an admin decided). */
export async function listConflicts(
	pool: Pool,
	opts: { resolvedLimit?: number } = {}
): Promise<{ open: ConflictView[]; resolved: ConflictView[] }> {
	const select = `select c.id, c.ticket_id, t.pipeline, t.priority, c.issue_key, t.jira_url, c.kind,
			c.vigil_state, c.jira_status, c.jira_state, c.detected_at, c.last_seen_at, c.resolved_at,
			c.resolved_by, c.resolution
		from jira_conflicts c join tickets t on t.id = c.ticket_id`;
	const open = await pool.query(
		`${select} where c.resolved_at is null order by c.detected_at, c.id`
	);
	const resolved = await pool.query(
		`${select} where c.resolved_at is not null order by c.resolved_at desc, c.id desc limit $1`,
		[opts.resolvedLimit ?? 20]
	);
	const view = (r: Record<string, unknown>): ConflictView => ({
		id: Number(r.id),
		ticketId: r.ticket_id as string,
		pipeline: r.pipeline as string,
		priority: r.priority as string,
		issueKey: r.issue_key as string,
		jiraUrl: (r.jira_url as string | null) ?? null,
		kind: r.kind as Drift['kind'],
		vigilState: r.vigil_state as Drift['vigil'],
		jiraStatus: r.jira_status as string,
		jiraState: r.jira_state as Drift['jira'],
		detectedAt: r.detected_at as Date,
		lastSeenAt: r.last_seen_at as Date,
		resolvedAt: (r.resolved_at as Date | null) ?? null,
		resolvedBy: (r.resolved_by as string | null) ?? null,
		resolution: (r.resolution as ConflictView['resolution']) ?? null
	});
	return { open: open.rows.map(view), resolved: resolved.rows.map(view) };
}

/** A conflict id from a path: a positive integer, else the same 404 as an unknown one. */
export function conflictId(raw: string): number {
	const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
	if (!Number.isSafeInteger(id) || id < 1)
		throw new ApiError(404, 'not_found', `No Jira conflict ${raw.slice(0, 40)}`);
	return id;
}

export const ConflictDecision = z.object({
	side: z.enum(['jira', 'vigil'], { message: 'must be jira or vigil: the side that wins' })
});

export type ConflictOutcome = 'repaired' | 'gone';

/**
 * An admin's one click on a conflict: both sides are read again, and the chosen one wins
 * the drift as it is now. A conflict whose drift has gone meanwhile is closed as such.
 */
export async function resolveConflict(
	deps: ReconcileDeps,
	conflictId: number,
	side: Side,
	admin: string
): Promise<{ outcome: ConflictOutcome; message: string }> {
	const r = await deps.pool.query(
		`select c.ticket_id, c.issue_key, c.resolved_at from jira_conflicts c where c.id = $1`,
		[conflictId]
	);
	const row = r.rows[0];
	if (!row) throw new ApiError(404, 'not_found', `No Jira conflict ${conflictId}`);
	if (row.resolved_at)
		throw new ApiError(409, 'already_resolved', `Conflict ${conflictId} is already resolved`);
	const handle = await deps.jira();
	if (!handle) throw new ApiError(503, 'jira_not_configured', 'Jira is not configured in Vigil');
	const ticketId = row.ticket_id as string;
	const t = await deps.pool.query(
		`select ${TICKET_COLUMNS},
			exists (select 1 from audit_log a where a.ticket_id = t.id and a.action = 'Reopened') as reopened
		from tickets t where id = $1`,
		[ticketId]
	);
	const ticket = toTicketDto(t.rows[0]);
	const key = ticket.jira_key ?? (row.issue_key as string);
	const issue = await fetchIssue(handle, key).catch((err: unknown) => {
		throw new ApiError(
			502,
			'jira_unavailable',
			`Could not read ${key} from Jira: ${messageOf(err)}`
		);
	});
	if (!issue) {
		await markDeleted(deps.pool, ticketId, key);
		await closeConflicts(deps.pool, ticketId, 'gone', admin);
		return { outcome: 'gone', message: `${key} no longer exists in Jira` };
	}
	const drift = driftOf(ticket.status, jiraStateOf(handle.config, issue).state, t.rows[0].reopened);
	if (!drift) {
		await closeConflicts(deps.pool, ticketId, 'gone', admin);
		return { outcome: 'gone', message: `${ticket.id} and ${key} agree now: nothing to repair` };
	}
	const { policy } = await loadReconcileSettings(deps.pool);
	try {
		await repair(deps.pool, handle, ticketId, issue, drift, side, {
			policy,
			decidedBy: admin,
			conflictId
		});
	} catch (err) {
		throw new ApiError(502, 'jira_repair_failed', messageOf(err));
	}
	return {
		outcome: 'repaired',
		message:
			side === 'jira'
				? `${ticket.id} now follows ${key} (${issue.status})`
				: `${key} now follows ${ticket.id} (${ticket.status.replace('_', ' ')})`
	};
}
