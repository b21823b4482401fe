import { EventEmitter } from 'node:events';
import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';

/**
 * The domain-event seam: domain code announces what changed after its
 * transaction commits; Socket.IO and the Slack integration listen here (and
 * the Jira sync will, once it is built).
 */
export interface DomainEvents {
	'ticket:created': TicketDto;
	'ticket:updated': TicketDto;
	'audit:appended': AuditEntryDto;
}
export type DomainEventName = keyof DomainEvents;

const emitter = new EventEmitter();
emitter.setMaxListeners(50);

export function publish<E extends DomainEventName>(event: E, payload: DomainEvents[E]): void {
	emitter.emit(event, payload);
}

export function subscribe<E extends DomainEventName>(
	event: E,
	listener: (payload: DomainEvents[E]) => void
): () => void {
	emitter.on(event, listener);
	return () => emitter.off(event, listener);
}
