/**
 * The Jira event log end to end: a delivery fails while Jira refuses to show the issue,
 * the admin finds it in the log from the connection card, retries it once Jira answers
 * again, and the ticket closes. Like jira.e2e.ts, this file points the running Vigil's
 * Jira connection at a stand-in of its own and takes it away again when done.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import {
	deliverWebhook,
	STANDIN_PEOPLE,
	startJiraStandin,
	type JiraStandin
} from '../support/jira-standin.ts';
import { ADMIN_STATE, ticketLedger, uniqueWord } from './support.ts';

const SECRET = 'e2e-jira-events-secret-0123456789';
const OUT = 'test-results/screenshots';
const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

test.describe.configure({ mode: 'serial' });

let jira: JiraStandin;
const tickets = ticketLedger();

const settings = () => ({
	baseUrl: jira.url,
	deployment: 'cloud',
	email: jira.email,
	projectKey: 'OPS',
	issueType: 'Bug'
});

test.beforeAll(async ({ request }) => {
	jira = await startJiraStandin({ mode: 'cloud' });
	const res = await request.put('/api/admin/connections/jira', {
		data: { ...settings(), apiToken: jira.apiToken, webhookSecret: SECRET }
	});
	expect(res.ok(), await res.text()).toBe(true);
});

test.afterAll(async ({ request }) => {
	const res = await request.put('/api/admin/connections/jira', {
		data: { ...settings(), apiToken: null, webhookSecret: null }
	});
	expect(res.ok(), await res.text()).toBe(true);
	await tickets.tidy(request);
	expect(jira.violations).toEqual([]);
	await jira?.close();
});

async function themed(browser: Browser, theme: 'dark' | 'light') {
	const baseURL = test.info().project.use.baseURL!;
	const context = await browser.newContext({ baseURL, storageState: ADMIN_STATE });
	if (theme === 'light')
		await context.addCookies([{ name: 'vigil_theme', value: 'light', url: baseURL }]);
	return context;
}

async function shoot(page: Page, name: string, theme: string): Promise<void> {
	for (const viewport of [DESKTOP, PHONE]) {
		await page.setViewportSize(viewport);
		await expect
			.poll(() => page.evaluate(() => document.documentElement.scrollWidth), {
				message: `${name} must not scroll sideways at ${viewport.width} px`
			})
			.toBeLessThanOrEqual(viewport.width);
		await page.screenshot({
			path: `${OUT}/${name}-${viewport.width}-${theme}.png`,
			fullPage: true,
			animations: 'disabled'
		});
	}
	await page.setViewportSize(DESKTOP);
}

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
		const context = await themed(browser, theme);
		try {
			const page = await context.newPage();
			await page.goto('/admin/connections/jira/events');
			await expect(page.getByRole('heading', { level: 1, name: 'Jira event log' })).toBeVisible();
			await expect(page.locator('[data-event-id]').first()).toBeAttached();
			await shoot(page, 'jira-events', theme);
		} finally {
			await context.close();
		}
	});
