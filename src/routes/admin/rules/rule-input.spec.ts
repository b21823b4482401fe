import { describe, expect, it } from 'vitest';
import { RuleCreateBody } from '#lib/server/routing/rules.ts';
import { ruleInput } from './rule-input.ts';

const form = (entries: Record<string, string>) => {
	const f = new FormData();
	for (const [k, v] of Object.entries(entries)) f.set(k, v);
	return f;
};

const full = {
	name: ' Finance ',
	field: 'pipeline',
	match_type: 'regex',
	pattern: '^pl_fin ',
	position: '20',
	enabled: 'on',
	team: 'finance',
	owner: '',
	cost_center: 'CC-1',
	slack_channel: '#fin',
	jira_project: '',
	jira_issue_type: ' Incident '
};

describe('ruleInput', () => {
	it('builds a body the API accepts, keeping regex spaces and clearing empty tags', () => {
		const r = ruleInput(form(full), false);
		expect(r.ok).toBe(true);
		const body = RuleCreateBody.parse(r.ok ? r.body : null);
		expect(body).toMatchObject({
			name: 'Finance',
			pattern: '^pl_fin ',
			position: 20,
			enabled: true,
			team: 'finance',
			owner: null,
			jira_project: null,
			jira_issue_type: 'Incident'
		});
	});

	it('reads an unticked box as disabled and an empty position as “after the last rule”', () => {
		const r = ruleInput(form({ ...full, enabled: '', position: '' }), false);
		expect(r.ok && r.body.enabled).toBe(false);
		expect(r.ok && 'position' in r.body).toBe(false);
	});

	it('names a position that is not a whole number', () => {
		const r = ruleInput(form({ ...full, position: '2.5' }), false);
		expect(r).toMatchObject({ ok: false, errors: [{ field: 'position' }] });
	});

	it('sends only the tags for the default rule', () => {
		const r = ruleInput(form(full), true);
		expect(r.ok && Object.keys(r.body).sort()).toEqual(
			['cost_center', 'jira_issue_type', 'jira_project', 'owner', 'slack_channel', 'team'].sort()
		);
	});
});
