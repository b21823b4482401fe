import { describe, expect, it } from 'vitest';
import { compileRules, route, type RuleView } from './match.ts';

const rule = (over: Partial<RuleView>): RuleView => ({
	id: over.name ?? 'r',
	name: 'r',
	position: 1,
	field: 'pipeline',
	matchType: 'keyword',
	pattern: '',
	team: null,
	owner: null,
	costCenter: null,
	slackChannel: null,
	jiraProject: null,
	jiraIssueType: null,
	isDefault: false,
	enabled: true,
	...over
});

const rules = compileRules([
	rule({ name: 'default', isDefault: true, position: 1000, team: 'data-platform' }),
	rule({
		name: 'crm',
		position: 2,
		pattern: 'CRM',
		team: 'crm',
		slackChannel: '#crm-alerts',
		jiraProject: 'CRM',
		jiraIssueType: 'Incident'
	}),
	rule({
		name: 'sales',
		position: 1,
		matchType: 'regex',
		pattern: '^pl_.*sales',
		team: 'sales',
		costCenter: 'CC-42'
	}),
	rule({
		name: 'factory',
		position: 3,
		field: 'resource',
		pattern: 'adf-finance',
		team: 'finance'
	}),
	rule({ name: 'off', position: 0, pattern: 'customer', team: 'nobody', enabled: false })
]);

describe('routing', () => {
	it('matches keywords case-insensitively on the pipeline', () => {
		expect(route(rules, { pipeline: 'pl_load_crm_dim', resource: null })).toMatchObject({
			team: 'crm',
			slackChannel: '#crm-alerts',
			jiraProject: 'CRM',
			jiraIssueType: 'Incident'
		});
	});

	it('lets the first rule by position win', () => {
		expect(route(rules, { pipeline: 'pl_daily_sales_crm', resource: null }).team).toBe('sales');
	});

	it('matches the factory / workspace when the rule says resource', () => {
		expect(route(rules, { pipeline: 'pl_x', resource: 'adf-finance-prod' }).team).toBe('finance');
	});

	it('skips disabled rules and falls back to the default rule', () => {
		expect(route(rules, { pipeline: 'pl_customer_dim', resource: null }).team).toBe(
			'data-platform'
		);
	});

	it('treats an invalid regex as no match instead of throwing', () => {
		const broken = compileRules([
			rule({ matchType: 'regex', pattern: '([', team: 'x' }),
			rules[0]!
		]);
		expect(route(broken, { pipeline: '([', resource: null }).team).toBe('data-platform');
	});

	it('never matches a stored regex only JavaScript understands (saved before routing used RE2)', () => {
		const legacy = compileRules([
			rule({ matchType: 'regex', pattern: '^pl_(?!tmp)', team: 'x' }),
			rules[0]!
		]);
		expect(legacy[0]?.regex).toBeNull();
		expect(route(legacy, { pipeline: 'pl_sales', resource: null }).team).toBe('data-platform');
	});

	it('compiles each regex once, when the rules are loaded, and none for keywords', () => {
		const compiled = rules.find((r) => r.name === 'sales');
		expect(compiled?.regex?.pattern()).toBe('^pl_.*sales');
		expect(rules.find((r) => r.name === 'crm')?.regex).toBeNull();
		expect(route(rules, { pipeline: 'PL_weekly_SALES', resource: null }).team).toBe('sales');
	});

	it('matches a catastrophic-looking regex on a long adversarial name without backtracking', () => {
		const redos = compileRules([
			rule({ matchType: 'regex', pattern: '^(\\w+\\s?)+$', team: 'redos', position: 1 }),
			rules[0]!
		]);
		expect(redos[0]?.regex).not.toBeNull();
		expect(route(redos, { pipeline: `${'a'.repeat(50_000)}!`, resource: null }).team).toBe(
			'data-platform'
		);
		expect(route(redos, { pipeline: 'pl sales daily', resource: null }).team).toBe('redos');
	});
});
