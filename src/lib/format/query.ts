/** A query string (`?a=1`, or '' when empty), typed so `resolve(`/audit${search}`)` checks. */
export type Search = '' | `?${string}`;

/** The current query with some parameters set (non-empty values) or removed (empty / null). */
export function searchWith(
	current: string | URLSearchParams,
	over: Record<string, string | null | undefined>
): Search {
	const p = new URLSearchParams(current);
	for (const [key, value] of Object.entries(over)) {
		if (value) p.set(key, value);
		else p.delete(key);
	}
	const s = p.toString();
	return s ? `?${s}` : '';
}
