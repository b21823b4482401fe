/** The settings form of each connection, shared by the page (rendering) and its actions (parsing). */

export type Kind = 'gemini' | 'slack' | 'jira' | 'databricks';

export interface SettingField {
	name: string;
	label: string;
	type: 'text' | 'url' | 'email' | 'secret' | 'select' | 'number';
	/** A number's bounds. */
	min?: number;
	max?: number;
	required?: boolean;
	placeholder?: string;
	hint?: string;
	options?: readonly { value: string; label: string }[];
	/** A select's value when nothing is stored. */
	default?: string;
	/** Shares a row with its neighbour on wider screens. */
	half?: boolean;
	/** Jira: fields that only one deployment uses. */
	deployment?: 'cloud' | 'server';
	/**
	 * A secret sent to the URL in this field: changing that URL needs the secret re-entered
	 * (the server refuses otherwise, see SECRET_DESTINATION in connections/settings.ts).
	 */
	sentTo?: string;
}

export const CONNECTION_LABEL: Record<Kind, string> = {
	gemini: 'Gemini',
	slack: 'Slack',
	jira: 'Jira',
	databricks: 'Databricks'
};

export const CONNECTION_PURPOSE: Record<Kind, string> = {
	gemini: 'AI root-cause analysis. Without it, triage runs offline with the built-in rules.',
	slack: 'Alerts in a channel with Acknowledge / Resolve buttons, and replies in the thread.',
	jira: 'An issue per ticket, kept in sync both ways.',
	databricks: 'Enriches Databricks failures with the run, its tasks and their error output.'
};

export const CONNECTION_FIELDS: Record<Kind, readonly SettingField[]> = {
	gemini: [
		{ name: 'apiKey', label: 'API key', type: 'secret', required: true, sentTo: 'baseUrl' },
		{
			name: 'model',
			label: 'Model',
			type: 'text',
			required: true,
			placeholder: 'gemini-2.5-flash'
		},
		{
			name: 'baseUrl',
			label: 'Base URL',
			type: 'url',
			placeholder: 'https://generativelanguage.googleapis.com',
			hint: 'Only for a proxy; leave empty for Google.'
		}
	],
	slack: [
		{
			name: 'botToken',
			label: 'Bot token',
			type: 'secret',
			required: true,
			placeholder: 'xoxb-…',
			sentTo: 'apiUrl'
		},
		{ name: 'signingSecret', label: 'Signing secret', type: 'secret', required: true },
		{
			name: 'defaultChannel',
			label: 'Default channel',
			type: 'text',
			required: true,
			placeholder: '#data-incidents',
			hint: 'Where tickets go when no routing rule names a channel.'
		},
		{
			name: 'oncallGroup',
			label: 'On-call user group',
			type: 'text',
			placeholder: 'S0123ABCD',
			hint: 'Slack user group id mentioned when an SLA is breached.'
		},
		{
			name: 'allowUnmapped',
			label: 'Who may press the buttons',
			type: 'select',
			default: 'false',
			options: [
				{ value: 'false', label: 'People with a Vigil account (same e-mail)' },
				{ value: 'true', label: 'Anyone in the channel, recorded by Slack name' }
			]
		},
		{
			name: 'apiUrl',
			label: 'API URL',
			type: 'url',
			hint: 'Only for a proxy; leave empty for Slack.'
		}
	],
	jira: [
		{
			name: 'baseUrl',
			label: 'Site URL',
			type: 'url',
			required: true,
			placeholder: 'https://contoso.atlassian.net'
		},
		{
			name: 'deployment',
			label: 'Deployment',
			type: 'select',
			required: true,
			half: true,
			default: 'cloud',
			options: [
				{ value: 'cloud', label: 'Jira Cloud' },
				{ value: 'server', label: 'Server / Data Center' }
			]
		},
		{
			name: 'email',
			label: 'Account e-mail',
			type: 'email',
			required: true,
			deployment: 'cloud',
			half: true
		},
		{
			name: 'apiToken',
			label: 'API token',
			type: 'secret',
			required: true,
			deployment: 'cloud',
			sentTo: 'baseUrl'
		},
		{
			name: 'pat',
			label: 'Personal access token',
			type: 'secret',
			required: true,
			deployment: 'server',
			sentTo: 'baseUrl'
		},
		{
			name: 'projectKey',
			label: 'Project key',
			type: 'text',
			required: true,
			placeholder: 'OPS',
			half: true
		},
		{
			name: 'issueType',
			label: 'Issue type',
			type: 'text',
			required: true,
			placeholder: 'Task',
			half: true
		},
		{
			name: 'webhookSecret',
			label: 'Webhook secret',
			type: 'secret',
			hint: 'Jira reports changes to /api/webhooks/jira?secret=<this secret> (see docs/jira.md).',
			sentTo: 'baseUrl'
		},
		{
			name: 'priorityMap',
			label: 'Priority mapping',
			type: 'text',
			placeholder: 'P1=Highest,P2=High,P3=Medium,P4=Low',
			hint: "Jira priority names for Vigil's P1–P4; empty = the placeholder. Leave out a priority to keep its default."
		},
		{
			name: 'acknowledgeStatus',
			label: 'On acknowledge',
			type: 'text',
			placeholder: 'In Progress',
			hint: 'The Jira status to move to; empty: one of category In Progress.',
			half: true
		},
		{
			name: 'resolveStatus',
			label: 'On resolve',
			type: 'text',
			placeholder: 'Done',
			hint: 'The Jira status to move to; empty: one of category Done.',
			half: true
		},
		{
			name: 'reopenStatus',
			label: 'On reopen',
			type: 'text',
			placeholder: 'To Do',
			hint: 'The Jira status to move to; empty: one of category To Do.',
			half: true
		},
		{
			name: 'statusMap',
			label: 'Jira statuses → ticket state',
			type: 'text',
			placeholder: "In Review=in_progress, Won't Do=closed",
			hint: 'For statuses whose category says the wrong thing; others count by category (Done → closed, In Progress → in progress, To Do → reopen).'
		},
		{
			name: 'syncMode',
			label: 'Changes in Jira reach Vigil by',
			type: 'select',
			default: 'webhooks',
			options: [
				{ value: 'webhooks', label: 'Webhooks' },
				{ value: 'polling', label: 'Polling' },
				{ value: 'both', label: 'Webhooks and polling' }
			],
			hint: 'Polling asks Jira for issues updated since the last poll: for a Jira that cannot reach Vigil, or as a safety net beside webhooks.'
		},
		{
			name: 'pollIntervalSeconds',
			label: 'Poll interval',
			type: 'number',
			min: 10,
			max: 86400,
			placeholder: '60',
			hint: 'Seconds between two polls (10 or more).',
			half: true
		},
		{
			name: 'pollOverlapSeconds',
			label: 'Poll overlap',
			type: 'number',
			min: 60,
			max: 86400,
			placeholder: '120',
			hint: 'Seconds each poll reads again before the last update it saw (60 or more).',
			half: true
		}
	],
	databricks: [
		{
			name: 'host',
			label: 'Workspace URL',
			type: 'url',
			required: true,
			placeholder: 'https://adb-1234567890123456.7.azuredatabricks.net'
		},
		{
			name: 'token',
			label: 'Access token',
			type: 'secret',
			required: true,
			placeholder: 'dapi…',
			sentTo: 'host'
		}
	]
};

/**
 * The JSON body the connection API takes, from the form: empty optional text is left out;
 * an empty secret keeps the stored one, and its “clear” box sends null to delete it.
 */
export function connectionInput(kind: Kind, form: FormData): Record<string, unknown> {
	const body: Record<string, unknown> = {};
	for (const f of CONNECTION_FIELDS[kind]) {
		const value = String(form.get(f.name) ?? '').trim();
		if (f.type === 'secret') {
			if (form.get(`${f.name}__remove`) === 'on') body[f.name] = null;
			else if (value) body[f.name] = value;
		} else if (value) body[f.name] = value;
	}
	return body;
}

/** Two URL settings that send requests to the same place, as far as the form can tell. */
export function sameUrl(a: string | undefined, b: string | undefined): boolean {
	const norm = (v: string | undefined) => (v ?? '').trim().toLowerCase().replace(/\/+$/, '');
	return norm(a) === norm(b);
}
