import type { RequestHandler } from './$types';
import { bulkTicketAction } from '#lib/server/http/ticket-actions.ts';
import { runtime } from '#lib/server/runtime.ts';

export const POST: RequestHandler = (event) => bulkTicketAction(runtime().pool, event);
