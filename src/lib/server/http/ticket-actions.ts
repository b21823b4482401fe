import type { RequestEvent } from '@sveltejs/kit';
import type { Pool } from '../db/pool.ts';
import { ApiError } from '../errors.ts';
import { acknowledge, reopen, resolve, TicketNotFoundError } from '../tickets/lifecycle.ts';
import { actorOf, requireUser } from './auth.ts';

const ACTIONS = { acknowledge, resolve, reopen };

/** POST /api/tickets/{id}/{action}: responders and admins; repeating an action changes nothing. */
export async function ticketAction(
	pool: Pool,
	event: RequestEvent & { params: { id: string } },
	action: keyof typeof ACTIONS
): Promise<Response> {
	const user = requireUser(event, 'responder');
	try {
		const { ticket, changed } = await ACTIONS[action](pool, event.params.id, actorOf(event, user));
		return Response.json({ status: changed ? 'changed' : 'unchanged', ticket });
	} catch (err) {
		if (err instanceof TicketNotFoundError) throw new ApiError(404, 'not_found', err.message);
		throw err;
	}
}
