/** Webhooks one ingest key may send per second or per minute. */
export interface RateRule {
	points: number;
	per: 's' | 'min';
}

const RULE = /^\s*(\d{1,9})\s*\/\s*(s|sec|second|m|min|minute)\s*$/i;

/**
 * `100/s`, `6000/min` (also `sec`, `second`, `m`, `minute`); `off` or empty for no limit.
 * Returns undefined for anything else, so the caller names the bad setting.
 */
export function parseRateRule(text: string | null | undefined): RateRule | null | undefined {
	const t = (text ?? '').trim().toLowerCase();
	if (t === '' || t === 'off') return null;
	const m = RULE.exec(t);
	if (!m) return undefined;
	const points = Number(m[1]);
	if (points < 1) return undefined;
	return { points, per: m[2]!.startsWith('s') ? 's' : 'min' };
}

export const formatRateRule = (r: RateRule) => `${r.points}/${r.per}`;
