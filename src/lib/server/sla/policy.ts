import type { Priority, SlaStatus } from '#lib/contracts/tickets.ts';

export type SlaPolicyMap = Record<Priority, number>;

export const DEFAULT_SLA: SlaPolicyMap = { P1: 900, P2: 1800, P3: 7200, P4: 86400 };

/** SLA is time to acknowledge, counted from the ticket's creation. */
export function slaDeadline(createdAt: Date, priority: Priority, policy: SlaPolicyMap): Date {
	return new Date(createdAt.getTime() + policy[priority] * 1000);
}

/** The SLA verdict fixed at acknowledgement; once breached it stays breached. */
export function slaStatusAtAck(deadline: Date, ackAt: Date, current: SlaStatus): SlaStatus {
	if (current === 'Breached') return 'Breached';
	return ackAt.getTime() <= deadline.getTime() ? 'Met' : 'Breached';
}

export function secondsBetween(from: Date, to: Date): number {
	return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}
