import type { RequestHandler } from './$types';
import { ticketAction } from '#lib/server/tickets/http.ts';

export const POST: RequestHandler = (event) => ticketAction(event, 'acknowledge');
