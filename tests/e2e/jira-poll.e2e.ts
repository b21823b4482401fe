/**
 * Polling Jira, end to end: an admin switches the Jira connection to polling on the connections
 * page; a ticket's issue closed in Jira (no webhook is sent) closes the ticket at the next poll;
 * the card shows the last poll, what it found and the watermark, then a Jira outage as the last
 * poll error, then the recovery. This file starts its own Jira stand-in and unconfigures Jira when
 * done, as jira.e2e.ts does, so the other files see Vigil without Jira.
 */
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { STANDIN_PEOPLE, startJiraStandin, type JiraStandin } from '../support/jira-standin.ts';
import { connectJira, releaseJira } from './jira-support.ts';
import {
	hydrated,
	screenshotBoth,
	themedAdminContext,
	ticketLedger,
	uniqueWord
} from './support.ts';

test.describe.configure({ mode: 'serial' });

let jira: JiraStandin;
const tickets = ticketLedger();

interface PollView {
	lastOkAt: string | null;
	lastError: string | null;
	failures: number;
	watermark: string | null;
	lastIssues: number;
}

async function pollView(request: APIRequestContext): Promise<PollView | null> {
	const res = await request.get('/api/admin/connections/jira/poll');
	expect(res.ok(), await res.text()).toBe(true);
	return ((await res.json()) as { poll: PollView | null }).poll;
}

async function ticketOf(request: APIRequestContext, id: string) {
	const res = await request.get(`/api/tickets/${encodeURIComponent(id)}`);
	expect(res.ok(), await res.text()).toBe(true);
	return (
		(await res.json()) as {
			ticket: { status: string; jira_key: string | null; jira_status: string };
		}
	).ticket;
}

test.beforeAll(async ({ request }) => {
	jira = await startJiraStandin({ mode: 'cloud' });
	await connectJira(request, jira);
});

test.afterAll(async ({ request }) => releaseJira(request, jira, () => tickets.tidy(request)));

const jiraCard = (page: Page) => page.locator('section[aria-labelledby="jira-title"]');

async function eachTheme(
	browser: Browser,
	work: (page: Page, theme: 'dark' | 'light') => Promise<void>
): Promise<void> {
	for (const theme of ['dark', 'light'] as const) {
		const context = await themedAdminContext(browser, theme);
		try {
			await work(await context.newPage(), theme);
		} finally {
			await context.close();
		}
	}
}

test('an admin switches Jira to polling; an issue closed in Jira without a webhook closes its ticket; an outage shows on the card until Jira is back', async ({
	page,
	browser,
	request
}) => {
	// The first poll goes when polling is saved, then one every 10 s; an outage and its
	// recovery take a few intervals more (the retries back off).
	test.setTimeout(180_000);

	await page.goto('/admin/connections');
	await hydrated(page);
	const card = page.locator('section[aria-labelledby="jira-title"]');
	await card.getByLabel('Changes in Jira reach Vigil by').selectOption('polling');
	const interval = card.getByLabel('Poll interval (optional)');
	// Under ten seconds is refused before it is sent (the API refuses it too).
	await interval.fill('5');
	await card.getByRole('button', { name: 'Save' }).click();
	expect(await interval.evaluate((el: HTMLInputElement) => el.validity.rangeUnderflow)).toBe(true);
	await expect(card).not.toContainText('Saved.');
	await interval.fill('10');
	await card.getByRole('button', { name: 'Save' }).click();
	await expect(card).toContainText('Saved.');
	const polling = card.getByTestId('jira-polling');
	await expect(polling).toContainText('Polling');

	const id = await tickets.post(request, { pipeline: `pl_${uniqueWord('jirapoll')}_orders` });
	await expect
		.poll(async () => (await ticketOf(request, id)).jira_status, { timeout: 30_000 })
		.toBe('linked');
	const key = (await ticketOf(request, id)).jira_key!;
	jira.transitionAs(STANDIN_PEOPLE.marco, key, 'Done');
	await expect
		.poll(async () => (await ticketOf(request, id)).status, { timeout: 30_000 })
		.toBe('closed');
	expect(jira.requestsTo('searchAndReconsileIssuesUsingJql').length).toBeGreaterThan(0);

	await eachTheme(browser, async (p, theme) => {
		await p.goto('/admin/connections');
		const state = p.getByTestId('jira-polling');
		await expect(state).toHaveAttribute('data-state', 'ok');
		await expect(state).toContainText(/Found\s*\d+ updated issues?/);
		await expect(state).toContainText('UTC');
		await screenshotBoth(p, 'jira-polling-ok', theme, { element: jiraCard(p) });
	});

	// Jira's search fails: the next poll says so on the card; the watermark stays.
	const before = await pollView(request);
	jira.failNext(
		{ kind: 'status', status: 503 },
		{ operation: 'searchAndReconsileIssuesUsingJql', times: Infinity }
	);
	try {
		await expect
			.poll(async () => (await pollView(request))?.failures ?? 0, { timeout: 40_000 })
			.toBeGreaterThan(0);
		expect((await pollView(request))?.watermark).toBe(before?.watermark);
		await eachTheme(browser, async (p, theme) => {
			await p.goto('/admin/connections');
			await expect(p.getByTestId('jira-polling')).toHaveAttribute('data-state', 'failing');
			await expect(p.getByTestId('jira-poll-error')).toContainText('Jira error 503');
			await screenshotBoth(p, 'jira-polling-failing', theme, { element: jiraCard(p) });
		});
	} finally {
		jira.clearFaults();
	}

	await expect
		.poll(async () => (await pollView(request))?.lastError ?? null, { timeout: 90_000 })
		.toBeNull();
	await page.goto('/admin/connections');
	await expect(page.getByTestId('jira-polling')).toHaveAttribute('data-state', 'ok');
	await expect(page.getByTestId('jira-poll-error')).toHaveCount(0);

	// Back to webhooks only: the last poll stays on the card as history, not as a live "OK".
	await hydrated(page);
	await card.getByLabel('Changes in Jira reach Vigil by').selectOption('webhooks');
	await card.getByRole('button', { name: 'Save' }).click();
	await expect(card).toContainText('Saved.');
	await page.reload();
	await expect(polling).toHaveAttribute('data-state', 'off');
	await expect(polling).toContainText('Webhooks only: Vigil does not poll');
	await expect(polling).toContainText('Last poll (polling now off)');
	await expect(polling).not.toContainText('Next poll');
});
