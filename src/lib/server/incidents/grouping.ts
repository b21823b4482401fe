import type { AuditEntryDto, Priority, TicketDto } from '#lib/contracts/tickets.ts';
import type { PgBoss } from 'pg-boss';
import { inTransaction, type Pool, type PoolClient } from '../db/pool.ts';
import type { SlaPolicyMap } from '../sla/policy.ts';
import { appendAudit, SYSTEM } from '../tickets/audit.ts';
import { applyPriority, updateTicket } from '../tickets/lifecycle.ts';
import { TICKET_COLUMNS, toTicketDto } from '../tickets/rows.ts';
import {
	errorFingerprint,
	failingResource,
	type FailureFacts,
	type FailingResource
} from './keys.ts';
import type { GroupingSettings } from './settings.ts';

/** The grouping keys stored on every ticket (tickets.group_resource / group_fingerprint). */
export interface GroupKeys {
	resource: FailingResource | null;
	fingerprint: string | null;
}

export function groupKeys(f: FailureFacts): GroupKeys {
	return { resource: failingResource(f), fingerprint: errorFingerprint(f) };
}

export interface IncidentMatch {
	incident: TicketDto;
	/** In words, stored on the child (and on the incident for its first child). */
	reason: string;
}

/**
 * Inside the ingest transaction, before the new ticket is inserted: the open
 * incident this failure belongs to, or null (then the new ticket may become
 * one for the failures after it).
 *
 * Race-safe across instances without serialising a storm: once the incident
 * exists (committed), a failure finds it and joins without any lock beyond a
 * KEY SHARE lock on the incident's row, as the child's foreign key takes
 * anyway (so a concurrent acknowledge or resolve, FOR UPDATE, waits for it and
 * then acts on it too; the count after each child, FOR NO KEY UPDATE, does
 * not). Only when none is found is a transaction-level
 * advisory lock per grouping key taken, and the lookup repeated under it; the
 * lock is held until the new ticket commits, so of 200 concurrent failures of
 * one cause exactly one becomes the incident and every other one, after the
 * lock, finds it (READ COMMITTED: each statement sees what committed before
 * it). Locks are taken in key order, so two failures sharing both keys cannot
 * deadlock.
 */
export async function findIncident(
	tx: PoolClient,
	settings: GroupingSettings,
	keys: GroupKeys,
	now: Date
): Promise<IncidentMatch | null> {
	if (!settings.enabled) return null;
	const resource = settings.keys.includes('resource') ? keys.resource : null;
	const fingerprint = settings.keys.includes('fingerprint') ? keys.fingerprint : null;
	const lockKeys = [
		...(resource ? [`resource:${resource.name}`] : []),
		...(fingerprint ? [`fingerprint:${fingerprint}`] : [])
	].sort();
	if (lockKeys.length === 0) return null;
	const since = new Date(now.getTime() - settings.window_minutes * 60_000);
	const lookup = () => openIncident(tx, settings, resource, fingerprint, since);
	const found = await lookup();
	if (found) return found;
	// The first failures of a storm arrive together: one takes the lock and becomes the
	// incident; the others poll for it rather than queue on the lock, so once it commits
	// they all join at once instead of one after another. Past WAIT_MS they queue.
	const [head, ...rest] = lockKeys.map((k) => `vigil.incident:${k}`);
	const until = Date.now() + WAIT_MS;
	for (;;) {
		const r = await tx.query(`select pg_try_advisory_xact_lock(hashtextextended($1, 0)) as ok`, [
			head
		]);
		if (r.rows[0].ok) break;
		await new Promise((done) => setTimeout(done, POLL_MS));
		const joined = await lookup();
		if (joined) return joined;
		if (Date.now() > until) {
			await tx.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [head]);
			break;
		}
	}
	for (const key of rest)
		await tx.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [key]);
	return lookup();
}

const POLL_MS = 10;
const WAIT_MS = 2000;

async function openIncident(
	tx: PoolClient,
	settings: GroupingSettings,
	resource: FailingResource | null,
	fingerprint: string | null,
	since: Date
): Promise<IncidentMatch | null> {
	const r = await tx.query(
		`select ${TICKET_COLUMNS}, group_resource from tickets
		where incident_id is null and status <> 'closed' and created_at >= $1
			and ((group_resource is not null and group_resource = $2)
				or (group_fingerprint is not null and group_fingerprint = $3))
		order by created_at, id limit 1
		for key share`,
		[since, resource?.name ?? null, fingerprint]
	);
	const row = r.rows[0];
	if (!row) return null;
	const { group_resource: byResource, ...rest } = row;
	const incident = toTicketDto(rest);
	const within = `within ${settings.window_minutes} min`;
	const reason =
		resource && byResource === resource.name
			? `grouped: resource ${resource.name}, category ${incident.category}, ${within}`
			: `grouped: same error ${incident.error_type} across pipelines (fingerprint ${fingerprint?.slice(0, 8)}), category ${incident.category}, ${within}`;
	return { incident, reason };
}

const URGENCY: Record<Priority, number> = { P1: 1, P2: 2, P3: 3, P4: 4 };

/**
 * The incidents.recount job, queued in the transaction of each child that
 * joins (stately, keyed by incident: a storm queues one or two, never one per
 * child, and a recount queued while one runs sees every child committed
 * before it starts, so the count converges). The incident counts its children
 * again and takes the most urgent open child's priority, so a P1 never hides
 * under a P3 incident's clock (its deadline and breach timer move with it).
 * Kept out of the ingest transaction so a storm's children never queue on the
 * incident's row.
 */
export async function recountIncident(
	pool: Pool,
	boss: PgBoss,
	incidentId: string,
	sla: SlaPolicyMap
): Promise<{ incident: TicketDto; audits: AuditEntryDto[] } | null> {
	return inTransaction(pool, async (tx) => {
		// NO KEY UPDATE: does not wait on the KEY SHARE locks that children being inserted hold
		// on this row (their foreign key, and the lookup), so counting never stalls a storm.
		const r = await tx.query(
			`select ${TICKET_COLUMNS} from tickets where id = $1 for no key update`,
			[incidentId]
		);
		if (!r.rows[0]) return null;
		const before = toTicketDto(r.rows[0]);
		const first = await tx.query(
			`select id, grouped_reason from tickets where incident_id = $1 order by created_at, id limit 1`,
			[incidentId]
		);
		const reason = (first.rows[0]?.grouped_reason as string | undefined) ?? null;
		let incident = await recount(tx, before, reason);
		const audits: AuditEntryDto[] = [];
		const urgent = await tx.query(
			`select min(priority) as p from tickets where incident_id = $1 and status <> 'closed'`,
			[incidentId]
		);
		const most = urgent.rows[0]?.p as Priority | null;
		if (incident.status !== 'closed' && most && URGENCY[most] < URGENCY[incident.priority]) {
			const moved = await applyPriority(tx, boss, incident, most, sla, SYSTEM, 'a grouped failure');
			if (moved) {
				incident = moved.ticket;
				audits.push(moved.audit);
			}
		}
		if (before.incident_children === 0 && incident.incident_children > 0)
			audits.push(
				await appendAudit(tx, incident, {
					action: 'Incident Opened',
					actor: SYSTEM,
					details: { reason, first_child: first.rows[0]?.id }
				})
			);
		if (incident.version === before.version) return null;
		return { incident, audits };
	});
}

/** Sets an incident's child count from its children as this transaction sees them. */
export async function recount(
	tx: PoolClient,
	incident: TicketDto,
	reason: string | null
): Promise<TicketDto> {
	const c = await tx.query(`select count(*)::int as n from tickets where incident_id = $1`, [
		incident.id
	]);
	const n = c.rows[0].n as number;
	const grouped_reason = n === 0 ? null : (incident.grouped_reason ?? reason);
	if (n === incident.incident_children && grouped_reason === incident.grouped_reason)
		return incident;
	return updateTicket(tx, incident.id, { incident_children: n, grouped_reason });
}
