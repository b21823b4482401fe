import { EventEmitter } from 'node:events';
import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';

/**
 * The domain-event seam, at the bottom so every capability may publish: domain
 * code announces what changed after its transaction commits (tickets, audit
 * entries, revoked sign-ins); Socket.IO, Slack and the Jira sync listen here.
 */
export interface DomainEvents {
	'ticket:created': TicketDto;
	'ticket:updated': TicketDto;
	'audit:appended': AuditEntryDto;
	/**
	 * Credentials stopped being good: a session ended (sign-out), a personal API token was
	 * revoked, or a user was deleted. Whatever was authenticated with them stops now.
	 * Fields name what ended; a socket matching any one of them is cut.
	 */
	'auth:revoked': AuthRevoked;
	/** A user's role changed: whatever they hold open re-authenticates with the new role. */
	'auth:changed': { userId: string };
	/** An admin saved a connection's settings (what is not secret: kind and config). */
	'connection:saved': { kind: string; config: Record<string, string> };
}
export interface AuthRevoked {
	/** Every credential of this user (deleted). */
	userId?: string;
	/** One browser session, by the SHA-256 of its token (the sessions table's id). */
	sessionId?: string;
	/** One personal API token, by its id. */
	tokenId?: string;
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
