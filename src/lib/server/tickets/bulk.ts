import { z } from 'zod';
import type { TicketDto } from '#lib/contracts/tickets.ts';
import type { Pool } from '../db/pool.ts';
import { log } from '../log.ts';
import type { Actor } from './audit.ts';
import { acknowledge, resolve, TicketNotFoundError } from './lifecycle.ts';

/** A page of the board at most: a bigger change is a script's job, not a click's. */
export const BULK_MAX = 100;
export const NOTE_MAX = 2000;

export const BULK_ACTIONS = ['acknowledge', 'resolve'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** The note a person may add when resolving (one or many): kept in the audit entry. */
export const ActionNote = z
	.string({ error: 'note must be a string' })
	.trim()
	.max(NOTE_MAX, { error: `note must be at most ${NOTE_MAX} characters` })
	.meta({ description: 'Optional; stored in each audit entry and shown on the ticket timeline' });

export const BulkActionBody = z
	.object({
		action: z.enum(BULK_ACTIONS, { error: 'action must be one of acknowledge, resolve' }),
		ids: z
			.array(z.string({ error: 'each id must be a string' }).trim().min(1).max(100), {
				error: 'ids must be an array of ticket ids'
			})
			.min(1, { error: 'ids must name at least one ticket' })
			.max(BULK_MAX, { error: `ids may name at most ${BULK_MAX} tickets` }),
		note: ActionNote.optional()
	})
	.meta({ id: 'BulkActionBody' });
export type BulkActionInput = z.output<typeof BulkActionBody>;

export const SKIP_REASONS = ['already_closed', 'already_acknowledged', 'not_found'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type BulkItemResult =
	| { id: string; outcome: 'done'; ticket: TicketDto }
	| { id: string; outcome: 'skipped'; reason: SkipReason; ticket?: TicketDto }
	| { id: string; outcome: 'failed'; message: string };

export interface BulkResult {
	action: BulkAction;
	done: number;
	skipped: number;
	failed: number;
	results: BulkItemResult[];
}

const RUN = { acknowledge, resolve };

function skipReason(action: BulkAction, t: TicketDto): SkipReason {
	return t.status === 'closed' || action === 'resolve' ? 'already_closed' : 'already_acknowledged';
}

/**
 * Acknowledges or resolves each ticket as the single action would, one
 * transaction a ticket (so one that fails or is already done does not undo the
 * others), each audited on its own with the note and `via: bulk`. Ids repeated
 * in the request are acted on once, in the order given.
 */
export async function bulkAction(
	pool: Pool,
	input: BulkActionInput,
	actor: Actor
): Promise<BulkResult> {
	const results: BulkItemResult[] = [];
	for (const id of new Set(input.ids)) {
		try {
			const r = await RUN[input.action](pool, id, actor, { note: input.note, via: 'bulk' });
			results.push(
				r.changed
					? { id, outcome: 'done', ticket: r.ticket }
					: { id, outcome: 'skipped', reason: skipReason(input.action, r.ticket), ticket: r.ticket }
			);
		} catch (err) {
			if (err instanceof TicketNotFoundError)
				results.push({ id, outcome: 'skipped', reason: 'not_found' });
			else {
				// The others still go ahead; this one is reported so the person can try it again.
				log.error({ err, ticketId: id, action: input.action }, 'bulk action failed for a ticket');
				results.push({ id, outcome: 'failed', message: 'Could not be changed; try again' });
			}
		}
	}
	const count = (o: BulkItemResult['outcome']) => results.filter((r) => r.outcome === o).length;
	return {
		action: input.action,
		done: count('done'),
		skipped: count('skipped'),
		failed: count('failed'),
		results
	};
}
