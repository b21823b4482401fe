import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';

/** Longest pattern a routing rule may hold; keeps compile cost and program size small. */
export const MAX_PATTERN_LENGTH = 500;

/** Why a pattern JavaScript would take can be refused; the admin sees it with the engine's message. */
export const RE2_NOTE =
	'routing regexes use RE2 syntax, which matches in linear time: no lookaround like (?=…) or (?<!…), no backreferences like \\1';

/** A routing regex, compiled once: case-insensitive, unanchored, linear-time matching. */
export type RoutingRegex = RE2JS;

/**
 * Compiles a routing regex with RE2 (re2js). Rules run on every webhook inside the ingest
 * transaction, so a backtracking engine could be stalled by one catastrophic pattern (ReDoS);
 * RE2 has no backtracking, so every pattern it accepts matches in time linear in the input.
 * Patterns it cannot express (lookaround, backreferences) are refused at save time.
 */
export function compileRegex(
	pattern: string
): { ok: true; regex: RoutingRegex } | { ok: false; problem: string } {
	if (pattern.length > MAX_PATTERN_LENGTH)
		return { ok: false, problem: `must be at most ${MAX_PATTERN_LENGTH} characters` };
	try {
		return { ok: true, regex: RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE) };
	} catch (err) {
		if (!(err instanceof RE2JSException)) throw err;
		return {
			ok: false,
			problem: `Invalid regular expression: ${describe(err, pattern)}; ${RE2_NOTE}`
		};
	}
}

/** The problem with a routing regex, or null when RE2 compiles it. */
export function regexProblem(pattern: string): string | null {
	const compiled = compileRegex(pattern);
	return compiled.ok ? null : compiled.problem;
}

/** The engine's description and the offending part, without the (?i) the case flag adds. */
function describe(err: RE2JSException, pattern: string): string {
	if (!(err instanceof RE2JSSyntaxException)) return err.message;
	let part = err.getPattern() ?? '';
	if (part.startsWith('(?i)') && !pattern.startsWith('(?i)')) part = part.slice(4);
	return part ? `${err.getDescription()}: \`${part}\`` : err.getDescription();
}
