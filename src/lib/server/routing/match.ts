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
	isDefault: boolean;
	enabled: boolean;
}

export interface Routed {
	ruleId: string | null;
	team: string | null;
	owner: string | null;
	costCenter: string | null;
	slackChannel: string | null;
	jiraProject: string | null;
}

/**
 * First enabled rule by position whose keyword (case-insensitive substring) or
 * regex matches wins; the default rule catches everything else. A broken regex
 * never matches rather than failing the ingest (the admin API rejects them anyway).
 */
export function route(
	rules: RuleView[],
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
			jiraProject: null
		};
	return {
		ruleId: hit.id,
		team: hit.team,
		owner: hit.owner,
		costCenter: hit.costCenter,
		slackChannel: hit.slackChannel,
		jiraProject: hit.jiraProject
	};
}

function matches(rule: RuleView, t: { pipeline: string; resource: string | null }): boolean {
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
	const re = compileRegex(rule.pattern);
	return re !== null && values.some((v) => re.test(v));
}

export function compileRegex(pattern: string): RegExp | null {
	try {
		return new RegExp(pattern, 'i');
	} catch {
		return null;
	}
}
