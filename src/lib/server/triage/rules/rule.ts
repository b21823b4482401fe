import type { Category, Severity } from '#lib/server/triage/types.ts';

/**
 * How early a rule is tried. `specific` names one failure; `generic` is a broad text pattern
 * (timeouts, 429, 403) that must not hide a specific one; `wrapper` is a code or text that only
 * says "something inside failed" (ADF 2200, SqlOperationFailed), used when nothing better matched.
 */
export type Tier = 'specific' | 'generic' | 'wrapper';

export interface Adjustment {
	category?: Category;
	severity?: Severity;
	autoHealPossible?: boolean;
}

export interface Rule {
	errorType: string;
	tier: Tier;
	/** Error codes or names that identify this failure exactly (compared case-insensitively). */
	codes: readonly string[];
	/** Text patterns over the error message; the first that matches is shown as evidence. */
	patterns: readonly RegExp[];
	category: Category;
	severity: Severity;
	autoHealPossible: boolean;
	recommendations: readonly string[];
	/** The public troubleshooting page the pattern comes from. */
	docs: string;
	/** What failed, when the message names it. */
	entity?: (text: string) => string | null;
	/** What kind of thing `entity` is ("source blob", "table"), to word the root cause. */
	noun?: string;
	/**
	 * One or two sentences; `subject` is e.g. "the table sales.orders", or "pipeline pl_x" when
	 * the message names nothing. The first letter is capitalised for you.
	 */
	rootCause: (subject: string) => string;
	/** The exact name when the message carries it (a Python exception, an AADSTS code). */
	name?: (text: string) => string | null;
	/** Some codes cover several causes that the message tells apart (e.g. HTTP status). */
	adjust?: (text: string) => Adjustment | null;
	/**
	 * Set when the documentation gives the failure more than one cause that the message does not
	 * tell apart: the answer is then at most Medium confidence, and this sentence says what else
	 * it may be (as a catalogue row's `ambiguous`).
	 */
	ambiguous?: string;
}

type RuleSpec = Omit<Rule, 'tier' | 'codes' | 'patterns'> & {
	tier?: Tier;
	codes?: readonly string[];
	patterns?: readonly RegExp[];
};

export function rule(spec: RuleSpec): Rule {
	return { tier: 'specific', codes: [], patterns: [], ...spec };
}
