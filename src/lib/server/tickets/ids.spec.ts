import { describe, expect, it } from 'vitest';
import { newTicketId } from './ids.ts';

describe('newTicketId', () => {
	const at = new Date('2025-01-26T14:35:22.123Z');

	it('reads source, second and a six-character suffix', () => {
		expect(newTicketId('adf', at)).toMatch(/^ADF-20250126T143522-[a-z0-9]{6}$/);
		expect(newTicketId('databricks', at)).toMatch(/^DBX-20250126T143522-[a-z0-9]{6}$/);
		expect(newTicketId('generic', at)).toMatch(/^GEN-20250126T143522-[a-z0-9]{6}$/);
	});

	it('draws fresh randomness for every id, across refills of its pool', () => {
		// 5,000 ids take ~7 refills of the 4 KiB pool; a pool handed out twice would repeat
		// hundreds. One chance collision in 36^6 suffixes is allowed (~0.6 % of runs).
		const ids = Array.from({ length: 5000 }, () => newTicketId('generic', at));
		expect(new Set(ids).size).toBeGreaterThanOrEqual(ids.length - 1);
		const chars = new Set(ids.flatMap((id) => [...id.slice(-6)]));
		expect(chars.size).toBe(36);
	});
});
