import type { RequestHandler } from './$types';
import { ticketAction } from '#lib/server/http/ticket-actions.ts';
import { runtime } from '#lib/server/runtime.ts';

export const POST: RequestHandler = (event) => ticketAction(runtime().pool, event, 'reopen');
