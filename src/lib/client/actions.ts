import type { TicketDto } from '#lib/contracts/tickets.ts';

export type TicketAction = 'acknowledge' | 'resolve' | 'reopen';
export type BulkAction = 'acknowledge' | 'resolve';
/** Every POST on a ticket: the lifecycle actions, and taking a failure out of its incident. */
export type TicketPost = TicketAction | 'split';

export type ActionResult = { ok: true; ticket: TicketDto } | { ok: false; message: string };

/** What POST /api/tickets/bulk answers for each ticket. */
export type BulkItem =
	| { id: string; outcome: 'done'; ticket: TicketDto }
	| { id: string; outcome: 'skipped'; reason: string; ticket?: TicketDto }
	| { id: string; outcome: 'failed'; message: string };
export interface BulkAnswer {
	action: BulkAction;
	done: number;
	skipped: number;
	failed: number;
	results: BulkItem[];
}
export type BulkResult = { ok: true; answer: BulkAnswer } | { ok: false; message: string };

async function post(url: string, body: unknown): Promise<{ res: Response; body: unknown }> {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', accept: 'application/json' },
		body: JSON.stringify(body)
	});
	return { res, body: await res.json().catch(() => null) };
}

export const errorMessage = (body: unknown): string | undefined =>
	(body as { error?: { message?: string } } | null)?.error?.message;

/** POST /api/tickets/{id}/{action}; the answer carries the ticket as it is now. */
export async function runTicketAction(
	id: string,
	action: TicketPost,
	note?: string
): Promise<ActionResult> {
	try {
		const { res, body } = await post(
			`/api/tickets/${encodeURIComponent(id)}/${action}`,
			note?.trim() ? { note: note.trim() } : {}
		);
		if (res.ok && body && typeof body === 'object' && 'ticket' in body)
			return { ok: true, ticket: body.ticket as TicketDto };
		return { ok: false, message: errorMessage(body) ?? `${action} failed (HTTP ${res.status})` };
	} catch {
		return { ok: false, message: `${action} failed: the server could not be reached` };
	}
}

/** POST /api/tickets/bulk: one answer per ticket (done, or skipped and why). */
export async function runBulkAction(
	action: BulkAction,
	ids: readonly string[],
	note?: string
): Promise<BulkResult> {
	try {
		const { res, body } = await post('/api/tickets/bulk', {
			action,
			ids,
			...(note?.trim() ? { note: note.trim() } : {})
		});
		if (res.ok && body && typeof body === 'object' && 'results' in body)
			return { ok: true, answer: body as BulkAnswer };
		return { ok: false, message: errorMessage(body) ?? `${action} failed (HTTP ${res.status})` };
	} catch {
		return { ok: false, message: `${action} failed: the server could not be reached` };
	}
}

const REASON: Record<string, string> = {
	already_closed: 'already closed',
	already_acknowledged: 'already acknowledged',
	not_found: 'not found'
};

/** "Resolved 3 tickets · 1 skipped (already closed)", for the notice after a bulk action. */
export function bulkSummary(a: BulkAnswer): string {
	const verb = a.action === 'resolve' ? 'Resolved' : 'Acknowledged';
	const parts = [`${verb} ${a.done} ${a.done === 1 ? 'ticket' : 'tickets'}`];
	const reasons = new Map<string, number>();
	for (const r of a.results)
		if (r.outcome === 'skipped') {
			const why = REASON[r.reason] ?? r.reason;
			reasons.set(why, (reasons.get(why) ?? 0) + 1);
		}
	if (a.skipped)
		parts.push(
			`${a.skipped} skipped (${[...reasons].map(([why, n]) => (reasons.size > 1 ? `${n} ${why}` : why)).join(', ')})`
		);
	if (a.failed) parts.push(`${a.failed} failed, try again`);
	return parts.join(' · ');
}

export const canRespond = (role: string | undefined): boolean =>
	role === 'responder' || role === 'admin';
