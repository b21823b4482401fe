import { randomFillSync } from 'node:crypto';
import type { Source as TicketSource } from '#lib/contracts/tickets.ts';

const PREFIX: Record<TicketSource, string> = { adf: 'ADF', databricks: 'DBX', generic: 'GEN' };
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SUFFIX_BYTES = 6;

/**
 * Random bytes drawn 4 KiB at a time, as crypto.randomUUID draws its own: one call into the
 * system's generator per ~680 tickets. A call per ticket (randomBytes(6)) was 5 % of the
 * server's CPU under an alert storm (bench/README.md).
 */
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomSuffixBytes(): Buffer {
	if (offset + SUFFIX_BYTES > pool.length) {
		randomFillSync(pool);
		offset = 0;
	}
	offset += SUFFIX_BYTES;
	return pool.subarray(offset - SUFFIX_BYTES, offset);
}

/** `ADF-20250126T143522-abc123`: readable on a phone, sortable by time, unguessable enough. */
export function newTicketId(source: TicketSource, at: Date): string {
	const stamp = at.toISOString().replace(/[-:]/g, '').slice(0, 15);
	let suffix = '';
	for (const b of randomSuffixBytes()) suffix += ALPHABET[b % ALPHABET.length];
	return `${PREFIX[source]}-${stamp}-${suffix}`;
}
