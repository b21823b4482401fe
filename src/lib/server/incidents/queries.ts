import type { TicketDto } from '#lib/contracts/tickets.ts';
import type { Pool } from '../db/pool.ts';
import { TICKET_COLUMNS, toTicketDto } from '../tickets/rows.ts';

/** An incident's children, oldest first (the ticket page's list). */
export async function incidentChildren(pool: Pool, incidentId: string): Promise<TicketDto[]> {
	const r = await pool.query(
		`select ${TICKET_COLUMNS} from tickets where incident_id = $1 order by created_at, id limit 200`,
		[incidentId]
	);
	return r.rows.map(toTicketDto);
}
