/**
 * Shapes shared by the browser and the server: the JSON API and the socket
 * events. The types come from the zod schemas in schemas.ts; this file imports
 * only types from there, so importing it adds no code to a browser bundle.
 */
import type { z } from 'zod';
import type {
	ActorSource as ActorSourceSchema,
	AuditEntryDto,
	SlaStatus as SlaStatusSchema,
	TicketDto,
	TicketStatus as TicketStatusSchema
} from './schemas.ts';

export type { AuditEntryDto, StatsDto, TicketDto } from './schemas.ts';
export type TicketStatus = z.infer<typeof TicketStatusSchema>;
export type SlaStatus = z.infer<typeof SlaStatusSchema>;
export type ActorSource = z.infer<typeof ActorSourceSchema>;
export type Source = TicketDto['source'];
export type Priority = TicketDto['priority'];
export type Severity = TicketDto['severity'];
export type Confidence = TicketDto['confidence'];
export type Category = TicketDto['category'];

/** Socket.IO events the server pushes to every signed-in board. */
export interface ServerToClientEvents {
	'ticket:created': (ticket: TicketDto) => void;
	'ticket:updated': (ticket: TicketDto) => void;
	'audit:appended': (entry: AuditEntryDto) => void;
}
export type ClientToServerEvents = Record<string, never>;
