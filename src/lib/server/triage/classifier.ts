import { redact } from './redact.ts';
import type { Confidence, Priority, Severity, TriageInput, TriageResult } from './types.ts';
import { ADF_ACTIVITY_RULES } from './rules/adf-activities.ts';
import { ADF_DATABASE_RULES } from './rules/adf-databases.ts';
import { ADF_STORAGE_RULES } from './rules/adf-storage.ts';
import { DATABRICKS_CODE_RULES } from './rules/databricks-code.ts';
import { DATABRICKS_COMPUTE_RULES } from './rules/databricks-compute.ts';
import { GENERIC_RULES } from './rules/generic.ts';
import type { Rule, Tier } from './rules/rule.ts';

/** Earlier rules win inside a tier, so vendor-specific lists come before the generic one. */
export const RULES: readonly Rule[] = [
	...ADF_STORAGE_RULES,
	...ADF_DATABASE_RULES,
	...ADF_ACTIVITY_RULES,
	...DATABRICKS_COMPUTE_RULES,
	...DATABRICKS_CODE_RULES,
	...GENERIC_RULES
];

const TIERS: readonly Tier[] = ['specific', 'generic', 'wrapper'];

export const PRIORITY_BY_SEVERITY: Readonly<Record<Severity, Priority>> = {
	Critical: 'P1',
	High: 'P2',
	Medium: 'P3',
	Low: 'P4'
};

// Error traces can run to megabytes; the cause is near the top and regexes stay fast.
const MAX_TEXT = 20_000;

/**
 * Codes embedded in a message: ADF's `ErrorCode=X` / `ErrorCode: 'X'`, Spark error classes
 * `[TABLE_OR_VIEW_NOT_FOUND]`, data flow `DF-Executor-X`, and bare Databricks codes such as
 * `CLOUD_PROVIDER_LAUNCH_FAILURE` (only these last are "tokens": too loose to name a failure).
 */
const CODE_IN_TEXT =
	/[Ee]rror[ _]?[Cc]ode['"]?\s*[=:]\s*['"]?([\w.-]+)|\[([A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*)\]|\b(DF-[A-Za-z0-9]+-[A-Za-z0-9]+)\b|\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)\b/g;

interface CodeHit {
	code: string;
	from: 'field' | 'message' | 'token' | 'failure type';
}

interface Match {
	rule: Rule;
	code: CodeHit | null;
	excerpt: string | null;
}

export function classifyOffline(input: TriageInput): TriageResult {
	const text = input.errorMessage.slice(0, MAX_TEXT);
	const codes = candidateCodes(input, text);
	for (const tier of TIERS) {
		const rules = RULES.filter((rule) => rule.tier === tier);
		const match = matchByCode(rules, codes, text) ?? matchByText(rules, text);
		if (match) return fromMatch(match, input, text);
	}
	return fallback(input, text, codes);
}

function candidateCodes(input: TriageInput, text: string): CodeHit[] {
	const hits: CodeHit[] = [];
	const add = (code: string | null | undefined, from: CodeHit['from']) => {
		const trimmed = code?.trim();
		if (trimmed && !hits.some((hit) => same(hit.code, trimmed))) hits.push({ code: trimmed, from });
	};
	add(input.errorCode, 'field');
	for (const [, adfCode, errorClass, dataFlowCode, token] of text.matchAll(CODE_IN_TEXT)) {
		add(adfCode ?? errorClass ?? dataFlowCode, 'message');
		// `UNRESOLVED_COLUMN.WITH_SUGGESTION` is a sub-class of `UNRESOLVED_COLUMN`.
		if (errorClass?.includes('.')) add(errorClass.split('.')[0], 'message');
		add(token, 'token');
	}
	add(input.failureType, 'failure type');
	return hits;
}

function same(a: string, b: string): boolean {
	return a.toLowerCase() === b.toLowerCase();
}

function matchByCode(
	rules: readonly Rule[],
	codes: readonly CodeHit[],
	text: string
): Match | null {
	for (const hit of codes) {
		const rule = rules.find((candidate) => candidate.codes.some((code) => same(code, hit.code)));
		if (rule) return { rule, code: hit, excerpt: excerptOf(rule, text) };
	}
	return null;
}

function matchByText(rules: readonly Rule[], text: string): Match | null {
	for (const rule of rules) {
		const excerpt = excerptOf(rule, text);
		if (excerpt) return { rule, code: null, excerpt };
	}
	return null;
}

function excerptOf(rule: Rule, text: string): string | null {
	for (const pattern of rule.patterns) {
		const found = pattern.exec(text)?.[0];
		if (found) return found.length > 120 ? `${found.slice(0, 117)}...` : found;
	}
	return null;
}

function confidenceOf(match: Match): Confidence {
	// A wrapper only says which activity failed, not why: one step less sure than its kind.
	if (match.code) return match.rule.tier === 'wrapper' ? 'Medium' : 'High';
	return match.rule.tier === 'wrapper' ? 'Low' : 'Medium';
}

function fromMatch(match: Match, input: TriageInput, text: string): TriageResult {
	const { rule } = match;
	const adjusted = rule.adjust?.(text) ?? {};
	const severity = adjusted.severity ?? rule.severity;
	const entity = rule.entity?.(text) ?? null;
	return {
		rootCause: capitalise(rule.rootCause(subjectOf(rule, entity, input.pipeline))),
		errorType: rule.name?.(text) ?? rule.errorType,
		category: adjusted.category ?? rule.category,
		affectedEntity: entity ?? fallbackEntity(input),
		severity,
		priority: PRIORITY_BY_SEVERITY[severity],
		confidence: confidenceOf(match),
		recommendations: [...rule.recommendations],
		autoHealPossible: adjusted.autoHealPossible ?? rule.autoHealPossible,
		evidence: evidenceOf(match, input)
	};
}

function subjectOf(rule: Rule, entity: string | null, pipeline: string): string {
	if (entity) return rule.noun ? `the ${rule.noun} ${entity}` : entity;
	if (rule.noun) return `the ${rule.noun} used by pipeline ${pipeline}`;
	return `pipeline ${pipeline}`;
}

function fallbackEntity(input: TriageInput): string | null {
	return input.pipeline || input.resource || null;
}

function evidenceOf(match: Match, input: TriageInput): string[] {
	const evidence: string[] = [];
	const { code } = match;
	if (code?.from === 'failure type') evidence.push(`failure type ${code.code}`);
	else if (code)
		evidence.push(`error code ${code.code}${code.from === 'field' ? '' : ' (in the message)'}`);
	const reported = input.errorCode?.trim();
	if (reported && code?.from !== 'field') evidence.push(`reported error code ${reported}`);
	if (match.excerpt) evidence.push(`matched "${match.excerpt}"`);
	evidence.push(`known pattern: ${match.rule.docs}`);
	return evidence;
}

function fallback(input: TriageInput, text: string, codes: readonly CodeHit[]): TriageResult {
	const code = codes.find((hit) => hit.from === 'field' || hit.from === 'message')?.code ?? null;
	// The root cause goes to Slack (and to Jira, once that sync is built), unlike the raw error.
	const firstLine = redact(text.trim().split('\n')[0] ?? '').text.slice(0, 200);
	return {
		rootCause: firstLine
			? `No known failure pattern matched. The error reads: "${firstLine}"`
			: `Pipeline ${input.pipeline} failed without an error message.`,
		errorType: code ?? 'UnknownFailure',
		category: 'unknown',
		affectedEntity: fallbackEntity(input),
		severity: 'Medium',
		priority: PRIORITY_BY_SEVERITY.Medium,
		confidence: 'Low',
		recommendations: [
			'Open the failed run and read the full error output and the first failing step.',
			'Check what changed since the last successful run (code, configuration, credentials, source data).',
			'Rerun once if the failure looks transient, and escalate to the pipeline owner if it repeats.'
		],
		autoHealPossible: false,
		evidence: [code ? `error code ${code}` : 'no error code', 'no known pattern matched']
	};
}

function capitalise(sentence: string): string {
	return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}
