/** Longest pattern a routing rule may hold; keeps compile and match cost small. */
export const MAX_PATTERN_LENGTH = 500;

/**
 * Compiles a routing regex exactly as routing/match.ts does, so the admin sees the engine's
 * own message at save time instead of a rule that silently never matches.
 */
export function regexProblem(pattern: string): string | null {
	if (pattern.length > MAX_PATTERN_LENGTH)
		return `must be at most ${MAX_PATTERN_LENGTH} characters`;
	try {
		new RegExp(pattern, 'i');
	} catch (err) {
		return (err as Error).message;
	}
	if (hasNestedRepetition(pattern))
		return 'a repeated group that itself repeats (like (a+)+) can take exponential time (ReDoS); rewrite it without nesting';
	return null;
}

/**
 * ReDoS guard. V8's regex engine backtracks, and a rule runs on every webhook inside the ingest
 * transaction, so one catastrophic pattern would stall ingestion. This rejects the classic
 * shape, a group containing a +, * or {n,m} quantifier that is itself repeated the same way
 * ((a+)+, (\w*\s?)*, (x{1,}y)+). It is a heuristic: overlapping alternations such as (a|a)+
 * pass; the length cap and the short strings matched (pipeline and resource names) bound those.
 */
export function hasNestedRepetition(pattern: string): boolean {
	const groups: boolean[] = [];
	let inClass = false;
	for (let i = 0; i < pattern.length; i++) {
		const c = pattern[i];
		if (c === '\\') {
			i++;
			continue;
		}
		if (inClass) {
			if (c === ']') inClass = false;
			continue;
		}
		if (c === '[') inClass = true;
		else if (c === '(') groups.push(false);
		else if (c === ')') {
			const innerRepeats = groups.pop() ?? false;
			const repeated = isRangeQuantifier(pattern, i + 1);
			if (innerRepeats && repeated) return true;
			if ((innerRepeats || repeated) && groups.length > 0) groups[groups.length - 1] = true;
		} else if (isRangeQuantifier(pattern, i) && groups.length > 0) {
			groups[groups.length - 1] = true;
		}
	}
	return false;
}

function isRangeQuantifier(pattern: string, at: number): boolean {
	const c = pattern[at];
	if (c === '*' || c === '+') return true;
	return c === '{' && /^\{\d+,\d*\}/.test(pattern.slice(at));
}
