import type { TicketDto } from '#lib/contracts/tickets.ts';

export type TicketAction = 'acknowledge' | 'resolve' | 'reopen';

export type ActionResult = { ok: true; ticket: TicketDto } | { ok: false; message: string };

/** POST /api/tickets/{id}/{action}; the answer carries the ticket as it is now. */
export async function runTicketAction(id: string, action: TicketAction): Promise<ActionResult> {
	try {
		const res = await fetch(`/api/tickets/${encodeURIComponent(id)}/${action}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', accept: 'application/json' },
			body: '{}'
		});
		const body: unknown = await res.json().catch(() => null);
		if (res.ok && body && typeof body === 'object' && 'ticket' in body)
			return { ok: true, ticket: body.ticket as TicketDto };
		const message = (body as { error?: { message?: string } } | null)?.error?.message;
		return { ok: false, message: message ?? `${action} failed (HTTP ${res.status})` };
	} catch {
		return { ok: false, message: `${action} failed: the server could not be reached` };
	}
}

export const canRespond = (role: string | undefined): boolean =>
	role === 'responder' || role === 'admin';
