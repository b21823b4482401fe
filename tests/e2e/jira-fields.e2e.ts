/**
 * Jira field mapping end to end: an admin discovers the create screen of a project whose Task
 * has a required select list, maps it in the UI, previews the payload, saves, and the next
 * ticket's Jira issue carries the field; deleting the mapping in the UI makes Jira refuse the
 * next create, and the ticket and the connection say which field and what Jira answered.
 *
 * The file points the Jira connection at its own stand-in (a new site: everything the
 * connection knew of another one, such as an open breaker, is left behind) with issue type
 * Task, so the Bug issues of jira.e2e.ts are not touched, and takes it away after.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { DEFAULT_PROJECT, startJiraStandin, type JiraStandin } from '../support/jira-standin.ts';
import { connectJira, releaseJira } from './jira-support.ts';
import { screenshotBoth, themedAdminContext, ticketLedger, uniqueWord } from './support.ts';

test.describe.configure({ mode: 'serial' });

let jira: JiraStandin;
const tickets = ticketLedger();

interface TicketView {
	jira_key: string | null;
	jira_status: string | null;
	jira_error: string | null;
}

async function getTicket(request: APIRequestContext, id: string): Promise<TicketView> {
	const res = await request.get(`/api/tickets/${encodeURIComponent(id)}`);
	expect(res.ok(), await res.text()).toBe(true);
	return ((await res.json()) as { ticket: TicketView }).ticket;
}

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
	await connectJira(request, jira, { issueType: 'Task' });
});

test.afterAll(async ({ request }) =>
	releaseJira(request, jira, () => tickets.tidy(request), { issueType: 'Task' })
);

async function openMapping(page: Page): Promise<void> {
	await page.goto('/admin/connections/jira/fields?project=OPS');
	// The source select shows its value inputs through the page's script.
	await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
	await expect(page.getByLabel('Issue type')).toHaveValue('10002');
}

test('an admin maps a required custom field, previews, saves, and the next issue carries it', async ({
	page,
	browser,
	request
}) => {
	// A ticket to preview with.
	await tickets.post(request, { pipeline: `pl_${uniqueWord('jirapreview')}_orders` });
	await openMapping(page);
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

	await page.getByRole('button', { name: 'Save mapping' }).click();
	await expect(page.getByText('Saved: the next issue in OPS · Task uses it.')).toBeVisible();
	await expect(page.locator('li[data-mapping="OPS · Task"]')).toContainText('1 rule');

	// The page as saved, in both themes: the mapped field, the saved mappings with Delete.
	for (const theme of ['dark', 'light'] as const) {
		const context = await themedAdminContext(browser, theme);
		try {
			const themedPage = await context.newPage();
			await openMapping(themedPage);
			await expect(
				themedPage.locator('li[data-field="customfield_10050"]').getByLabel('Constant')
			).toHaveValue('Sev 2');
			await themedPage.getByRole('button', { name: 'Preview' }).click();
			await expect(themedPage.getByTestId('jira-payload')).toContainText('"value": "Sev 2"');
			await screenshotBoth(themedPage, 'jira-fields', theme);
		} finally {
			await context.close();
		}
	}

	const id = await tickets.post(request, { pipeline: `pl_${uniqueWord('jiramapped')}_orders` });
	await expect
		.poll(async () => (await getTicket(request, id)).jira_key, { timeout: 30_000 })
		.toMatch(/^OPS-\d+$/);
	const issue = jira.issues().find((i) => i.labels.includes(`vigil-${id.toLowerCase()}`))!;
	expect(issue.issueType).toBe('Task');
	expect(issue.extraFields.customfield_10050).toEqual({ value: 'Sev 2' });
});

test('an admin deletes the mapping; Jira then refuses the next create, and the ticket and the connection name the field and Jira’s message', async ({
	page,
	request
}) => {
	await openMapping(page);
	const saved = page.locator('li[data-mapping="OPS · Task"]');
	await expect(saved).toBeVisible();
	// Two clicks: the first only arms the button.
	await saved.getByRole('button', { name: 'Delete' }).click();
	await saved.getByRole('button', { name: 'Delete mapping?' }).click();
	await expect(
		page.getByText('Deleted the mapping of OPS · Task: the next issue there is created')
	).toBeVisible();
	await expect(saved).toHaveCount(0);
	await expect(
		page.locator('li[data-field="customfield_10050"]').getByLabel('Vigil value')
	).toHaveValue('');

	const id = await tickets.post(request, { pipeline: `pl_${uniqueWord('jirarefused')}_orders` });
	await expect
		.poll(async () => (await getTicket(request, id)).jira_status, { timeout: 30_000 })
		.toBe('failed');
	expect(jira.issues().some((i) => i.labels.includes(`vigil-${id.toLowerCase()}`))).toBe(false);

	await page.goto(`/tickets/${id}`);
	const state = page.getByTestId('jira-state');
	await expect(state).toHaveAttribute('data-state', 'failed');
	await expect(state).toContainText('Jira issue not created');
	await expect(state).toContainText('customfield_10050: Impact is required.');

	await page.goto('/admin/connections');
	const refusal = page
		.locator('section[aria-labelledby="jira-title"]')
		.getByTestId('jira-last-refusal');
	await expect(refusal).toContainText(`Create for ${id} in OPS refused`);
	await expect(refusal).toContainText('customfield_10050: Impact is required.');
});
