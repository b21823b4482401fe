import type { TicketDto } from '#lib/contracts/tickets.ts';

/** What bench/jira.ts waits for on a ticket, each the first `ticket:updated` that shows it. */
export type Milestone = 'triaged' | 'linked' | 'closed';

type Seen = Partial<Record<Milestone, number>> & { jiraFailed?: string };

const REACHED: Record<Milestone, (t: TicketDto) => boolean> = {
	// The offline pass is done: triage_status leaves 'pending' ('offline_only' without Gemini).
	triaged: (t) => t.triage_status !== 'pending',
	linked: (t) => t.jira_key !== null,
	closed: (t) => t.status === 'closed'
};

export type Outcome = { at: number } | { failed: string };

/**
 * Timestamps (performance.now()) of the domain events the board is told of, per ticket.
 * Vigil publishes `ticket:updated` in-process right after the commit, which is when a
 * socket is sent the change; events may arrive before the caller knows the ticket's id
 * (the webhook's answer travels after the commit), so everything is recorded.
 */
export class TicketTracker {
	private readonly seen = new Map<string, Seen>();
	private readonly waiters = new Map<string, Set<() => void>>();

	readonly onUpdated = (t: TicketDto): void => {
		const now = performance.now();
		const s = this.seen.get(t.id) ?? {};
		for (const m of Object.keys(REACHED) as Milestone[])
			if (s[m] === undefined && REACHED[m](t)) s[m] = now;
		if (t.jira_status === 'failed' && s.jiraFailed === undefined)
			s.jiraFailed = t.jira_error ?? 'failed';
		this.seen.set(t.id, s);
		for (const wake of this.waiters.get(t.id) ?? []) wake();
	};

	/** When the ticket reached `m`; a Jira failure on the way, or the timeout, instead. */
	waitFor(id: string, m: Milestone, timeoutMs: number): Promise<Outcome> {
		return new Promise((resolve) => {
			const set = this.waiters.get(id) ?? new Set();
			this.waiters.set(id, set);
			const done = (o: Outcome) => {
				clearTimeout(timer);
				set.delete(check);
				if (!set.size) this.waiters.delete(id);
				resolve(o);
			};
			const check = () => {
				const s = this.seen.get(id);
				const at = s?.[m];
				if (at !== undefined) done({ at });
				else if (s?.jiraFailed !== undefined && m !== 'triaged')
					done({ failed: `Jira sync failed: ${s.jiraFailed}` });
			};
			const timer = setTimeout(
				() => done({ failed: `no ${m} event within ${timeoutMs / 1000} s` }),
				timeoutMs
			);
			set.add(check);
			check();
		});
	}

	at(id: string, m: Milestone): number | undefined {
		return this.seen.get(id)?.[m];
	}
}
