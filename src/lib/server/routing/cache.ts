import type { Pool } from '../db/pool.ts';
import { DEFAULT_SLA, type SlaPolicyMap } from '../sla/policy.ts';
import { compileRules, type CompiledRule, type RuleView } from './match.ts';

export interface IngestSettings {
	/** Regexes compiled once per load, so matching a webhook compiles nothing. */
	rules: CompiledRule[];
	sla: SlaPolicyMap;
}

// Ingest reads rules and SLA policy on every webhook; a cache keeps that off the hot
// path. A change shows at once on every instance: the tables' triggers NOTIFY
// vigil_cache on commit and the runtime invalidates here (db/notify.ts; after a lost
// connection too). TTL_MS only bounds staleness if a notification were ever missed.
const TTL_MS = 60_000;
let cached: { at: number; value: IngestSettings } | null = null;

export function invalidateIngestSettings(): void {
	cached = null;
}

export async function ingestSettings(pool: Pool): Promise<IngestSettings> {
	if (cached && Date.now() - cached.at < TTL_MS) return cached.value;
	const [rules, sla] = await Promise.all([
		pool.query(
			`select id, name, position, field, match_type as "matchType", pattern, team, owner,
				cost_center as "costCenter", slack_channel as "slackChannel", jira_project as "jiraProject",
				jira_issue_type as "jiraIssueType",
				is_default as "isDefault", enabled
			from routing_rules order by position`
		),
		pool.query(`select priority, seconds from sla_policies`)
	]);
	const policy: SlaPolicyMap = { ...DEFAULT_SLA };
	for (const row of sla.rows) policy[row.priority as keyof SlaPolicyMap] = row.seconds;
	cached = {
		at: Date.now(),
		value: { rules: compileRules(rules.rows as RuleView[]), sla: policy }
	};
	return cached.value;
}
