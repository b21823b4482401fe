import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const RoutingRuleEntity = defineEntity({
	name: 'RoutingRule',
	tableName: 'routing_rules',
	properties: {
		id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
		name: p.text(),
		position: p.integer(),
		field: p.enum(['pipeline', 'resource', 'any'] as const),
		matchType: p.enum(['keyword', 'regex'] as const),
		pattern: p.text(),
		team: p.text().nullable(),
		owner: p.text().nullable(),
		costCenter: p.text().nullable(),
		slackChannel: p.text().nullable(),
		jiraProject: p.text().nullable(),
		/** The issue type tickets of this rule get in Jira (column jira_issue_type); null = the connection's. */
		jiraIssueType: p.text().nullable(),
		isDefault: p.boolean().default(false),
		enabled: p.boolean().default(true),
		createdAt: p.datetime().defaultRaw('now()'),
		updatedAt: p.datetime().defaultRaw('now()')
	}
});
export type RoutingRule = InferEntity<typeof RoutingRuleEntity>;
