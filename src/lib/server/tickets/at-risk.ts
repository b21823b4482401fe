import { z } from 'zod';
import type { TicketDto } from '#lib/contracts/tickets.ts';
import type { Pool } from '../db/pool.ts';
import { TICKET_COLUMNS, toTicketDto } from './rows.ts';

const minutesError = 'within_minutes must be an integer from 1 to 1440 (24 hours)';

/** "What breaches in the next N minutes": the window, and how many tickets to return. */
export const SlaAtRiskQuery = z.object({
	within_minutes: z.coerce
		.number({ error: minutesError })
		.int({ error: minutesError })
		.min(1, { error: minutesError })
		.max(1440, { error: minutesError })
		.default(60)
		.describe('How far ahead to look, in minutes (default 60)')
});
export type SlaAtRiskInput = z.output<typeof SlaAtRiskQuery>;

export interface AtRisk {
	ticket: TicketDto;
	/** Seconds until the deadline; negative when it has passed and the breach timer has not run yet. */
	seconds_left: number;
}

/**
 * Unacknowledged tickets whose acknowledgement deadline falls within the window, soonest
 * first (those already past it, not yet marked Breached, lead). Acknowledging settles the
 * SLA, so only `open` tickets still `Pending` can breach; tickets_sla_pending_idx holds
 * exactly those, in this order. `limit + 1` rows are read so the caller can say "more".
 */
export async function slaAtRisk(
	pool: Pool,
	withinMinutes: number,
	limit: number,
	now = new Date()
): Promise<{ items: AtRisk[]; more: boolean }> {
	const r = await pool.query(
		`select ${TICKET_COLUMNS} from tickets
		where status = 'open' and sla_status = 'Pending'
			and sla_deadline <= $1::timestamptz + make_interval(mins => $2)
		order by sla_deadline, priority, id
		limit $3`,
		[now, withinMinutes, limit + 1]
	);
	const rows = r.rows.map(toTicketDto);
	return {
		items: rows.slice(0, limit).map((ticket) => ({
			ticket,
			seconds_left: Math.round((new Date(ticket.sla_deadline).getTime() - now.getTime()) / 1000)
		})),
		more: rows.length > limit
	};
}
