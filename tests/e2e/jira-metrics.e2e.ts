/**
 * Jira metrics end to end: an issue goes back and forth in Jira (its own Jira stand-in, with a
 * clock of its own so the durations are exact), and the ticket page and the analytics page show
 * time to start, time to resolve, the status history and the time in each status. The Jira
 * connection is taken away again when done, so other files see Vigil without Jira.
 */
import { expect, test } from '@playwright/test';
import {
	deliverWebhook,
	STANDIN_PEOPLE,
	startJiraStandin,
	type JiraStandin
} from '../support/jira-standin.ts';
import { connectJira, releaseJira } from './jira-support.ts';
import {
	PHONE,
	screenshotBoth,
	SCREENSHOTS,
	themedAdminContext,
	ticketLedger,
	uniqueWord
} from './support.ts';

const SECRET = 'e2e-jira-metrics-secret-0123456789';
const MINUTE = 60_000;

test.describe.configure({ mode: 'serial' });

let jira: JiraStandin;
// Jira's clock starts four hours ago and is moved by the test: every change is stamped with it.
let jiraNow = Date.now() - 240 * MINUTE;
const tickets = ticketLedger();
let ticketId = '';

test.beforeAll(async ({ request }) => {
	jira = await startJiraStandin({ mode: 'cloud', now: () => jiraNow, changelogPageSize: 2 });
	await connectJira(request, jira, { webhookSecret: SECRET });
});

test.afterAll(async ({ request }) => releaseJira(request, jira, () => tickets.tidy(request)));

test('an issue moved back and forth in Jira: its metrics reach the ticket', async ({ request }) => {
	test.setTimeout(90_000);
	ticketId = await tickets.post(request, { pipeline: `pl_${uniqueWord('jm')}_ledger` });
	let key: string | null = null;
	await expect
		.poll(
			async () => {
				const res = await request.get(`/api/tickets/${encodeURIComponent(ticketId)}`);
				key = ((await res.json()) as { ticket: { jira_key: string | null } }).ticket.jira_key;
				return key;
			},
			{ timeout: 30_000 }
		)
		.not.toBeNull();
	const hook = `${test.info().project.use.baseURL}/api/webhooks/jira`;
	for (const [minutes, status] of [
		[10, 'In Progress'],
		[15, 'To Do'],
		[15, 'In Progress'],
		[30, 'Done']
	] as const) {
		jiraNow += minutes * MINUTE;
		const event = jira.transitionAs(STANDIN_PEOPLE.marco, key!, status);
		expect((await deliverWebhook(hook, event, { secret: SECRET })).status).toBe(200);
	}
	await expect
		.poll(
			async () => {
				const res = await request.get(`/api/tickets/${encodeURIComponent(ticketId)}`);
				const { ticket } = (await res.json()) as {
					ticket: {
						jira_time_to_start_seconds: number | null;
						jira_time_to_resolve_seconds: number | null;
					};
				};
				return [ticket.jira_time_to_start_seconds, ticket.jira_time_to_resolve_seconds];
			},
			{ timeout: 30_000 }
		)
		.toEqual([600, 4200]);
});

for (const theme of ['dark', 'light'] as const) {
	test(`the ticket page's Jira section: ${theme}`, async ({ browser }) => {
		const context = await themedAdminContext(browser, theme);
		try {
			const page = await context.newPage();
			await page.goto(`/tickets/${ticketId}`);
			const section = page.getByTestId('jira-metrics');
			await expect(section).toBeVisible();
			await expect(section.getByTestId('jira-time-to-start')).toHaveText('10m');
			await expect(section.getByTestId('jira-time-to-resolve')).toHaveText('1h 10m');
			const stays = section.getByTestId('jira-status-history').locator('li');
			await expect(stays).toHaveCount(5);
			await expect(stays.nth(0)).toContainText('To Do');
			await expect(stays.nth(0)).toContainText('10m');
			await expect(stays.nth(3)).toContainText('In Progress');
			await expect(stays.nth(3)).toContainText('30m');
			await expect(stays.nth(4)).toContainText('now');
			await expect(section.getByTestId('jira-status-totals')).toContainText(/To Do\s*25m\s*\(2×\)/);
			await screenshotBoth(page, 'jira-metrics-ticket', theme);
			// The section alone on a phone, where the full page makes it small.
			await page.setViewportSize(PHONE);
			await section.screenshot({ path: `${SCREENSHOTS}/jira-metrics-section-390-${theme}.png` });
		} finally {
			await context.close();
		}
	});

	test(`analytics show time in Jira status and Jira resolution time: ${theme}`, async ({
		browser
	}) => {
		const context = await themedAdminContext(browser, theme);
		try {
			const page = await context.newPage();
			await page.goto('/analytics?range=7d');
			const statuses = page.getByTestId('jira-status-times');
			await expect(statuses).toBeVisible();
			await expect(statuses.locator('tbody tr').first()).toContainText('To Do');
			await expect(page.getByTestId('jira-team-resolution')).toBeVisible();
			await screenshotBoth(page, 'jira-metrics-analytics', theme);
		} finally {
			await context.close();
		}
	});
}
