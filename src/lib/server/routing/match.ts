import { compileRegex, type RoutingRegex } from './regex.ts';

export interface RuleView {
	id: string;
	name: string;
	position: number;
	field: 'pipeline' | 'resource' | 'any';
	matchType: 'keyword' | 'regex';
	pattern: string;
	team: string | null;
	owner: string | null;
	costCenter: string | null;
	slackChannel: string | null;
	jiraProject: string | null;
	jiraIssueType: string | null;
	isDefault: boolean;
	enabled: boolean;
}

/** A rule ready for ingest: its regex compiled once, when the settings are loaded. */
export interface CompiledRule extends RuleView {
	/** null for a keyword rule, and for a regex RE2 cannot compile (it never matches). */
	regex: RoutingRegex | null;
}

/** Compiles each regex rule's pattern; done once per settings load (routing/cache.ts), never per webhook. */
export function compileRules(rules: readonly RuleView[]): CompiledRule[] {
	return rules.map((rule) => {
		const compiled = rule.matchType === 'regex' ? compileRegex(rule.pattern) : null;
		return { ...rule, regex: compiled?.ok ? compiled.regex : null };
	});
}

export interface Routed {
	ruleId: string | null;
	team: string | null;
	owner: string | null;
	costCenter: string | null;
	slackChannel: string | null;
	jiraProject: string | null;
	jiraIssueType: string | null;
}

/**
 * First enabled rule by position whose keyword (case-insensitive substring) or
 * regex matches wins; the default rule catches everything else. A regex RE2 cannot
 * compile never matches rather than failing the ingest (the admin API refuses them; one
 * saved before routing used RE2 may still hold JavaScript-only syntax).
 */
export function route(
	rules: readonly CompiledRule[],
	target: { pipeline: string; resource: string | null }
): Routed {
	const ordered = [...rules].filter((r) => r.enabled).sort((a, b) => a.position - b.position);
	const hit =
		ordered.find((r) => !r.isDefault && matches(r, target)) ?? ordered.find((r) => r.isDefault);
	if (!hit)
		return {
			ruleId: null,
			team: null,
			owner: null,
			costCenter: null,
			slackChannel: null,
			jiraProject: null,
			jiraIssueType: null
		};
	return {
		ruleId: hit.id,
		team: hit.team,
		owner: hit.owner,
		costCenter: hit.costCenter,
		slackChannel: hit.slackChannel,
		jiraProject: hit.jiraProject,
		jiraIssueType: hit.jiraIssueType
	};
}

function matches(rule: CompiledRule, t: { pipeline: string; resource: string | null }): boolean {
	const values =
		rule.field === 'pipeline'
			? [t.pipeline]
			: rule.field === 'resource'
				? [t.resource ?? '']
				: [t.pipeline, t.resource ?? ''];
	if (rule.matchType === 'keyword') {
		const needle = rule.pattern.toLowerCase();
		return needle !== '' && values.some((v) => v.toLowerCase().includes(needle));
	}
	const re = rule.regex;
	return re !== null && values.some((v) => re.test(v));
}
