import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { OPERATIONS } from './contracts/jira/extract.ts';
import { fixture } from './fixtures.ts';
import {
	adfProblem,
	deliverWebhook,
	parseJql,
	STANDIN_PEOPLE,
	STANDIN_ROUTES,
	startJiraStandin,
	type JiraStandin,
	type JiraStandinOptions
} from './jira-standin.ts';

/**
 * The Jira stand-in driven by the real jira.js 6.2.0 client. jira.js is imported with
 * AUDIT_SCHEMAS=true, which builds every response schema strict (a key the OpenAPI spec does not
 * document fails), and clients use onSchemaMismatch 'throw': an answer jira.js would not parse
 * fails the test.
 */

type JiraJs = typeof import('jira.js');
type JiraCore = typeof import('jira.js/core');
let jiraJs: JiraJs;
let core: JiraCore;

beforeAll(async () => {
	process.env.AUDIT_SCHEMAS = 'true';
	try {
		jiraJs = await import('jira.js');
		core = await import('jira.js/core');
	} finally {
		delete process.env.AUDIT_SCHEMAS;
	}
});

const running: JiraStandin[] = [];

async function start(opts: Partial<JiraStandinOptions> = {}): Promise<JiraStandin> {
	const jira = await startJiraStandin({ mode: 'cloud', ...opts });
	running.push(jira);
	return jira;
}

afterEach(async () => {
	await Promise.all(running.splice(0).map((j) => j.close()));
});

function cloudClient(jira: JiraStandin, apiToken = jira.apiToken) {
	return jiraJs.createCloudClient({
		host: jira.url,
		auth: { type: 'basic', email: jira.email, apiToken },
		onSchemaMismatch: 'throw'
	});
}

/** jira.js's version-agnostic transport (no response schema): what a v2 client can build on. */
function rawClient(jira: JiraStandin) {
	return core.createClient({
		host: jira.url,
		auth:
			jira.mode === 'cloud'
				? { type: 'basic', email: jira.email, apiToken: jira.apiToken }
				: { type: 'bearer', token: jira.pat }
	});
}

const adf = (...paragraphs: string[]) => ({
	type: 'doc' as const,
	version: 1,
	content: paragraphs.map((text) => ({ type: 'paragraph', content: [{ type: 'text', text }] }))
});

const RICH_DESCRIPTION = {
	type: 'doc' as const,
	version: 1,
	content: [
		{ type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: 'Pipeline failed' }] },
		{
			type: 'paragraph',
			content: [
				{ type: 'text', text: 'pl_ingest_daily_orders', marks: [{ type: 'strong' }] },
				{ type: 'text', text: ' failed: ' },
				{ type: 'text', text: 'ErrorCode=2200', marks: [{ type: 'code' }] },
				{ type: 'hardBreak' },
				{
					type: 'text',
					text: 'Open in Vigil',
					marks: [{ type: 'link', attrs: { href: 'https://vigil.contoso.com/tickets/42' } }]
				}
			]
		},
		{
			type: 'bulletList',
			content: [
				{
					type: 'listItem',
					content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Severity: P2' }] }]
				}
			]
		},
		{
			type: 'paragraph',
			content: [{ type: 'inlineCard', attrs: { url: 'https://adf.azure.com/x' } }]
		}
	]
};

function newIssueFields(over: Record<string, unknown> = {}) {
	return {
		project: { key: 'OPS' },
		issuetype: { name: 'Bug' },
		summary: '[P2] pl_ingest_daily_orders failed: source blob missing',
		description: RICH_DESCRIPTION,
		labels: ['vigil', 'vigil-ticket-42'],
		priority: { name: 'High' },
		...over
	};
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (err) {
		return err;
	}
	throw new Error('expected the call to fail');
}

async function apiError(promise: Promise<unknown>) {
	const err = await rejection(promise);
	if (!core.isApiError(err)) throw err;
	return err as InstanceType<JiraCore['ApiError']> & { body: unknown };
}

/** Changelog items to match (`toString` as a key trips TypeScript in object literals). */
function changeItems(...items: Array<[field: string, to?: string]>): unknown[] {
	return items.map(([field, to]) => {
		const wanted = new Map([['field', field]]);
		if (to !== undefined) wanted.set('toString', to);
		return expect.objectContaining(Object.fromEntries(wanted));
	});
}

function expectClean(jira: JiraStandin) {
	expect(jira.violations).toEqual([]);
	expect(jira.responseViolations).toEqual([]);
}

describe('Jira stand-in contract files', () => {
	it('serves exactly the operations of the committed spec subset, named by their operationId', () => {
		const subset = JSON.parse(
			readFileSync(new URL('./contracts/jira/jira-v3-subset.openapi.json', import.meta.url), 'utf8')
		) as { paths: Record<string, Record<string, { operationId: string }>> };
		const served = STANDIN_ROUTES.map((r) => [r.method.toLowerCase(), `/rest/api/3${r.template}`]);
		expect(served.map(([m, p]) => `${m} ${p}`).sort()).toEqual(
			OPERATIONS.map(([m, p]) => `${m} ${p}`).sort()
		);
		for (const r of STANDIN_ROUTES) {
			expect(subset.paths[`/rest/api/3${r.template}`]?.[r.method.toLowerCase()]?.operationId).toBe(
				r.operation
			);
		}
	});
});

describe('Jira stand-in, Cloud (REST v3, jira.js 6.2.0)', () => {
	it('creates an issue with an ADF description; jira.js parses every answer strictly', async () => {
		const jira = await start();
		const client = cloudClient(jira);
		const created = await client.issues.createIssue({ fields: newIssueFields() });
		expect(created).toEqual({
			id: expect.any(String),
			key: 'OPS-1',
			self: `${jira.url}/rest/api/3/issue/${created.id}`
		});

		const issue = await client.issues.getIssue({
			issueIdOrKey: 'OPS-1',
			fields: ['summary', 'status', 'priority', 'labels', 'description', 'updated', 'resolution'],
			expand: 'names'
		});
		expect(issue.fields).toMatchObject({
			summary: '[P2] pl_ingest_daily_orders failed: source blob missing',
			status: { name: 'To Do', statusCategory: { key: 'new', name: 'To Do' } },
			priority: { name: 'High', id: '2' },
			labels: ['vigil', 'vigil-ticket-42'],
			description: RICH_DESCRIPTION,
			resolution: null
		});
		expect(Object.keys(issue.fields ?? {}).sort()).toEqual(
			['description', 'labels', 'priority', 'resolution', 'status', 'summary', 'updated'].sort()
		);
		expect(issue.names).toMatchObject({ summary: 'Summary', status: 'Status' });

		const all = await client.issues.getIssue({ issueIdOrKey: created.id });
		expect(all.fields).toMatchObject({
			issuetype: { name: 'Bug' },
			project: { key: 'OPS', name: 'Data Operations' },
			created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/),
			reporter: { accountId: jira.user.accountId, displayName: 'Vigil Integration' }
		});

		expect(jira.issue('OPS-1')).toMatchObject({
			status: 'To Do',
			statusCategory: 'new',
			priority: 'High',
			labels: ['vigil', 'vigil-ticket-42'],
			description: RICH_DESCRIPTION
		});
		expect(jira.requestsTo('createIssue')[0]).toMatchObject({
			method: 'POST',
			path: '/rest/api/3/issue',
			api: '3',
			status: 201,
			body: { fields: { summary: expect.any(String) } }
		});
		expectClean(jira);
	});

	it('answers the connection checks: myself, project, permissions, priorities, issue types, statuses, server info', async () => {
		const jira = await start();
		const client = cloudClient(jira);
		expect(await client.myself.getCurrentUser()).toMatchObject({
			accountId: jira.user.accountId,
			emailAddress: jira.email,
			displayName: 'Vigil Integration'
		});
		expect(await client.projects.getProject({ projectIdOrKey: 'OPS' })).toMatchObject({
			key: 'OPS',
			id: '10010',
			issueTypes: [{ name: 'Bug' }, { name: 'Task' }, { name: 'Incident' }]
		});
		jira.setPermission('TRANSITION_ISSUES', false);
		const perms = await client.permissions.getMyPermissions({
			projectKey: 'OPS',
			permissions: 'BROWSE_PROJECTS,CREATE_ISSUES,TRANSITION_ISSUES,ADD_COMMENTS'
		});
		expect(perms.permissions).toMatchObject({
			CREATE_ISSUES: { havePermission: true },
			TRANSITION_ISSUES: { havePermission: false }
		});
		expect(Object.keys(perms.permissions ?? {})).toHaveLength(4);
		const priorities = await client.issuePriorities.searchPriorities();
		expect(priorities.values?.map((p) => p.name)).toEqual([
			'Highest',
			'High',
			'Medium',
			'Low',
			'Lowest'
		]);
		expect((await client.issueTypes.getIssueAllTypes()).map((t) => t.name)).toContain('Incident');
		const meta = await client.issues.getCreateIssueMetaIssueTypes({ projectIdOrKey: 'OPS' });
		expect(meta.issueTypes?.map((t) => t.id)).toEqual(['10004', '10002', '10006']);
		expect((await client.workflowStatuses.getStatuses()).map((s) => s.statusCategory?.key)).toEqual(
			['new', 'indeterminate', 'done']
		);
		expect(await client.serverInfo.getServerInfo()).toMatchObject({ deploymentType: 'Cloud' });

		// GET /priority (deprecated, not in jira.js 6) and permissions without the required list.
		const raw = rawClient(jira);
		expect(await raw.sendRequest({ url: '/rest/api/3/priority', method: 'GET' })).toHaveLength(5);
		const missing = await apiError(client.permissions.getMyPermissions({ projectKey: 'OPS' }));
		expect(missing.status).toBe(400);
		expect(jira.violations).toEqual([
			'GET /rest/api/3/mypermissions: getMyPermissions without permissions='
		]);
		expect(jira.responseViolations).toEqual([]);
	});

	it('refuses a plain-string description on v3 like Jira (jira.js itself routes strings to v2)', async () => {
		const jira = await start();
		const raw = rawClient(jira);
		const err = await apiError(
			raw.sendRequest({
				url: '/rest/api/3/issue',
				method: 'POST',
				body: { fields: newIssueFields({ description: 'Order entry fails.' }) }
			})
		);
		expect(err.status).toBe(400);
		expect(err.body).toEqual({
			errorMessages: [],
			errors: {
				description:
					'Operation value must be an Atlassian Document (see the Atlassian Document Format)'
			}
		});
		expect(jira.violations).toEqual([
			'POST /rest/api/3/issue: description: not an ADF document (v3 takes Atlassian Document Format, not string)'
		]);
		expect(jira.issues()).toEqual([]);

		// jira.js 6 sends a string description to /rest/api/2/issue, which Jira Cloud also serves.
		const client = cloudClient(jira);
		const created = await client.issues.createIssue({
			fields: newIssueFields({ description: 'h3. Failed\n\nOrder entry fails.' })
		});
		expect(jira.requestsTo('createIssue').at(-1)).toMatchObject({ api: '2', status: 201 });
		const read = await client.issues.getIssue({
			issueIdOrKey: created.key,
			fields: ['description']
		});
		expect(read.fields?.description).toEqual(adf('h3. Failed', 'Order entry fails.'));
	});

	it('refuses a body the OpenAPI schema refuses: 400 in Jira shape and a recorded violation', async () => {
		const jira = await start();
		const client = cloudClient(jira);
		const err = await apiError(
			client.issues.createIssue({
				fields: newIssueFields(),
				update: { labels: [{ append: 'urgent' } as never] }
			})
		);
		expect(err.status).toBe(400);
		expect(err.body).toEqual({
			errorMessages: [
				'Invalid request payload. Refer to the REST API documentation and try again.'
			],
			errors: { 'update.labels[0]': 'must NOT have additional properties ("append")' }
		});
		expect(jira.violations).toHaveLength(1);
		expect(jira.violations[0]).toMatch(/OpenAPI request schema/);

		const search = await apiError(
			rawClient(jira).sendRequest({
				url: '/rest/api/3/search/jql',
				method: 'POST',
				body: { jql: 'labels = x', startAt: 0 }
			})
		);
		expect(search.status).toBe(400);
		expect(jira.violations).toHaveLength(2);
		expect(jira.issues()).toEqual([]);
	});

	it('checks fields like Jira: labels without spaces, summary, screen fields, project, issue type, priority', async () => {
		const jira = await start();
		const client = cloudClient(jira);
		const create = (over: Record<string, unknown>) =>
			apiError(client.issues.createIssue({ fields: newIssueFields(over) }));

		expect((await create({ labels: ['sales data'] })).body).toEqual({
			errorMessages: [],
			errors: { labels: "The label 'sales data' contains spaces which is invalid." }
		});
		expect((await create({ summary: 'x'.repeat(256) })).body).toMatchObject({
			errors: { summary: 'Summary must be less than 255 characters.' }
		});
		expect((await create({ summary: 'two\nlines' })).body).toMatchObject({
			errors: { summary: 'The summary is invalid because it contains newline characters.' }
		});
		expect((await create({ summary: undefined })).body).toMatchObject({
			errors: { summary: 'You must specify a summary of the issue.' }
		});
		expect((await create({ customfield_10050: 'x' })).body).toMatchObject({
			errors: {
				customfield_10050:
					"Field 'customfield_10050' cannot be set. It is not on the appropriate screen, or unknown."
			}
		});
		expect((await create({ priority: 'High' })).body).toMatchObject({
			errors: { priority: "Could not find valid 'id' or 'name' in priority object." }
		});
		expect(jira.violations).toHaveLength(6);

		// Configuration mistakes are refused the same way, but are not contract violations.
		expect((await create({ project: { key: 'NOPE' } })).body).toMatchObject({
			errors: { project: 'Specify a valid project ID or key' }
		});
		expect((await create({ issuetype: { name: 'Epic' } })).body).toMatchObject({
			errors: { issuetype: 'Specify a valid issue type' }
		});
		expect((await create({ priority: { name: 'Urgent' } })).status).toBe(400);
		expect(jira.violations).toHaveLength(6);
		expect(jira.issues()).toEqual([]);
	});

	it('validates ADF structure: text, marks, links, block nesting', () => {
		expect(adfProblem(RICH_DESCRIPTION)).toBeNull();
		expect(adfProblem(adf())).toBeNull();
		expect(adfProblem({ ...adf('x'), version: 2 })).toBe('version must be 1');
		expect(adfProblem({ type: 'doc', version: 1 })).toBe('doc.content must be an array');
		expect(adfProblem(adf(''))).toBe('content[0].content[0]: text node needs a non-empty "text"');
		const para = (...inline: unknown[]) => ({
			type: 'doc',
			version: 1,
			content: [{ type: 'paragraph', content: inline }]
		});
		expect(adfProblem(para({ type: 'text', text: 'a', marks: [{ type: 'link' }] }))).toBe(
			'content[0].content[0].marks[0]: link needs attrs.href'
		);
		expect(adfProblem(para({ type: 'text', text: 'a', marks: [{ type: 'bold' }] }))).toMatch(
			/unknown mark "bold"/
		);
		expect(
			adfProblem(para({ type: 'text', text: 'a', marks: [{ type: 'code' }, { type: 'strong' }] }))
		).toMatch(/code combines only with link/);
		expect(adfProblem(para({ type: 'paragraph', content: [] }))).toMatch(
			/"paragraph" is not allowed/
		);
		expect(adfProblem({ type: 'doc', version: 1, content: [{ type: 'text', text: 'x' }] })).toMatch(
			/"text" is not allowed here/
		);
		expect(adfProblem(para({ type: 'inlineCard', attrs: {} }))).toMatch(/attrs.url/);
		expect(
			adfProblem({ type: 'doc', version: 1, content: [{ type: 'bulletList', content: [] }] })
		).toMatch(/must not be empty/);
	});

	it('answers invalid ADF with INVALID_INPUT and records why', async () => {
		const jira = await start();
		const err = await apiError(
			cloudClient(jira).issues.createIssue({
				fields: newIssueFields({
					description: {
						type: 'doc',
						version: 1,
						content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }]
					}
				})
			})
		);
		expect(err.body).toEqual({ errorMessages: ['INVALID_INPUT'], errors: {} });
		expect(jira.violations).toEqual([
			'POST /rest/api/3/issue: description: invalid ADF: content[0].content[0]: text node needs a non-empty "text"'
		]);
	});

	it('refuses wrong or missing credentials with 401', async () => {
		const jira = await start();
		const wrong = await rejection(cloudClient(jira, 'not-the-token').myself.getCurrentUser());
		expect(core.isAuthError(wrong)).toBe(true);
		expect((wrong as { body: unknown }).body).toEqual({
			errorMessages: [
				'You are not authenticated. Authentication required to perform this operation.'
			],
			errors: {}
		});
		const bearer = await fetch(`${jira.url}/rest/api/3/myself`, {
			headers: { authorization: `Bearer ${jira.apiToken}` }
		});
		expect(bearer.status).toBe(401);
		const none = await fetch(`${jira.url}/rest/api/3/issue`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ fields: newIssueFields() })
		});
		expect(none.status).toBe(401);
		expect(none.headers.get('www-authenticate')).toMatch(/^Basic/);
		expect(jira.issues()).toEqual([]);
		expectClean(jira);
	});

	it('finds the issue tagged with the ticket: a label (JQL), or an issue property where an app indexes it', async () => {
		const jira = await start({
			indexedProperties: [{ propertyKey: 'vigil', path: 'ticketId', alias: 'vigilTicketId' }]
		});
		const client = cloudClient(jira);
		await client.issues.createIssue({
			fields: newIssueFields({ labels: ['vigil', 'vigil-ticket-7'] })
		});
		const tagged = await client.issues.createIssue({
			fields: newIssueFields(),
			properties: [{ key: 'vigil', value: { ticketId: '42', url: 'https://vigil/t/42' } }]
		});

		const byLabel = await client.issueSearch.searchAndReconsileIssuesUsingJql({
			jql: 'project = OPS AND labels = "vigil-ticket-42"',
			fields: ['summary', 'status', 'labels']
		});
		expect(byLabel.isLast).toBe(true);
		expect(byLabel.issues?.map((i) => i.key)).toEqual([tagged.key]);
		expect(byLabel.issues?.[0]?.fields).toMatchObject({ status: { name: 'To Do' } });

		// The enhanced search returns ids only unless fields are asked for.
		const ids = await client.issueSearch.searchAndReconsileIssuesUsingJqlPost({
			jql: 'labels in ("vigil-ticket-42", "vigil-ticket-7")'
		});
		expect(ids.issues).toEqual([{ id: tagged.id }, { id: expect.any(String) }]);

		for (const jql of ['issue.property[vigil].ticketId = "42"', 'vigilTicketId = 42']) {
			const found = await client.issueSearch.searchAndReconsileIssuesUsingJql({
				jql,
				fields: ['summary'],
				properties: ['vigil']
			});
			expect(found.issues?.map((i) => [i.key, i.properties])).toEqual([
				[tagged.key, { vigil: { ticketId: '42', url: 'https://vigil/t/42' } }]
			]);
		}
		expect(jira.properties(tagged.key)).toEqual({
			vigil: { ticketId: '42', url: 'https://vigil/t/42' }
		});
		expectClean(jira);
	});

	it('refuses JQL on an issue property nobody indexed, unbounded JQL and JQL it does not understand', async () => {
		const jira = await start();
		const client = cloudClient(jira);
		const property = await apiError(
			client.issueSearch.searchAndReconsileIssuesUsingJql({
				jql: 'issue.property[vigil].ticketId = "42"'
			})
		);
		expect(property.body).toEqual({
			errorMessages: [
				"Field 'issue.property[vigil].ticketId' does not exist or you do not have permission to view it."
			],
			errors: {}
		});
		const unbounded = await apiError(
			client.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'ORDER BY updated ASC' })
		);
		expect(unbounded.body).toMatchObject({
			errorMessages: [
				'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.'
			]
		});
		const or = await apiError(
			client.issueSearch.searchAndReconsileIssuesUsingJql({ jql: 'labels = a OR labels = b' })
		);
		expect(or.status).toBe(400);
		expect(jira.violations.at(-1)).toMatch(/JQL the stand-in does not understand/);
		const removed = await apiError(
			rawClient(jira).sendRequest({
				url: '/rest/api/3/search',
				method: 'GET',
				searchParams: { jql: 'labels = a' }
			})
		);
		expect(removed.status).toBe(410);
		expect(jira.violations).toHaveLength(4);
	});

	it('polls by updated time: JQL dates in the user time zone, minute precision, ORDER BY updated ASC, pages', async () => {
		let clock = Date.parse('2026-10-14T02:00:00.000Z');
		const jira = await start({ now: () => clock, timeZone: 'Europe/London' });
		const client = cloudClient(jira);
		for (let n = 0; n < 5; n++) {
			await client.issues.createIssue({ fields: newIssueFields({ summary: `issue ${n}` }) });
			clock += 60_000;
		}
		// London is UTC+1 on 14 October: 03:02 local = 02:02Z, i.e. issues 2, 3 and 4.
		clock += 3_600_000;
		jira.commentAs(STANDIN_PEOPLE.priya, 'OPS-1', 'bumps OPS-1');
		const jql = 'project = OPS AND updated >= "2026-10-14 03:02" ORDER BY updated ASC';
		const first = await client.issueSearch.searchAndReconsileIssuesUsingJql({
			jql,
			fields: ['updated', 'summary'],
			maxResults: 3
		});
		expect(first.issues?.map((i) => i.key)).toEqual(['OPS-3', 'OPS-4', 'OPS-5']);
		expect(first.isLast).toBe(false);
		expect(first.nextPageToken).toEqual(expect.any(String));
		const second = await client.issueSearch.searchAndReconsileIssuesUsingJql({
			jql,
			fields: ['updated'],
			maxResults: 3,
			nextPageToken: first.nextPageToken ?? undefined
		});
		expect(second.issues?.map((i) => i.key)).toEqual(['OPS-1']);
		expect(second.isLast).toBe(true);
		expect(second.nextPageToken).toBeUndefined();
		expect(parseJql(jql).orderBy).toEqual([{ field: 'updated', dir: 'asc' }]);
		expectClean(jira);
	});

	it('lists transitions and applies one: status, statusCategory and resolution change; Jira echoes a webhook', async () => {
		const jira = await start();
		const client = cloudClient(jira);
		const { key } = await client.issues.createIssue({ fields: newIssueFields() });
		const { transitions } = await client.issues.getTransitions({ issueIdOrKey: key });
		expect(transitions?.map((t) => [t.id, t.name, t.to?.name, t.to?.statusCategory?.key])).toEqual([
			['21', 'In Progress', 'In Progress', 'indeterminate'],
			['31', 'Done', 'Done', 'done']
		]);
		await client.issues.doTransition({
			issueIdOrKey: key,
			transition: { id: '31' },
			update: { comment: [{ add: { body: adf('Resolved in Vigil by the on-call.') } }] }
		});
		const issue = await client.issues.getIssue({
			issueIdOrKey: key,
			fields: ['status', 'resolution', 'resolutiondate']
		});
		expect(issue.fields).toMatchObject({
			status: { id: '10001', name: 'Done', statusCategory: { key: 'done', name: 'Done' } },
			resolution: { name: 'Done' },
			resolutiondate: expect.any(String)
		});
		expect(jira.transitionsApplied).toEqual([
			expect.objectContaining({
				key,
				transitionId: '31',
				from: 'To Do',
				to: 'Done',
				by: jira.user.accountId
			})
		]);
		expect(jira.comments(key).map((c) => c.text)).toEqual(['Resolved in Vigil by the on-call.']);
		const echo = jira.webhookEvents.filter((e) => e.webhookEvent === 'jira:issue_updated');
		expect(echo).toHaveLength(1);
		expect(echo[0]?.body).toMatchObject({
			user: { accountId: jira.user.accountId },
			changelog: { items: changeItems(['resolution'], ['status', 'Done']) }
		});
		expectClean(jira);
	});

	it('offers only the transitions the workflow has (no way to Done from In Progress here)', async () => {
		const jira = await start({
			projects: [
				{
					key: 'OPS',
					workflow: {
						statuses: [
							{ id: '1', name: 'Open', category: 'new' },
							{ id: '3', name: 'In Progress', category: 'indeterminate' },
							{ id: '10001', name: 'Done', category: 'done' }
						],
						transitions: [
							{ id: '4', name: 'Start Progress', to: 'In Progress', from: ['Open'] },
							{ id: '301', name: 'Stop Progress', to: 'Open', from: ['In Progress'] }
						]
					}
				}
			]
		});
		const client = cloudClient(jira);
		const { key } = await client.issues.createIssue({ fields: newIssueFields() });
		await client.issues.doTransition({ issueIdOrKey: key, transition: { id: '4' } });
		const { transitions } = await client.issues.getTransitions({ issueIdOrKey: key });
		expect(transitions?.map((t) => t.name)).toEqual(['Stop Progress']);
		expect(transitions?.some((t) => t.to?.statusCategory?.key === 'done')).toBe(false);
		const err = await apiError(
			client.issues.doTransition({ issueIdOrKey: key, transition: { id: '31' } })
		);
		expect(err.status).toBe(400);
		expect(err.body).toEqual({
			errorMessages: ["Transition id '31' is not valid for this issue."],
			errors: {}
		});
		expect(jira.issue(key)?.status).toBe('In Progress');
		expectClean(jira); // a workflow that lacks a transition is Jira's state, not a client bug
	});

	it('adds and reads comments (ADF on v3; a string body goes through v2 in jira.js and reads back as ADF)', async () => {
		const jira = await start();
		const client = cloudClient(jira);
		const { key } = await client.issues.createIssue({ fields: newIssueFields() });
		const added = await client.issueComments.addComment({
			issueIdOrKey: key,
			body: adf('Acknowledged by Ana in Vigil.')
		});
		expect(added).toMatchObject({ body: adf('Acknowledged by Ana in Vigil.'), jsdPublic: true });
		expect(added.created).toBeInstanceOf(Date);
		const viaV2 = await client.issueComments.addComment({
			issueIdOrKey: key,
			body: 'plain *text*'
		});
		expect(viaV2.body).toEqual(adf('plain *text*'));
		const page = await client.issueComments.getComments({ issueIdOrKey: key, orderBy: '-created' });
		expect(page.total).toBe(2);
		expect(page.comments?.[0]?.id).toBe(viaV2.id);
		const updated = await client.issueComments.updateComment({
			issueIdOrKey: key,
			id: added.id!,
			body: { body: adf('Acknowledged by Ana (edited).') }
		});
		expect(updated.body).toEqual(adf('Acknowledged by Ana (edited).'));

		const stringOnV3 = await apiError(
			rawClient(jira).sendRequest({
				url: `/rest/api/3/issue/${key}/comment`,
				method: 'POST',
				body: { body: 'plain' }
			})
		);
		expect(stringOnV3.body).toEqual({
			errorMessages: [],
			errors: { comment: 'Comment body is not valid!' }
		});
		expect(jira.violations).toHaveLength(1);
		expect(jira.webhookEvents.map((e) => e.webhookEvent)).toEqual([
			'jira:issue_created',
			'comment_created',
			'comment_created',
			'comment_updated'
		]);
	});

	it('stores issue properties (PUT/GET/keys/DELETE)', async () => {
		const jira = await start();
		const client = cloudClient(jira);
		const { key } = await client.issues.createIssue({ fields: newIssueFields() });
		await client.issueProperties.setIssueProperty({
			issueIdOrKey: key,
			propertyKey: 'vigil',
			body: { ticketId: '42' }
		});
		expect(jira.requestsTo('setIssueProperty')[0]?.status).toBe(201);
		await client.issueProperties.setIssueProperty({
			issueIdOrKey: key,
			propertyKey: 'vigil',
			body: { ticketId: '42', synced: 3 }
		});
		expect(jira.requestsTo('setIssueProperty')[1]?.status).toBe(200);
		expect(
			await client.issueProperties.getIssueProperty({ issueIdOrKey: key, propertyKey: 'vigil' })
		).toEqual({ key: 'vigil', value: { ticketId: '42', synced: 3 } });
		const keys = await client.issueProperties.getIssuePropertyKeys({ issueIdOrKey: key });
		expect(keys.keys?.map((k) => k.key)).toEqual(['vigil']);
		await client.issueProperties.deleteIssueProperty({ issueIdOrKey: key, propertyKey: 'vigil' });
		const gone = await rejection(
			client.issueProperties.getIssueProperty({ issueIdOrKey: key, propertyKey: 'vigil' })
		);
		expect(core.isNotFoundError(gone)).toBe(true);
		expectClean(jira);
	});

	it('edits an issue (fields and update operations) and echoes the change', async () => {
		const jira = await start();
		const client = cloudClient(jira);
		const { key } = await client.issues.createIssue({ fields: newIssueFields() });
		await client.issues.editIssue({
			issueIdOrKey: key,
			fields: { priority: { name: 'Highest' } },
			update: { labels: [{ add: 'sla-breached' }, { remove: 'vigil' }] }
		});
		expect(jira.issue(key)).toMatchObject({
			priority: 'Highest',
			labels: ['vigil-ticket-42', 'sla-breached']
		});
		const refused = await apiError(
			client.issues.editIssue({ issueIdOrKey: key, update: { labels: [{ add: 'two words' }] } })
		);
		expect(refused.status).toBe(400);
		expect(jira.issue(key)?.labels).toEqual(['vigil-ticket-42', 'sla-breached']);
		expect(jira.webhookEvents.at(-1)?.body).toMatchObject({
			changelog: { items: changeItems(['labels'], ['priority', 'Highest']) }
		});
	});
});

describe('Jira stand-in faults', () => {
	it('answers 429 with Retry-After and the rate-limit headers; jira.js exposes retryAfterMs', async () => {
		const jira = await start();
		jira.failNext({ kind: 'rate_limited', retryAfterSeconds: 7 }, { operation: 'createIssue' });
		const err = await rejection(cloudClient(jira).issues.createIssue({ fields: newIssueFields() }));
		expect(core.isRateLimitError(err)).toBe(true);
		expect((err as { retryAfterMs?: number }).retryAfterMs).toBe(7000);
		expect(jira.issues()).toEqual([]);

		jira.failNext({ kind: 'rate_limited', retryAfterSeconds: 2, reason: 'jira-burst-based' });
		const res = await fetch(`${jira.url}/rest/api/3/myself`);
		expect(res.status).toBe(429);
		expect(Object.fromEntries(res.headers)).toMatchObject({
			'retry-after': '2',
			'x-ratelimit-remaining': '0',
			'ratelimit-reason': 'jira-burst-based',
			'x-ratelimit-reset': expect.stringMatching(/^\d{4}-/)
		});
		expect(await cloudClient(jira).issues.createIssue({ fields: newIssueFields() })).toMatchObject({
			key: 'OPS-1'
		});
		expect(jira.pendingFaults()).toBe(0);
	});

	it('applies a queue of faults to the next K matching requests only', async () => {
		const jira = await start();
		const client = cloudClient(jira);
		const { key } = await client.issues.createIssue({ fields: newIssueFields() });
		jira.failNext(
			{ kind: 'status', status: 503, body: '<html>Service Unavailable</html>' },
			{ operation: 'getIssue', times: 2 }
		);
		jira.failNext({ kind: 'status', status: 500 }, { method: 'GET', path: /\/transitions$/ });
		expect(jira.pendingFaults()).toBe(3);
		await client.myself.getCurrentUser(); // not matched
		for (let n = 0; n < 2; n++) {
			const err = await rejection(client.issues.getIssue({ issueIdOrKey: key }));
			expect(core.isServerError(err)).toBe(true);
			expect((err as { status: number }).status).toBe(503);
		}
		expect((await client.issues.getIssue({ issueIdOrKey: key })).key).toBe(key);
		const t = await apiError(client.issues.getTransitions({ issueIdOrKey: key }));
		expect(t.body).toEqual({ errorMessages: ['Internal server error'], errors: {} });
		expect(jira.requests.map((r) => r.fault).filter(Boolean)).toEqual([
			'status',
			'status',
			'status'
		]);

		// jira.js's own opt-in retry covers 503 (not 429): one fault, then success.
		jira.failNext({ kind: 'status', status: 503 });
		const retrying = jiraJs.createCloudClient({
			host: jira.url,
			auth: { type: 'basic', email: jira.email, apiToken: jira.apiToken },
			retry: { maxAttempts: 2, initialDelayMs: 1 },
			onSchemaMismatch: 'throw'
		});
		expect((await retrying.issues.getIssue({ issueIdOrKey: key })).key).toBe(key);
	});

	it('hangs until closed: jira.js 6.2.0 has no timeout of its own, a fetch signal does', async () => {
		const jira = await startJiraStandin({ mode: 'cloud' });
		jira.failNext({ kind: 'hang' }, { operation: 'getIssue', times: 2 });
		const pending = cloudClient(jira).issues.getIssue({ issueIdOrKey: 'OPS-1' });
		const outcome = pending.then(
			() => 'answered',
			(err: unknown) => err
		);
		const raced = await Promise.race([
			outcome,
			new Promise((resolve) => setTimeout(() => resolve('still waiting'), 300))
		]);
		expect(raced).toBe('still waiting');
		const timedOut = await rejection(
			fetch(`${jira.url}/rest/api/3/issue/OPS-1`, { signal: AbortSignal.timeout(100) })
		);
		expect((timedOut as Error).name).toBe('TimeoutError');
		await jira.close();
		expect(core.isNetworkError(await outcome)).toBe(true);
		expect(jira.requests.map((r) => r.status)).toEqual([null, null]);
	});

	it('drops the connection without doing anything', async () => {
		const jira = await start();
		jira.failNext({ kind: 'drop' }, { operation: 'createIssue' });
		const err = await rejection(cloudClient(jira).issues.createIssue({ fields: newIssueFields() }));
		expect(core.isNetworkError(err)).toBe(true);
		expect((err as { transient: boolean }).transient).toBe(true);
		expect(jira.issues()).toEqual([]);
	});

	it('commits then loses the answer: the client times out, Jira has the issue, a search by label finds it', async () => {
		let clock = Date.parse('2026-10-14T02:00:00.000Z');
		const jira = await start({ searchIndexLagMs: 5_000, now: () => clock });
		const client = cloudClient(jira);
		jira.failNext({ kind: 'commit_then_drop' }, { operation: 'createIssue' });
		const err = await rejection(client.issues.createIssue({ fields: newIssueFields() }));
		expect(core.isNetworkError(err)).toBe(true);
		expect(jira.issues().map((i) => i.key)).toEqual(['OPS-1']);
		expect(jira.requestsTo('createIssue')[0]).toMatchObject({
			status: null,
			fault: 'commit_then_drop'
		});

		// Cloud search is eventually consistent: right after the create the index does not have it…
		const jql = 'labels = "vigil-ticket-42"';
		const early = await client.issueSearch.searchAndReconsileIssuesUsingJql({
			jql,
			fields: ['summary']
		});
		expect(early.issues).toEqual([]);
		// …unless the id is reconciled…
		const id = Number(jira.issue('OPS-1')!.id);
		const reconciled = await client.issueSearch.searchAndReconsileIssuesUsingJql({
			jql,
			fields: ['summary'],
			reconcileIssues: [id]
		});
		expect(reconciled.issues?.map((i) => i.key)).toEqual(['OPS-1']);
		// …or once the index has caught up.
		clock += 5_000;
		const later = await client.issueSearch.searchAndReconsileIssuesUsingJql({
			jql,
			fields: ['summary']
		});
		expect(later.issues?.map((i) => i.key)).toEqual(['OPS-1']);
		expectClean(jira);
	});
});

/** Every dotted key path of a JSON value (array items merged under `[]`). */
function keyPaths(value: unknown, prefix = ''): Set<string> {
	const out = new Set<string>();
	const walk = (v: unknown, p: string) => {
		if (Array.isArray(v)) {
			for (const item of v) walk(item, `${p}[]`);
		} else if (v !== null && typeof v === 'object') {
			for (const [k, child] of Object.entries(v)) {
				const path = p ? `${p}.${k}` : k;
				out.add(path);
				walk(child, path);
			}
		}
	};
	walk(value, prefix);
	return out;
}

function missingKeys(sample: unknown, generated: unknown, ignore: RegExp[] = []): string[] {
	const have = keyPaths(generated);
	return [...keyPaths(sample)].filter((p) => !have.has(p) && !ignore.some((r) => r.test(p)));
}

describe('Jira stand-in webhooks', () => {
	async function issueAssignedToPriya(jira: JiraStandin) {
		const { key } = await cloudClient(jira).issues.createIssue({
			fields: newIssueFields({
				labels: ['vigil', 'adf', 'sales-data'],
				assignee: { accountId: STANDIN_PEOPLE.priya.accountId }
			})
		});
		return key;
	}

	it('a status change by a person has the shape of the contract samples (jira:issue_updated + changelog)', async () => {
		const jira = await start();
		const key = await issueAssignedToPriya(jira);
		const toProgress = jira.transitionAs(STANDIN_PEOPLE.priya, key, 'In Progress');
		const toDone = jira.transitionAs('Priya Raman', key, '31');

		expect(
			missingKeys(fixture('jira/webhook.issue-updated.to-in-progress.json'), toProgress.body)
		).toEqual([]);
		expect(missingKeys(fixture('jira/webhook.issue-updated.to-done.json'), toDone.body)).toEqual(
			[]
		);
		expect(toDone.body).toMatchObject({
			webhookEvent: 'jira:issue_updated',
			issue_event_type_name: 'issue_generic',
			user: { accountId: STANDIN_PEOPLE.priya.accountId, displayName: 'Priya Raman' },
			issue: {
				key,
				self: `${jira.url}/rest/api/2/issue/${jira.issue(key)!.id}`,
				fields: {
					status: {
						id: '10001',
						name: 'Done',
						statusCategory: { id: 3, key: 'done', name: 'Done' }
					},
					resolution: { id: '10000', name: 'Done' },
					description: expect.stringContaining('h3. Pipeline failed')
				}
			},
			changelog: {
				items: [
					{
						field: 'resolution',
						fieldtype: 'jira',
						fieldId: 'resolution',
						from: null,
						to: '10000',
						toString: 'Done'
					},
					{ field: 'status', from: '3', fromString: 'In Progress', to: '10001', toString: 'Done' }
				]
			}
		});
		// The Zulip sample is a real Cloud delivery from before the GDPR API changes (user names).
		const zulip = fixture(
			'../contracts/jira/webhooks/cloud.jira_issue_updated.status-change.zulip-fixture.json'
		);
		expect(Object.keys(toDone.body).sort()).toEqual(Object.keys(zulip).sort());
		expect(
			missingKeys(zulip, toDone.body, [
				/^user\.(name|key)$/,
				/\.(creator|reporter)\.(name|key)$/,
				/customfield_/,
				/^issue\.fields\.timetracking/
			])
		).toEqual([]);
		expect(toProgress.identifier).not.toBe(toDone.identifier);
		expect(toDone.timestamp).toBe(toDone.body.timestamp);
		expect(jira.issue(key)?.status).toBe('Done');
	});

	it('comments by a person: comment_created / comment_updated in the sample shape (body as wiki text)', async () => {
		const jira = await start();
		const key = await issueAssignedToPriya(jira);
		const { commentId, webhook } = jira.commentAs(
			STANDIN_PEOPLE.priya,
			key,
			'Upstream export was late; re-triggered the copy after the file landed.'
		);
		expect(missingKeys(fixture('jira/webhook.comment-created.json'), webhook.body)).toEqual([]);
		const zulip = fixture('../contracts/jira/webhooks/cloud.comment_created.zulip-fixture.json');
		expect(Object.keys(webhook.body).sort()).toEqual(Object.keys(zulip).sort());
		expect(missingKeys(zulip, webhook.body, [/\.(name|key)$/])).toEqual([]);
		expect(webhook.body).toMatchObject({
			webhookEvent: 'comment_created',
			comment: {
				id: commentId,
				body: 'Upstream export was late; re-triggered the copy after the file landed.',
				author: { accountId: STANDIN_PEOPLE.priya.accountId }
			},
			issue: { key, fields: { status: { name: 'To Do' } } }
		});
		const edited = jira.editCommentAs(STANDIN_PEOPLE.priya, key, commentId, 'Fixed upstream.');
		expect(edited.webhookEvent).toBe('comment_updated');
		expect(Object.keys(edited.body).sort()).toEqual(Object.keys(zulip).sort());
		expect(edited.body).toMatchObject({ comment: { id: commentId, body: 'Fixed upstream.' } });
		expect(jira.comments(key)[0]?.body).toEqual(adf('Fixed upstream.'));
		// Read back through the API, the person's comment is ADF.
		const page = await cloudClient(jira).issueComments.getComments({ issueIdOrKey: key });
		expect(page.comments?.[0]?.body).toEqual(adf('Fixed upstream.'));
	});

	it('deletion by a person: jira:issue_deleted, and the issue is gone', async () => {
		const jira = await start();
		const key = await issueAssignedToPriya(jira);
		const deleted = jira.deleteIssueAs(STANDIN_PEOPLE.marco, key);
		expect(deleted.body).toMatchObject({
			webhookEvent: 'jira:issue_deleted',
			issue_event_type_name: 'issue_deleted',
			user: { displayName: 'Marco Bianchi' },
			issue: { key, fields: { summary: expect.any(String) } }
		});
		expect(Object.keys(deleted.body).sort()).toEqual(
			['timestamp', 'webhookEvent', 'issue_event_type_name', 'user', 'issue'].sort()
		);
		const gone = await rejection(cloudClient(jira).issues.getIssue({ issueIdOrKey: key }));
		expect(core.isNotFoundError(gone)).toBe(true);
		const ids = jira.webhookEvents.map((e) => e.identifier);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('two stand-ins (two sites, or two test files against one Vigil) never send the same delivery id', async () => {
		const [a, b] = [await start(), await start()];
		for (const jira of [a, b]) {
			const key = await issueAssignedToPriya(jira);
			jira.transitionAs(STANDIN_PEOPLE.marco, key, 'In Progress');
		}
		const ids = [...a.webhookEvents, ...b.webhookEvents].map((e) => e.identifier);
		expect(ids.every((id) => /^\d{17}$/.test(id))).toBe(true);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('delivers like Jira: secret in the query, X-Hub-Signature over the raw body, delivery id header', async () => {
		const jira = await start();
		const key = await issueAssignedToPriya(jira);
		const received: Array<{ url: string; headers: IncomingHttpHeaders; body: string }> = [];
		const receiver = createServer((req, res) => {
			let body = '';
			req.on('data', (c: Buffer) => (body += c.toString('utf8')));
			req.on('end', () => {
				received.push({ url: req.url ?? '', headers: req.headers, body });
				res.writeHead(204).end();
			});
		});
		await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
		try {
			const { port } = receiver.address() as AddressInfo;
			const event = jira.transitionAs(STANDIN_PEOPLE.priya, key, 'Done');
			const sent = await deliverWebhook(`http://127.0.0.1:${port}/api/webhooks/jira?src=x`, event, {
				secret: 's3cr3t',
				hmacSecret: 'hmac-key'
			});
			expect(sent.status).toBe(204);
			const got = received[0]!;
			expect(got.url).toBe('/api/webhooks/jira?src=x&secret=s3cr3t');
			expect(got.headers).toMatchObject({
				'content-type': 'application/json; charset=UTF-8',
				'user-agent': 'Atlassian Webhook HTTP Client',
				'x-atlassian-webhook-identifier': event.identifier,
				'x-atlassian-webhook-flow': 'Primary'
			});
			const hmac = createHmac('sha256', 'hmac-key').update(got.body).digest('hex');
			expect(got.headers['x-hub-signature']).toBe(`sha256=${hmac}`);
			expect(JSON.parse(got.body)).toEqual(event.body);

			await deliverWebhook(
				`http://127.0.0.1:${port}/hook`,
				fixture('jira/webhook.comment-created.json'),
				{
					retry: 1,
					headers: { 'x-forwarded-for': '185.166.143.1' }
				}
			);
			expect(received[1]?.headers).toMatchObject({
				'x-atlassian-webhook-retry': '1',
				'x-forwarded-for': '185.166.143.1',
				'x-atlassian-webhook-identifier': expect.stringMatching(/^\d+$/)
			});
			expect(received[1]?.headers['x-hub-signature']).toBeUndefined();
		} finally {
			await new Promise((r) => receiver.close(r));
		}
	});
});

describe('Jira stand-in, Data Center (REST v2, bearer PAT)', () => {
	const dc = () => start({ mode: 'datacenter', pat: 'dc-personal-access-token' });

	async function v2(
		jira: JiraStandin,
		method: string,
		path: string,
		body?: unknown,
		token = jira.pat
	) {
		const res = await fetch(`${jira.url}/rest/api/2${path}`, {
			method,
			headers: {
				authorization: `Bearer ${token}`,
				accept: 'application/json',
				...(body === undefined ? {} : { 'content-type': 'application/json' })
			},
			body: body === undefined ? undefined : JSON.stringify(body)
		});
		const text = await res.text();
		return {
			status: res.status,
			body: text ? (JSON.parse(text) as Record<string, unknown>) : null
		};
	}

	it('creates, reads, searches, transitions and comments with wiki-markup strings', async () => {
		const jira = await dc();
		const created = await v2(jira, 'POST', '/issue', {
			fields: newIssueFields({
				description: 'h3. Pipeline failed\n*pl_ingest_daily_orders* failed.',
				assignee: { name: 'praman' }
			})
		});
		expect(created).toMatchObject({
			status: 201,
			body: { key: 'OPS-1', self: expect.stringContaining('/rest/api/2/issue/') }
		});
		const serverCreated = fixture(
			'../contracts/jira/webhooks/server-origin.jira_issue_created.zulip-fixture.json'
		);
		const createdHook = jira.webhookEvents.find((e) => e.webhookEvent === 'jira:issue_created');
		// Data Center users have no accountId (the Zulip sample has one pasted in from Cloud).
		expect(missingKeys(serverCreated, createdHook?.body, [/customfield_/, /\.accountId$/])).toEqual(
			[]
		);

		const issue = await v2(jira, 'GET', '/issue/OPS-1?fields=summary,status,description,assignee');
		expect(issue.body).toMatchObject({
			fields: {
				description: 'h3. Pipeline failed\n*pl_ingest_daily_orders* failed.',
				status: { name: 'To Do', statusCategory: { key: 'new' } },
				assignee: { name: 'praman', key: 'praman', displayName: 'Priya Raman' }
			}
		});
		expect((issue.body?.fields as Record<string, unknown>).assignee).not.toHaveProperty(
			'accountId'
		);

		const search = await v2(jira, 'POST', '/search', {
			jql: 'labels = "vigil-ticket-42" ORDER BY created DESC',
			startAt: 0,
			maxResults: 10,
			fields: ['summary', 'status']
		});
		expect(search.body).toMatchObject({
			startAt: 0,
			maxResults: 10,
			total: 1,
			issues: [{ key: 'OPS-1' }]
		});
		const get = await v2(
			jira,
			'GET',
			`/search?jql=${encodeURIComponent('project = OPS')}&startAt=1`
		);
		expect(get.body).toMatchObject({ startAt: 1, total: 1, issues: [] });

		const transitions = await v2(jira, 'GET', '/issue/OPS-1/transitions');
		expect((transitions.body?.transitions as Array<{ id: string }>).map((t) => t.id)).toEqual([
			'21',
			'31'
		]);
		expect(
			(await v2(jira, 'POST', '/issue/OPS-1/transitions', { transition: { id: '21' } })).status
		).toBe(204);
		expect(jira.issue('OPS-1')?.statusCategory).toBe('indeterminate');

		const comment = await v2(jira, 'POST', '/issue/OPS-1/comment', {
			body: 'Acknowledged in *Vigil*.'
		});
		expect(comment).toMatchObject({
			status: 201,
			body: { body: 'Acknowledged in *Vigil*.', author: { name: 'svc-vigil' } }
		});
		expect(
			(await v2(jira, 'PUT', '/issue/OPS-1/properties/vigil', { ticketId: '42' })).status
		).toBe(201);
		expect((await v2(jira, 'GET', '/myself')).body).toMatchObject({
			name: 'svc-vigil',
			key: 'svc-vigil'
		});
		expect((await v2(jira, 'GET', '/mypermissions')).body).toMatchObject({
			permissions: { CREATE_ISSUES: { havePermission: true } }
		});
		expect((await v2(jira, 'GET', '/priority')).status).toBe(200);
		expect((await v2(jira, 'GET', '/serverInfo')).body).toMatchObject({ deploymentType: 'Server' });

		// A person's change produces a Server-shaped webhook (user names, no accountId).
		const hook = jira.transitionAs('praman', 'OPS-1', 'Done');
		expect(hook.body).toMatchObject({ user: { name: 'praman', key: 'praman' } });
		const serverSample = fixture(
			'../contracts/jira/webhooks/server-origin.jira_issue_created.zulip-fixture.json'
		);
		expect(
			missingKeys((serverSample as { user: unknown }).user, (hook.body as { user: unknown }).user, [
				/^accountId$/
			])
		).toEqual([]);
		expectClean(jira);
	});

	it('refuses ADF on v2, v3 paths, basic auth and a wrong PAT', async () => {
		const jira = await dc();
		const adfOnV2 = await v2(jira, 'POST', '/issue', { fields: newIssueFields() });
		expect(adfOnV2).toEqual({
			status: 400,
			body: { errorMessages: [], errors: { description: 'Operation value must be a string' } }
		});
		expect((await v2(jira, 'GET', '/myself', undefined, 'wrong')).status).toBe(401);
		const basic = await fetch(`${jira.url}/rest/api/2/myself`, {
			headers: {
				authorization: `Basic ${Buffer.from(`${jira.email}:${jira.pat}`).toString('base64')}`
			}
		});
		expect(basic.status).toBe(401);
		const v3 = await fetch(`${jira.url}/rest/api/3/myself`, {
			headers: { authorization: `Bearer ${jira.pat}` }
		});
		expect(v3.status).toBe(404);
		expect(jira.violations).toEqual([
			'POST /rest/api/2/issue: description: REST v2 takes a wiki-markup string',
			'GET /rest/api/3/myself: no such endpoint on Jira Data Center'
		]);
	});

	it('jira.js 6.2.0 cannot talk v2: its Cloud client reads /rest/api/3; its core transport can carry v2 calls', async () => {
		const jira = await dc();
		const cloud = jiraJs.createCloudClient({
			host: jira.url,
			auth: { type: 'bearer', token: jira.pat },
			onSchemaMismatch: 'throw'
		});
		const err = await rejection(cloud.myself.getCurrentUser());
		expect(core.isNotFoundError(err)).toBe(true);

		const raw = rawClient(jira);
		const created = await raw.sendRequest<{ key: string }>({
			url: '/rest/api/2/issue',
			method: 'POST',
			body: { fields: newIssueFields({ description: 'wiki *text*' }) }
		});
		expect(created.key).toBe('OPS-1');
		const issue = await raw.sendRequest<{ fields: { description: string } }>({
			url: `/rest/api/2/issue/${created.key}`,
			method: 'GET',
			searchParams: { fields: 'description' }
		});
		expect(issue.fields.description).toBe('wiki *text*');
		expect(jira.violations).toEqual([
			'GET /rest/api/3/myself: no such endpoint on Jira Data Center'
		]);
	});
});
