import {
	AUDIT_FIELDS,
	TICKET_FIELDS,
	type AuditEntryDto,
	type TicketDto
} from '#lib/contracts/schemas.ts';

/** Every ticket column the API exposes, in contract order (the generated search vector stays inside). */
export const TICKET_COLUMNS = TICKET_FIELDS.join(', ');

export const AUDIT_COLUMNS = AUDIT_FIELDS.join(', ');

type Row = Record<string, unknown>;

const iso = (v: unknown): string | null =>
	v instanceof Date ? v.toISOString() : (v as string | null);

export function toTicketDto(row: Row): TicketDto {
	return {
		...(row as unknown as TicketDto),
		sla_deadline: iso(row.sla_deadline)!,
		occurred_at: iso(row.occurred_at),
		created_at: iso(row.created_at)!,
		updated_at: iso(row.updated_at)!,
		acknowledged_at: iso(row.acknowledged_at),
		resolved_at: iso(row.resolved_at),
		last_attempt_at: iso(row.last_attempt_at),
		recovered_at: iso(row.recovered_at)
	};
}

export function toAuditDto(row: Row): AuditEntryDto {
	return { ...(row as unknown as AuditEntryDto), id: Number(row.id), at: iso(row.at)! };
}
