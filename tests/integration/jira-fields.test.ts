import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../src/lib/server/errors.ts';
import {
	discoverFields,
	discoverIssueTypes,
	previewCreate,
	saveMapping
} from '../../src/lib/server/jira/mapping.ts';
import type { FieldRule } from '../../src/lib/server/jira/fields.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startTestRuntime } from '../support/db.ts';
import {
	DEFAULT_PROJECT,
	startJiraStandin,
	type CustomFieldConfig,
	type JiraStandin,
	jiraEnv
} from '../support/jira-standin.ts';
import { createTicket, eventually, getTicket } from '../support/tickets.ts';

const ORIGIN = 'https://vigil.contoso.example';

/** A project whose Bug screen has a required select list, as real projects do. */
const IMPACT: CustomFieldConfig = {
	id: 'customfield_10050',
	name: 'Impact',
	type: 'option',
	required: true,
	options: [
		{ id: '10100', value: 'Sev 1' },
		{ id: '10101', value: 'Sev 2' },
		{ id: '10102', value: 'Sev 3' }
	],
	issueTypes: ['Bug']
};
const CUSTOM: CustomFieldConfig[] = [
	IMPACT,
	{ id: 'customfield_10060', name: 'Affected system', type: 'string' },
	{ id: 'customfield_10070', name: 'Fix by', type: 'date' },
	{ id: 'customfield_10080', name: 'Notes', type: 'textarea' }
];
const BUG = '10004';

async function start(jira: JiraStandin): Promise<Runtime> {
	return startTestRuntime(
		{
			...jiraEnv(jira),
			ORIGIN
		},
		{
			jira: {
				tuning: { timeoutMs: 1000, ratePerSecond: 100, breakerThreshold: 3 },
				searchSettleMs: 300
			},
			rcaOptions: { maxAttempts: 1 }
		}
	);
}

const settled = (rt: Runtime, id: string) =>
	eventually(
		() => getTicket(rt, id),
		(t) => t.jira_status === 'linked' || t.jira_status === 'failed',
		20_000
	);

const SEVERITY_TO_IMPACT: FieldRule = {
	fieldId: 'customfield_10050',
	source: 'severity',
	valueMap: { Critical: 'Sev 1', High: 'Sev 1', Medium: 'Sev 2', Low: 'Sev 3' }
};

async function refusal(rt: Runtime): Promise<string | null> {
	const r = await rt.pool.query(`select last_refusal from connections where kind = 'jira'`);
	return r.rows[0]?.last_refusal ?? null;
}

describe('Jira field mapping, Cloud (createmeta v3)', () => {
	let jira: JiraStandin;
	let rt: Runtime;

	beforeAll(async () => {
		jira = await startJiraStandin({
			mode: 'cloud',
			projects: [{ ...DEFAULT_PROJECT, customFields: CUSTOM }]
		});
		rt = await start(jira);
	});
	afterAll(async () => {
		await rt?.stop();
		await jira?.close();
	});
	afterEach(() => {
		expect(jira.violations).toEqual([]);
		expect(jira.responseViolations).toEqual([]);
	});

	it('discovers issue types and the fields of a create screen over REST v3', async () => {
		const types = await discoverIssueTypes(rt.jira, 'OPS');
		expect(types.map((t) => t.name)).toEqual(['Bug', 'Task', 'Incident']);
		const { issueType, fields } = await discoverFields(rt.jira, 'OPS', BUG);
		expect(issueType).toEqual({ id: BUG, name: 'Bug' });
		const impact = fields.find((f) => f.fieldId === 'customfield_10050')!;
		expect(impact).toMatchObject({
			name: 'Impact',
			required: true,
			type: 'option',
			custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select',
			allowedValues: [
				{ id: '10100', value: 'Sev 1' },
				{ id: '10101', value: 'Sev 2' },
				{ id: '10102', value: 'Sev 3' }
			]
		});
		expect(fields.find((f) => f.fieldId === 'summary')).toMatchObject({ required: true });
		expect(
			fields.find((f) => f.fieldId === 'priority')?.allowedValues?.map((a) => a.value)
		).toEqual(['Highest', 'High', 'Medium', 'Low', 'Lowest']);
		// Task's screen has no Impact.
		const task = await discoverFields(rt.jira, 'OPS', '10002');
		expect(task.fields.some((f) => f.fieldId === 'customfield_10050')).toBe(false);
		const calls = jira.requestsTo('getCreateIssueMetaIssueTypeId');
		expect(calls[0]!.api).toBe('3');
		expect(calls[0]!.path).toBe('/rest/api/3/issue/createmeta/OPS/issuetypes/10004');
	});

	it('a required select left unmapped: Jira refuses the create, the field and message show on the ticket and the connection', async () => {
		const t = await settled(rt, (await createTicket(rt, { pipeline: 'pl_unmapped' })).id);
		expect(t.jira_status).toBe('failed');
		expect(t.jira_error).toContain('customfield_10050: Impact is required.');
		expect(await refusal(rt)).toMatch(/customfield_10050: Impact is required\./);
		expect(await refusal(rt)).toContain(t.id);
	});

	it('refuses to save a mapping that misses a required field or uses a value Jira does not allow', async () => {
		const missing = await saveMapping(
			rt,
			{ projectKey: 'OPS', issueTypeId: BUG, rules: [] },
			'admin'
		).catch((e: unknown) => e);
		expect(missing).toBeInstanceOf(ApiError);
		expect((missing as ApiError).status).toBe(400);
		expect((missing as ApiError).details).toEqual([
			{
				field: 'rules.customfield_10050',
				message: 'Impact (customfield_10050) is required by Jira: map it'
			}
		]);
		const wrong = await saveMapping(
			rt,
			{
				projectKey: 'OPS',
				issueTypeId: BUG,
				rules: [{ fieldId: 'customfield_10050', source: 'severity', valueMap: { High: 'Sev 9' } }]
			},
			'admin'
		).catch((e: unknown) => e);
		expect((wrong as ApiError).status).toBe(400);
		const messages = ((wrong as ApiError).details as { message: string }[]).map((d) => d.message);
		expect(messages.join('\n')).toMatch(/"Sev 9" is not an allowed value of Impact/);
		expect(messages.join('\n')).toMatch(
			/Impact does not allow Critical, High, Medium, Low: add them to the value map/
		);
	});

	it('a mapped required select, a template, a date and a text area reach the issue; the preview is the payload sent', async () => {
		const rules: FieldRule[] = [
			SEVERITY_TO_IMPACT,
			{ fieldId: 'customfield_10060', source: 'template', value: '{pipeline} ({team})' },
			{ fieldId: 'customfield_10070', source: 'sla_deadline' },
			{ fieldId: 'customfield_10080', source: 'owner', defaultValue: 'No owner yet' }
		];
		const saved = await saveMapping(rt, { projectKey: 'OPS', issueTypeId: BUG, rules }, 'admin');
		expect(saved.mapping.issueTypeName).toBe('Bug');
		const t = await settled(rt, (await createTicket(rt, { pipeline: 'pl_mapped' })).id);
		expect(t).toMatchObject({ jira_status: 'linked', jira_error: null });
		const issue = jira.issue(t.jira_key!)!;
		const impact = { Critical: 'Sev 1', High: 'Sev 1', Medium: 'Sev 2', Low: 'Sev 3' }[t.severity];
		expect(issue.extraFields).toEqual({
			customfield_10050: { value: impact },
			customfield_10060: `pl_mapped (${t.team})`,
			customfield_10070: t.sla_deadline.slice(0, 10),
			customfield_10080: {
				type: 'doc',
				version: 1,
				content: [{ type: 'paragraph', content: [{ type: 'text', text: 'No owner yet' }] }]
			}
		});
		expect(await refusal(rt)).toBeNull();

		const preview = await previewCreate(
			{ pool: rt.pool, jira: rt.jira, origin: ORIGIN },
			{
				projectKey: 'OPS',
				issueTypeId: BUG,
				rules,
				ticketId: t.id
			}
		);
		expect(preview.errors).toEqual([]);
		expect(preview.problems).toEqual([]);
		const sent = jira.requestsTo('createIssue').at(-1)!.body as { fields: unknown };
		expect(preview.payload).toEqual(sent);
		expect(JSON.stringify(preview.payload)).toBe(JSON.stringify(sent));
	});

	it('a value outside the allowed ones is named in the preview', async () => {
		const t = await createTicket(rt, { pipeline: 'pl_preview' });
		const preview = await previewCreate(
			{ pool: rt.pool, jira: rt.jira, origin: ORIGIN },
			{
				projectKey: 'OPS',
				issueTypeId: BUG,
				rules: [{ fieldId: 'customfield_10050', source: 'pipeline' }],
				ticketId: t.id
			}
		);
		expect(preview.problems).toEqual([
			{
				fieldId: 'customfield_10050',
				message: expect.stringMatching(/"pl_preview" is not an allowed value of Impact/)
			}
		]);
		expect(preview.payload.fields.customfield_10050).toEqual({ value: 'pl_preview' });
	});
});

describe('Jira field mapping, Data Center (createmeta v2)', () => {
	let jira: JiraStandin;
	let rt: Runtime;

	beforeAll(async () => {
		jira = await startJiraStandin({
			mode: 'datacenter',
			projects: [{ ...DEFAULT_PROJECT, customFields: CUSTOM }]
		});
		rt = await start(jira);
	});
	afterAll(async () => {
		await rt?.stop();
		await jira?.close();
	});
	afterEach(() => {
		expect(jira.violations).toEqual([]);
		expect(jira.responseViolations).toEqual([]);
	});

	it('discovers over REST v2 with the PAT, and the mapped select reaches the issue', async () => {
		const types = await discoverIssueTypes(rt.jira, 'OPS');
		expect(types.map((t) => t.id)).toEqual(['10004', '10002', '10006']);
		const { fields } = await discoverFields(rt.jira, 'OPS', BUG);
		expect(fields.find((f) => f.fieldId === 'customfield_10050')).toMatchObject({
			required: true,
			allowedValues: [
				{ id: '10100', value: 'Sev 1' },
				{ id: '10101', value: 'Sev 2' },
				{ id: '10102', value: 'Sev 3' }
			]
		});
		const call = jira.requestsTo('getCreateIssueMetaIssueTypeId')[0]!;
		expect(call.api).toBe('2');
		expect(call.headers.authorization).toBe(`Bearer ${jira.pat}`);

		await saveMapping(
			rt,
			{
				projectKey: 'OPS',
				issueTypeId: BUG,
				rules: [
					SEVERITY_TO_IMPACT,
					{ fieldId: 'customfield_10080', source: 'constant', value: 'From Vigil' }
				]
			},
			'admin'
		);
		const t = await settled(rt, (await createTicket(rt, { pipeline: 'pl_dc_mapped' })).id);
		expect(t.jira_status).toBe('linked');
		const issue = jira.issue(t.jira_key!)!;
		// Data Center's text areas take wiki text, not an Atlassian Document.
		expect(issue.extraFields.customfield_10080).toBe('From Vigil');
		expect(issue.extraFields.customfield_10050).toEqual({
			value: { Critical: 'Sev 1', High: 'Sev 1', Medium: 'Sev 2', Low: 'Sev 3' }[t.severity]
		});
	});
});
