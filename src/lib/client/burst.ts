import type { Priority } from '#lib/contracts/tickets.ts';

/** What a burst of new urgent tickets needs to be told about. */
export interface BurstTicket {
	id: string;
	priority: Priority;
	pipeline: string;
	root_cause: string;
	/** Arrived while the browser was disconnected, found by the re-sync. */
	missed?: boolean;
}

export interface BurstMessage {
	title: string;
	body: string;
	/** One ticket: a click opens it; several: the board. */
	ticketId: string | null;
	/** Any P1 in the burst: the P1 sound, which is meant to be told apart. */
	p1: boolean;
	tag: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * One notification for a whole burst: a storm of 200 failures is one
 * "200 new P1 failures", not 200 notifications. A single ticket keeps its own
 * title and root cause.
 */
export function burstMessage(tickets: readonly BurstTicket[]): BurstMessage | null {
	const first = tickets[0];
	if (!first) return null;
	const p1 = tickets.some((t) => t.priority === 'P1');
	const allMissed = tickets.every((t) => t.missed);
	const whileAway = allMissed ? ' while you were disconnected' : '';
	if (tickets.length === 1)
		return {
			title: `${first.priority}: ${first.pipeline}`,
			body: `${first.missed ? 'Arrived while you were disconnected. ' : ''}${first.root_cause}`.slice(
				0,
				200
			),
			ticketId: first.id,
			p1,
			tag: first.id
		};
	const byPriority = new Map<Priority, number>();
	for (const t of tickets) byPriority.set(t.priority, (byPriority.get(t.priority) ?? 0) + 1);
	const priorities = [...byPriority.keys()].sort();
	const kind =
		priorities.length === 1
			? `new ${priorities[0]} failures`
			: `new urgent failures (${priorities.map((p) => `${byPriority.get(p)} ${p}`).join(', ')})`;
	const names = [...new Set(tickets.map((t) => t.pipeline))];
	const shown = names.slice(0, 3).join(', ');
	const more = names.length > 3 ? ` and ${plural(names.length - 3, 'more pipeline')}` : '';
	return {
		title: `${tickets.length} ${kind}${whileAway}`,
		body: `${shown}${more}`,
		ticketId: null,
		p1,
		tag: 'vigil-burst'
	};
}
