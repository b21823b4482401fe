import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { invalidateIngestSettings } from './cache.ts';
import { RoutingRuleEntity, type RoutingRule } from './entities.ts';
import { ApiError, invalidField, isUuid, notFound } from '../errors.ts';
import { MAX_PATTERN_LENGTH, regexProblem } from './regex.ts';

// The default rule sits at the top of the int4 range; user rules stay below it.
const MAX_POSITION = 2_147_483_646;

/** Empty text clears a tag, like null. */
const tag = z
	.string()
	.trim()
	.max(200)
	.nullable()
	.transform((v) => (v ? v : null));

const ruleFields = {
	name: z.string().trim().min(1).max(100),
	position: z.number().int().min(0).max(MAX_POSITION),
	field: z.enum(['pipeline', 'resource', 'any']),
	match_type: z.enum(['keyword', 'regex']),
	pattern: z.string().max(MAX_PATTERN_LENGTH),
	team: tag,
	owner: tag,
	cost_center: tag,
	slack_channel: tag,
	jira_project: tag,
	jira_issue_type: tag,
	enabled: z.boolean()
};

/** POST body; position defaults to after the last rule, tags to none. */
export const RuleCreateBody = z.object({
	...ruleFields,
	position: ruleFields.position.optional(),
	team: tag.default(null),
	owner: tag.default(null),
	cost_center: tag.default(null),
	slack_channel: tag.default(null),
	jira_project: tag.default(null),
	jira_issue_type: tag.default(null),
	enabled: ruleFields.enabled.default(true)
});
export type RuleCreateInput = z.infer<typeof RuleCreateBody>;

/** PUT body; a field left out keeps its value. */
export const RuleUpdateBody = z.object(ruleFields).partial();
export type RuleUpdateInput = z.infer<typeof RuleUpdateBody>;

export interface RuleDto {
	id: string;
	name: string;
	position: number;
	field: RoutingRule['field'];
	match_type: RoutingRule['matchType'];
	pattern: string;
	team: string | null;
	owner: string | null;
	cost_center: string | null;
	slack_channel: string | null;
	jira_project: string | null;
	/** The Jira issue type for this rule's tickets; null = the connection's default. */
	jira_issue_type: string | null;
	is_default: boolean;
	enabled: boolean;
	created_at: Date;
	updated_at: Date;
}

/** What the default rule may change: where it sends tickets, never what it catches. */
const DEFAULT_EDITABLE = new Set([
	'team',
	'owner',
	'cost_center',
	'slack_channel',
	'jira_project',
	'jira_issue_type'
]);

export async function listRules(em: EntityManager): Promise<RuleDto[]> {
	const rows = await em.find(
		RoutingRuleEntity,
		{},
		{ orderBy: { position: 'asc', createdAt: 'asc' } }
	);
	return rows.map(toDto);
}

export async function createRule(em: EntityManager, input: RuleCreateInput): Promise<RuleDto> {
	checkPattern(input.match_type, input.pattern);
	const now = new Date();
	const row = em.create(RoutingRuleEntity, {
		name: input.name,
		position: input.position ?? (await nextPosition(em)),
		field: input.field,
		matchType: input.match_type,
		pattern: stored(input.match_type, input.pattern),
		team: input.team,
		owner: input.owner,
		costCenter: input.cost_center,
		slackChannel: input.slack_channel,
		jiraProject: input.jira_project,
		jiraIssueType: input.jira_issue_type,
		isDefault: false,
		enabled: input.enabled,
		createdAt: now,
		updatedAt: now
	});
	await em.flush();
	invalidateIngestSettings();
	return toDto(row);
}

export async function updateRule(
	em: EntityManager,
	id: string,
	input: RuleUpdateInput
): Promise<RuleDto> {
	const row = await findRule(em, id);
	if (row.isDefault) refuseDefaultChange(row, input);
	const matchType = input.match_type ?? row.matchType;
	const pattern = input.pattern ?? row.pattern;
	if (!row.isDefault && (input.pattern !== undefined || input.match_type !== undefined))
		checkPattern(matchType, pattern);
	em.assign(row, {
		name: input.name ?? row.name,
		position: input.position ?? row.position,
		field: input.field ?? row.field,
		matchType,
		pattern: row.isDefault ? row.pattern : stored(matchType, pattern),
		team: input.team === undefined ? row.team : input.team,
		owner: input.owner === undefined ? row.owner : input.owner,
		costCenter: input.cost_center === undefined ? row.costCenter : input.cost_center,
		slackChannel: input.slack_channel === undefined ? row.slackChannel : input.slack_channel,
		jiraProject: input.jira_project === undefined ? row.jiraProject : input.jira_project,
		jiraIssueType: input.jira_issue_type === undefined ? row.jiraIssueType : input.jira_issue_type,
		enabled: input.enabled ?? row.enabled,
		updatedAt: new Date()
	});
	await em.flush();
	invalidateIngestSettings();
	return toDto(row);
}

export async function deleteRule(em: EntityManager, id: string): Promise<void> {
	const row = await findRule(em, id);
	if (row.isDefault)
		throw new ApiError(
			409,
			'default_rule_locked',
			'The default rule catches every unmatched alert and cannot be deleted'
		);
	await em.remove(row).flush();
	invalidateIngestSettings();
}

async function findRule(em: EntityManager, id: string): Promise<RoutingRule> {
	const row = isUuid(id) ? await em.findOne(RoutingRuleEntity, { id }) : null;
	if (!row) throw notFound('routing rule');
	return row;
}

async function nextPosition(em: EntityManager): Promise<number> {
	const last = await em.findOne(
		RoutingRuleEntity,
		{ isDefault: false },
		{ orderBy: { position: 'desc' } }
	);
	return last ? Math.min(last.position + 10, MAX_POSITION) : 10;
}

function checkPattern(matchType: RoutingRule['matchType'], pattern: string): void {
	// An empty pattern never matches as a keyword and matches everything as a regex: both
	// would be a rule that does not do what its author meant.
	if (pattern.trim() === '') throw invalidField('pattern', 'must not be empty');
	if (matchType === 'regex') {
		const problem = regexProblem(pattern);
		if (problem) throw invalidField('pattern', problem);
	}
}

/** Keywords are compared as trimmed substrings; a regex keeps its spaces, which can be meant. */
function stored(matchType: RoutingRule['matchType'], pattern: string): string {
	return matchType === 'keyword' ? pattern.trim() : pattern;
}

function refuseDefaultChange(row: RoutingRule, input: RuleUpdateInput): void {
	const current: Record<string, unknown> = {
		name: row.name,
		position: row.position,
		field: row.field,
		match_type: row.matchType,
		pattern: row.pattern,
		enabled: row.enabled
	};
	const changed = Object.entries(input).filter(
		([key, value]) => !DEFAULT_EDITABLE.has(key) && value !== undefined && value !== current[key]
	);
	if (changed.length > 0)
		throw new ApiError(
			409,
			'default_rule_locked',
			'The default rule catches every unmatched alert: only its team, owner, cost_center, slack_channel, jira_project and jira_issue_type can change',
			changed.map(([field]) => ({ field, message: 'cannot change on the default rule' }))
		);
}

function toDto(r: RoutingRule): RuleDto {
	return {
		id: r.id,
		name: r.name,
		position: r.position,
		field: r.field,
		match_type: r.matchType,
		pattern: r.pattern,
		team: r.team ?? null,
		owner: r.owner ?? null,
		cost_center: r.costCenter ?? null,
		slack_channel: r.slackChannel ?? null,
		jira_project: r.jiraProject ?? null,
		jira_issue_type: r.jiraIssueType ?? null,
		is_default: r.isDefault,
		enabled: r.enabled,
		created_at: r.createdAt,
		updated_at: r.updatedAt
	};
}
