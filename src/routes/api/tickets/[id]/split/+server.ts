import type { RequestHandler } from './$types';
import { splitTicket } from '#lib/server/http/ticket-actions.ts';
import { runtime } from '#lib/server/runtime.ts';

export const POST: RequestHandler = (event) => splitTicket(runtime(), event);
