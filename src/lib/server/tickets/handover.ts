import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import type { Pool } from '../db/pool.ts';
import { AUDIT_COLUMNS, TICKET_COLUMNS, toAuditDto, toTicketDto } from './rows.ts';

export interface Handover {
	from: string;
	to: string;
	/** Incidents that began in the window, newest first. */
	created: TicketDto[];
	/** Incidents closed in the window (whenever they began), most recent first. */
	resolved: TicketDto[];
	/** Everything not closed now, by SLA urgency: what the next shift inherits. */
	still_open: TicketDto[];
	/** SLA breaches and reopenings in the window: what went wrong. */
	breaches_and_reopens: AuditEntryDto[];
	/** True for each list that had more rows than `cap`. */
	truncated: { created: boolean; resolved: boolean; still_open: boolean; events: boolean };
}

/**
 * What a shift handover needs for the last `hours`, in four capped queries, each reading
 * `cap + 1` rows to know whether its list was cut: tickets_created_idx,
 * tickets_resolved_idx and tickets_status_created_idx bound the ticket lists;
 * audit_log_action_idx reads only the two actions asked for (rare ones).
 */
export async function handover(
	pool: Pool,
	hours: number,
	cap: number,
	now = new Date()
): Promise<Handover> {
	const from = new Date(now.getTime() - hours * 3_600_000);
	const n = cap + 1;
	const [created, resolved, open, events] = await Promise.all([
		pool.query(
			`select ${TICKET_COLUMNS} from tickets where created_at >= $1 and created_at <= $2
			order by created_at desc, id desc limit $3`,
			[from, now, n]
		),
		pool.query(
			`select ${TICKET_COLUMNS} from tickets
			where resolved_at >= $1 and resolved_at <= $2 and status = 'closed'
			order by resolved_at desc limit $3`,
			[from, now, n]
		),
		pool.query(
			`select ${TICKET_COLUMNS} from tickets where status in ('open', 'in_progress')
			order by sla_deadline, priority, id limit $1`,
			[n]
		),
		pool.query(
			`select ${AUDIT_COLUMNS} from audit_log
			where action in ('SLA Breached', 'Reopened') and at >= $1 and at <= $2
			order by id desc limit $3`,
			[from, now, n]
		)
	]);
	const cut = <T>(rows: T[]) => rows.slice(0, cap);
	return {
		from: from.toISOString(),
		to: now.toISOString(),
		created: cut(created.rows.map(toTicketDto)),
		resolved: cut(resolved.rows.map(toTicketDto)),
		still_open: cut(open.rows.map(toTicketDto)),
		breaches_and_reopens: cut(events.rows.map(toAuditDto)),
		truncated: {
			created: created.rows.length > cap,
			resolved: resolved.rows.length > cap,
			still_open: open.rows.length > cap,
			events: events.rows.length > cap
		}
	};
}
