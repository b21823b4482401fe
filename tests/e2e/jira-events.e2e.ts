/**
 * The Jira event log end to end: a delivery fails while Jira refuses to show the issue,
 * the admin finds it in the log from the connection card, retries it once Jira answers
 * again, and the ticket closes. Like jira.e2e.ts, this file points the running Vigil's
 * Jira connection at a stand-in of its own and takes it away again when done.
 */
import { expect, test } from '@playwright/test';
import {
	deliverWebhook,
	STANDIN_PEOPLE,
	startJiraStandin,
	type JiraStandin
} from '../support/jira-standin.ts';
import { connectJira, releaseJira } from './jira-support.ts';
import { screenshotBoth, themedAdminContext, ticketLedger, uniqueWord } from './support.ts';

const SECRET = 'e2e-jira-events-secret-0123456789';

test.describe.configure({ mode: 'serial' });

let jira: JiraStandin;
const tickets = ticketLedger();

test.beforeAll(async ({ request }) => {
	jira = await startJiraStandin({ mode: 'cloud' });
	await connectJira(request, jira, { webhookSecret: SECRET });
});

test.afterAll(async ({ request }) => releaseJira(request, jira, () => tickets.tidy(request)));

test('a failed Jira delivery is found in the event log and retried once Jira answers again', async ({
	page,
	request
}) => {
	const pipeline = `pl_${uniqueWord('events')}`;
	const id = await tickets.post(request, { pipeline });
	let key = '';
	await expect
		.poll(
			async () => {
				const res = await request.get(`/api/tickets/${encodeURIComponent(id)}`);
				key = ((await res.json()) as { ticket: { jira_key: string | null } }).ticket.jira_key ?? '';
				return key;
			},
			{ timeout: 20_000 }
		)
		.toMatch(/^OPS-\d+$/);

	// Jira refuses to show the issue (a permission taken away): the delivery fails at once.
	jira.failNext({ kind: 'status', status: 403 }, { operation: 'getIssue', times: Infinity });
	const done = jira.transitionAs(STANDIN_PEOPLE.marco, key, 'Done');
	const webhookUrl = `${test.info().project.use.baseURL}/api/webhooks/jira`;
	expect((await deliverWebhook(webhookUrl, done, { secret: SECRET })).status).toBe(200);

	await page.goto('/admin/connections');
	await page.getByRole('link', { name: 'Event log' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Jira event log' })).toBeVisible();
	// Typing before hydration is lost when Svelte hydrates the form.
	await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
	await page.getByLabel('Issue key').fill(key);
	await page.getByLabel('Direction').selectOption('inbound');
	await page.getByRole('button', { name: 'Apply' }).click();
	await expect(page).toHaveURL(new RegExp(`direction=inbound.*issue_key=${key}`));
	const table = page.getByTestId('jira-events');
	const row = table.locator('tr[data-event-id]').filter({ hasText: 'jira:issue_updated' });
	await expect
		.poll(
			async () => {
				await page.reload();
				return row.first().textContent();
			},
			{ timeout: 15_000 }
		)
		.toContain('failed');
	await expect(row.first()).toContainText('403');
	await expect(page.getByText('Failed', { exact: true }).first()).toBeVisible();

	jira.clearFaults();
	await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
	await row
		.first()
		.getByRole('button', { name: /^Retry event/ })
		.click();
	await expect(row.first()).toContainText('Retried');
	await expect
		.poll(
			async () => {
				await page.reload();
				return table.locator('tr[data-event-id]').first().textContent();
			},
			{ timeout: 15_000 }
		)
		.toContain('processed');
	await expect(table.locator('tr[data-event-id]').first()).toContainText('resolved');
	const ticket = await request.get(`/api/tickets/${encodeURIComponent(id)}`);
	expect(((await ticket.json()) as { ticket: { status: string } }).ticket.status).toBe('closed');

	// The retry is in the audit trail with who did it.
	const audit = await request.get(`/api/audit?action=Jira Event Retried&ticket_id=${id}`);
	const entries = ((await audit.json()) as { items: { actor_name: string }[] }).items;
	expect(entries).toHaveLength(1);
});

for (const theme of ['dark', 'light'] as const)
	test(`the event log page: ${theme}`, async ({ browser }) => {
		const context = await themedAdminContext(browser, theme);
		try {
			const page = await context.newPage();
			await page.goto('/admin/connections/jira/events');
			await expect(page.getByRole('heading', { level: 1, name: 'Jira event log' })).toBeVisible();
			await expect(page.locator('[data-event-id]').first()).toBeAttached();
			await screenshotBoth(page, 'jira-events', theme);
		} finally {
			await context.close();
		}
	});
