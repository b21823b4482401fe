/** The fields the re-sync compares. */
export interface SeenTicket {
	id: string;
	created_at: string;
}

/**
 * Tickets that arrived while the browser was not listening: created after the
 * newest one it had seen (or after the page was served) and never seen since.
 * A little slack below that mark catches a ticket committed just after a
 * newer one; the known set keeps those already shown from counting twice.
 */
export function missedTickets<T extends SeenTicket>(
	fetched: readonly T[],
	known: (id: string) => boolean,
	watermark: number,
	slackMs = 5000
): T[] {
	return fetched.filter((t) => !known(t.id) && Date.parse(t.created_at) > watermark - slackMs);
}

/** The newest creation time among what was seen, never moving back. */
export function advanceWatermark(watermark: number, createdAt: string): number {
	const at = Date.parse(createdAt);
	return Number.isFinite(at) && at > watermark ? at : watermark;
}
