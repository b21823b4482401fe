/** Reads the rule form into the body the routing-rule API takes. */

type TagName =
	'team' | 'owner' | 'cost_center' | 'slack_channel' | 'jira_project' | 'jira_issue_type';

export const TAGS: readonly { name: TagName; label: string; placeholder: string; hint?: string }[] =
	[
		{ name: 'team', label: 'Team', placeholder: 'finance-data' },
		{ name: 'owner', label: 'Owner', placeholder: 'fin-oncall' },
		{ name: 'cost_center', label: 'Cost center', placeholder: 'CC-4100' },
		{ name: 'slack_channel', label: 'Slack channel', placeholder: '#fin-data-alerts' },
		{
			name: 'jira_project',
			label: 'Jira project',
			placeholder: 'FIN',
			hint: "Empty: the Jira connection's project"
		},
		{
			name: 'jira_issue_type',
			label: 'Jira issue type',
			placeholder: 'Incident',
			hint: "Empty: the Jira connection's issue type"
		}
	];

type Values = Record<string, string>;

export function ruleInput(
	f: FormData,
	tagsOnly: boolean
):
	| { ok: true; body: Record<string, unknown>; values: Values }
	| { ok: false; errors: { field: string; message: string }[]; values: Values } {
	const text = (name: string) => String(f.get(name) ?? '').trim();
	// Empty tags are sent as '' and cleared by the API (a tag is either set or absent).
	const tags = Object.fromEntries(TAGS.map((t) => [t.name, text(t.name)]));
	if (tagsOnly) return { ok: true, body: tags, values: tags };
	// A regex may mean its spaces; the API trims keywords itself.
	const pattern = String(f.get('pattern') ?? '');
	const position = text('position');
	const values: Values = {
		...tags,
		name: text('name'),
		field: text('field'),
		match_type: text('match_type'),
		pattern,
		position,
		enabled: f.get('enabled') === 'on' ? 'on' : ''
	};
	if (position !== '' && !/^\d{1,10}$/.test(position))
		return {
			ok: false,
			errors: [{ field: 'position', message: 'must be a whole number (lower runs first)' }],
			values
		};
	return {
		ok: true,
		body: {
			...tags,
			name: values.name,
			field: values.field,
			match_type: values.match_type,
			pattern,
			...(position === '' ? {} : { position: Number(position) }),
			enabled: values.enabled === 'on'
		},
		values
	};
}
