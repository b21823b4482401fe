import { randomBytes } from 'node:crypto';
import type { Source as TicketSource } from '#lib/contracts/tickets.ts';

const PREFIX: Record<TicketSource, string> = { adf: 'ADF', databricks: 'DBX', generic: 'GEN' };
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `ADF-20250126T143522-abc123`: readable on a phone, sortable by time, unguessable enough. */
export function newTicketId(source: TicketSource, at: Date): string {
	const stamp = at.toISOString().replace(/[-:]/g, '').slice(0, 15);
	const bytes = randomBytes(6);
	let suffix = '';
	for (const b of bytes) suffix += ALPHABET[b % ALPHABET.length];
	return `${PREFIX[source]}-${stamp}-${suffix}`;
}
