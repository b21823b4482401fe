/**
 * Jira field mapping end to end: an admin discovers the create screen of a project whose Task
 * has a required select list, maps it in the UI, previews the payload, saves, and the next
 * ticket's Jira issue carries the field. The file points the Jira connection at its own stand-in
 * (issue type Task, so the Bug issues of jira.e2e.ts are not touched) and takes it away after.
 */
import { expect, test } from '@playwright/test';
import { DEFAULT_PROJECT, startJiraStandin, type JiraStandin } from '../support/jira-standin.ts';
import { ticketLedger, uniqueWord } from './support.ts';

test.describe.configure({ mode: 'serial' });

let jira: JiraStandin;
const tickets = ticketLedger();

const settings = () => ({
	baseUrl: jira.url,
	deployment: 'cloud',
	email: jira.email,
	projectKey: 'OPS',
	issueType: 'Task'
});

test.beforeAll(async ({ request }) => {
	jira = await startJiraStandin({
		mode: 'cloud',
		projects: [
			{
				...DEFAULT_PROJECT,
				customFields: [
					{
						id: 'customfield_10050',
						name: 'Impact',
						type: 'option',
						required: true,
						options: [
							{ id: '10100', value: 'Sev 1' },
							{ id: '10101', value: 'Sev 2' }
						],
						issueTypes: ['Task']
					}
				]
			}
		]
	});
	const res = await request.put('/api/admin/connections/jira', {
		data: { ...settings(), apiToken: jira.apiToken }
	});
	expect(res.ok(), await res.text()).toBe(true);
});

test.afterAll(async ({ request }) => {
	const res = await request.put('/api/admin/connections/jira', {
		data: { ...settings(), apiToken: null }
	});
	expect(res.ok(), await res.text()).toBe(true);
	await tickets.tidy(request);
	expect(jira.violations).toEqual([]);
	await jira?.close();
});

test('an admin maps a required custom field, previews, saves, and the next issue carries it', async ({
	page,
	request
}) => {
	// A ticket to preview with.
	await tickets.post(request, { pipeline: `pl_${uniqueWord('jirapreview')}_orders` });
	await page.goto('/admin/connections/jira/fields?project=OPS');
	// The source select shows its value inputs through the page's script.
	await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
	await expect(page.getByLabel('Issue type')).toHaveValue('10002');
	const impact = page.locator('li[data-field="customfield_10050"]');
	await expect(impact).toContainText('Impact');
	await expect(impact).toContainText('required');
	await expect(impact).toContainText('Allowed: Sev 1, Sev 2');

	// Saving without it is refused, naming the field.
	await page.getByRole('button', { name: 'Save mapping' }).click();
	await expect(impact).toContainText('Impact (customfield_10050) is required by Jira: map it');

	await impact.getByLabel('Vigil value').selectOption('constant');
	await impact.getByLabel('Constant').fill('Sev 2');
	await page.getByRole('button', { name: 'Preview' }).click();
	const payload = page.getByTestId('jira-payload');
	await expect(payload).toContainText('"customfield_10050": {');
	await expect(payload).toContainText('"value": "Sev 2"');
	await expect(payload).toContainText('"issuetype": {');
	for (const width of [1440, 390]) {
		await page.setViewportSize({ width, height: 900 });
		await page.screenshot({
			path: `test-results/screenshots/jira-fields-${width}.png`,
			fullPage: true
		});
	}
	await page.setViewportSize({ width: 1440, height: 900 });

	await page.getByRole('button', { name: 'Save mapping' }).click();
	await expect(page.getByText('Saved: the next issue in OPS · Task uses it.')).toBeVisible();

	const id = await tickets.post(request, { pipeline: `pl_${uniqueWord('jiramapped')}_orders` });
	await expect
		.poll(
			async () => {
				const res = await request.get(`/api/tickets/${encodeURIComponent(id)}`);
				return ((await res.json()) as { ticket: { jira_key: string | null } }).ticket.jira_key;
			},
			{ timeout: 30_000 }
		)
		.toMatch(/^OPS-\d+$/);
	const issue = jira.issues().find((i) => i.labels.includes(`vigil-${id.toLowerCase()}`))!;
	expect(issue.issueType).toBe('Task');
	expect(issue.extraFields.customfield_10050).toEqual({ value: 'Sev 2' });
});
