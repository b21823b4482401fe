import type { RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import type { Pool } from '../db/pool.ts';
import { ApiError } from '../errors.ts';
import { splitFromIncident, type SplitDeps } from '../incidents/split.ts';
import { ActionNote, bulkAction, BulkActionBody } from '../tickets/bulk.ts';
import { acknowledge, reopen, resolve, TicketNotFoundError } from '../tickets/lifecycle.ts';
import { actorOf, requireUser } from './auth.ts';
import { parseJson } from './body.ts';

const ACTIONS = { acknowledge, resolve, reopen };

/** The optional body of a single action: a note (what was done, why it is closed). */
export const TicketActionBody = z
	.object({ note: ActionNote.optional() })
	.meta({ id: 'TicketActionBody' });

/** Callers that send no body at all (scripts, curl -X POST) keep working as before. */
async function actionBody(request: Request): Promise<z.output<typeof TicketActionBody>> {
	const text = await request.text();
	if (text.trim() === '') return {};
	const again = new Request(request.url, { method: 'POST', headers: request.headers, body: text });
	return parseJson(again, TicketActionBody);
}

/** POST /api/tickets/{id}/{action}: responders and admins; repeating an action changes nothing. */
export async function ticketAction(
	pool: Pool,
	event: RequestEvent & { params: { id: string } },
	action: keyof typeof ACTIONS
): Promise<Response> {
	const user = requireUser(event, 'responder');
	const { note } = await actionBody(event.request);
	try {
		const { ticket, changed } = await ACTIONS[action](pool, event.params.id, actorOf(event, user), {
			note
		});
		return Response.json({ status: changed ? 'changed' : 'unchanged', ticket });
	} catch (err) {
		if (err instanceof TicketNotFoundError) throw new ApiError(404, 'not_found', err.message);
		throw err;
	}
}

/**
 * POST /api/tickets/bulk: the same role and the same per-ticket rules as the
 * single actions; the answer says for each ticket whether it was done or
 * skipped and why.
 */
export async function bulkTicketAction(pool: Pool, event: RequestEvent): Promise<Response> {
	const user = requireUser(event, 'responder');
	const input = await parseJson(event.request, BulkActionBody);
	return Response.json(await bulkAction(pool, input, actorOf(event, user)));
}

/** POST /api/tickets/{id}/split: takes a grouped failure out of its incident (responders and admins). */
export async function splitTicket(
	deps: SplitDeps,
	event: RequestEvent & { params: { id: string } }
): Promise<Response> {
	const user = requireUser(event, 'responder');
	try {
		const { ticket, changed } = await splitFromIncident(
			deps,
			event.params.id,
			actorOf(event, user)
		);
		return Response.json({ status: changed ? 'changed' : 'unchanged', ticket });
	} catch (err) {
		if (err instanceof TicketNotFoundError) throw new ApiError(404, 'not_found', err.message);
		throw err;
	}
}
