import type { Pool, PoolClient, Statement } from '../db/pool.ts';
import { INSERTED_HERE } from '../tickets/audit.ts';
import { escapeUnstorable, type Sanitizer } from './storable.ts';
import type { IngestRequest } from './types.ts';

export type RawOutcome =
	| 'created'
	| 'duplicate'
	| 'attempt'
	| 'resolved'
	| 'invalid'
	| 'too_large'
	| 'unsupported_media_type';

export interface RawEvent {
	req: IngestRequest;
	outcome: RawOutcome;
	ticketId: string | null;
	error: unknown;
	s: Sanitizer;
}

const COLUMNS = `endpoint, request_id, key_id, headers, body, outcome, ticket_id,
	error, body_bytes, content_encoding, body_truncated, sanitized`;
const WIDTH = 12;

/**
 * The raw event: the body (escaped where PostgreSQL cannot hold it), how it
 * arrived, and every change made to store the request (`sanitized`).
 */
function values({ req, outcome, ticketId, error, s }: RawEvent): unknown[] {
	const body = s.text(req.rawBody, 'body_escaped');
	const storedError = error === null ? null : s.json(error, 'error_shortened');
	const sanitized = [...new Set([...(req.received?.notes ?? []), ...s.list()])].sort();
	return [
		req.endpoint,
		req.requestId === null ? null : escapeUnstorable(req.requestId),
		req.keyId,
		req.headers,
		body,
		outcome,
		ticketId,
		storedError,
		req.received?.bytes ?? Buffer.byteLength(req.rawBody),
		req.received?.encoding ?? null,
		req.received?.truncated ?? false,
		sanitized
	];
}

export async function storeEvent(db: Pool | PoolClient, event: RawEvent): Promise<void> {
	await storeEvents(db, [event]);
}

/** COLUMNS' types: VALUES in a SELECT gets none from the table it is inserted into. */
const TYPES = [
	'text',
	'text',
	'uuid',
	'jsonb',
	'text',
	'text',
	'text',
	'jsonb',
	'int8',
	'text',
	'bool',
	'text[]'
];

/**
 * The raw events of the tickets this transaction inserted among `events` (each with its
 * ticketId), as one statement that does not need the INSERT's answer (ingest's batch sends
 * them together): a failure whose ticket was not inserted is stored by the path that answers it.
 */
export function eventsOfInsertedTickets(events: RawEvent[]): Statement {
	const rows = events.map(
		(_, i) => `(${TYPES.map((type, j) => `$${i * WIDTH + j + 1}::${type}`).join(', ')})`
	);
	return {
		text: `insert into webhook_events (${COLUMNS})
			select e.* from (values ${rows.join(', ')}) as e(${COLUMNS})
			join tickets t on t.id = e.ticket_id and t.${INSERTED_HERE}`,
		values: events.flatMap(values)
	};
}

/** Many raw events in one INSERT (a batch of webhooks committed together). */
export async function storeEvents(db: Pool | PoolClient, events: RawEvent[]): Promise<void> {
	if (events.length === 0) return;
	const rows = events.map(
		(_, i) => `(${Array.from({ length: WIDTH }, (_, j) => `$${i * WIDTH + j + 1}`).join(', ')})`
	);
	await db.query(
		`insert into webhook_events (${COLUMNS}) values ${rows.join(', ')}`,
		events.flatMap(values)
	);
}
