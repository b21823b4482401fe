/** The SLA form edits seconds as minutes or hours, whichever reads naturally. */

export const PRIORITY_ROWS = [
	{ priority: 'P1', label: 'P1 — critical', example: 'production data is wrong or missing' },
	{ priority: 'P2', label: 'P2 — high', example: 'a key pipeline is late' },
	{ priority: 'P3', label: 'P3 — normal', example: 'a retry or a non-critical load' },
	{ priority: 'P4', label: 'P4 — low', example: 'dev, test or cosmetic' }
] as const;

export type Unit = 'minutes' | 'hours';
const FACTOR: Record<Unit, number> = { minutes: 60, hours: 3600 };

/** Whole hours show as hours (2 h), everything else as minutes (90 min). */
export function splitSeconds(seconds: number): { amount: number; unit: Unit } {
	return seconds >= 3600 && seconds % 3600 === 0
		? { amount: seconds / 3600, unit: 'hours' }
		: { amount: Math.round((seconds / 60) * 100) / 100, unit: 'minutes' };
}

/** Seconds for what was typed; null when it is not a positive number in a known unit. */
export function toSeconds(amount: string, unit: string): number | null {
	if (!(unit in FACTOR) || !/^\d+([.,]\d+)?$/.test(amount.trim())) return null;
	const n = Number(amount.trim().replace(',', '.'));
	return n > 0 ? Math.round(n * FACTOR[unit as Unit]) : null;
}
