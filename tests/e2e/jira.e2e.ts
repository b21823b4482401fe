/**
 * The Jira sync end to end: this file starts its own Jira stand-in (Jira Cloud, in the test
 * process), points the running Vigil's Jira connection at it through the admin API, and takes
 * it away again when done, so the other files see Vigil as they always did (no Jira).
 *
 * Slack is not configured on the e2e server, so the Slack message update after a Jira "Done"
 * is not checked here (tests/integration covers Slack updates).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import {
	deliverWebhook,
	STANDIN_PEOPLE,
	startJiraStandin,
	type JiraStandin
} from '../support/jira-standin.ts';
import {
	adminState,
	expectNotReloaded,
	markDocument,
	openLiveBoard,
	postWebhook,
	screenshotBoth,
	themedAdminContext,
	ticketAction,
	ticketCard,
	ticketLedger,
	uniqueWord
} from './support.ts';
import { connectJira, releaseJira } from './jira-support.ts';

const SECRET = 'e2e-jira-webhook-secret-0123456789';
const FIXTURE = path.resolve(
	import.meta.dirname,
	'../support/fixtures/azure-monitor/log-alert-v2.adf-pipeline-failed.json'
);

test.describe.configure({ mode: 'serial' });

let jira: JiraStandin;
const tickets = ticketLedger();
const made: string[] = [];

interface TicketView {
	id: string;
	status: string;
	jira_key: string | null;
	jira_url: string | null;
	jira_status: string | null;
	jira_error: string | null;
	mttr_seconds: number | null;
	resolved_by: string | null;
}

async function getTicket(request: APIRequestContext, id: string): Promise<TicketView> {
	const res = await request.get(`/api/tickets/${encodeURIComponent(id)}`);
	expect(res.ok(), await res.text()).toBe(true);
	return ((await res.json()) as { ticket: TicketView }).ticket;
}

/** The connection as the admin API shows it. */
async function jiraConnection(request: APIRequestContext) {
	const res = await request.get('/api/admin/connections');
	expect(res.ok(), await res.text()).toBe(true);
	const { connections } = (await res.json()) as {
		connections: { kind: string; breaker_state: string; configured: boolean; status: string }[];
	};
	return connections.find((c) => c.kind === 'jira')!;
}

test.beforeAll(async ({ request }) => {
	jira = await startJiraStandin({ mode: 'cloud' });
	await connectJira(request, jira, { webhookSecret: SECRET });
});

test.afterAll(async ({ request }) =>
	releaseJira(request, jira, async () => {
		for (const id of made.splice(0))
			await request.post(`/api/tickets/${encodeURIComponent(id)}/resolve`, { data: {} });
		await tickets.tidy(request);
	})
);

/** An Azure Monitor log alert for a pipeline run of its own (a fresh dedup key). */
async function azureAlert(pipeline: string): Promise<unknown> {
	const body = JSON.parse(await readFile(FIXTURE, 'utf8'));
	for (const d of body.data.alertContext.condition.allOf[0].dimensions as {
		name: string;
		value: string;
	}[]) {
		if (d.name === 'PipelineName') d.value = pipeline;
		if (d.name === 'RunId') d.value = crypto.randomUUID();
	}
	body.data.essentials.originAlertId = crypto.randomUUID();
	return body;
}

const webhookUrl = () => `${test.info().project.use.baseURL}/api/webhooks/jira`;

test('an Azure Monitor failure gets a Jira issue live, and Done in Jira closes the card live with its MTTR', async ({
	page,
	browser,
	request
}) => {
	const closedBoard = await browser.newContext({
		baseURL: test.info().project.use.baseURL,
		storageState: adminState()
	});
	try {
		const closed = await closedBoard.newPage();
		await Promise.all([openLiveBoard(page), openLiveBoard(closed, '/?status=closed')]);
		await markDocument(page);
		await markDocument(closed);

		const pipeline = `pl_${uniqueWord('jira')}_orders`;
		const id = await postWebhook(request, 'azure-monitor', await azureAlert(pipeline));
		expect(id).not.toBeNull();
		made.push(id!);

		// The issue is created after triage, and its key reaches the open board by itself.
		const card = ticketCard(page, id!);
		await expect(card).toContainText(pipeline);
		const marker = card.getByTestId('jira-marker');
		await expect(marker).toHaveAttribute('data-state', 'linked', { timeout: 20_000 });
		const ticket = await getTicket(request, id!);
		expect(ticket).toMatchObject({ jira_status: 'linked', jira_error: null });
		const key = ticket.jira_key!;
		expect(key).toMatch(/^OPS-\d+$/);
		await expect(marker).toHaveText(key);
		await expect(marker).toHaveAttribute('href', `${jira.url}/browse/${key}`);
		const issue = jira.issue(key)!;
		expect(issue.labels).toEqual(expect.arrayContaining(['vigil', `vigil-${id!.toLowerCase()}`]));
		expect(issue.summary).toContain(pipeline);

		// Someone moves the issue to Done in Jira; Jira tells Vigil through the webhook.
		const done = jira.transitionAs(STANDIN_PEOPLE.marco, key, 'Done');
		const delivered = await deliverWebhook(webhookUrl(), done, {
			secret: SECRET,
			hmacSecret: SECRET
		});
		expect(delivered.status, delivered.body).toBe(200);

		await expect(card).toHaveCount(0, { timeout: 15_000 });
		const moved = ticketCard(closed, id!);
		await expect(moved).toBeVisible();
		await expect(moved.getByTestId('mttr')).toContainText(/MTTR \d+(s|m)/);
		await expect(moved.getByTestId('jira-marker')).toHaveText(key);
		await screenshotBoth(closed, 'jira-card-closed', 'dark', { element: moved });
		const after = await getTicket(request, id!);
		expect(after).toMatchObject({ status: 'closed', resolved_by: 'Marco Bianchi' });
		expect(after.mttr_seconds).not.toBeNull();
		await expectNotReloaded(page);
		await expectNotReloaded(closed);

		// No echo: Vigil neither comments on nor transitions an issue Jira itself closed.
		await new Promise((r) => setTimeout(r, 500));
		expect(jira.comments(key)).toEqual([]);
	} finally {
		await closedBoard.close();
	}
});

async function openTicket(page: Page, id: string): Promise<void> {
	await page.goto(`/tickets/${id}`);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expect(page.getByTestId('connection-indicator')).toHaveAttribute('data-state', 'live', {
		timeout: 15_000
	});
}

for (const theme of ['dark', 'light'] as const)
	test(`the ticket page shows the Jira issue being created, linked with a warning, and failed: ${theme}`, async ({
		browser,
		request
	}) => {
		test.setTimeout(120_000);
		const context = await themedAdminContext(browser, theme);
		try {
			const page = await context.newPage();

			// Pending: Jira takes its time with this create.
			jira.failNext({ kind: 'delay', ms: 12_000 }, { operation: 'createIssue' });
			const pending = await tickets.post(request, {
				pipeline: `pl_${uniqueWord('jirapending')}_invoices`,
				error_message: 'ErrorCode=SqlFailedToConnect: Cannot connect to SQL Database: sql-fin-prod'
			});
			await openLiveBoard(page);
			const pendingCard = ticketCard(page, pending);
			await expect(pendingCard.getByTestId('jira-marker')).toHaveAttribute('data-state', 'pending');
			await screenshotBoth(page, 'jira-card-pending', theme, { element: pendingCard });
			await openTicket(page, pending);
			const chip = page.getByTestId('jira-chip');
			await expect(chip).toHaveAttribute('data-state', 'pending', { timeout: 10_000 });
			const state = page.getByTestId('jira-state');
			await expect(state).toHaveAttribute('data-state', 'pending');
			await expect(state).toContainText('Creating Jira issue…');
			await screenshotBoth(page, 'jira-ticket-pending', theme);

			// Linked, live: the key arrives without a reload, the creation shows in the timeline.
			await markDocument(page);
			await expect(chip).toHaveAttribute('data-state', 'linked', { timeout: 20_000 });
			const key = (await getTicket(request, pending)).jira_key!;
			await expect(chip).toHaveText(key);
			await expect(state).toHaveAttribute('data-state', 'linked');
			const timeline = page.locator('section[aria-labelledby="timeline-title"]');
			await expect(timeline.getByRole('link', { name: key })).toHaveAttribute(
				'href',
				`${jira.url}/browse/${key}`
			);

			// A comment in Jira shows in the timeline, by its author, from Jira.
			const { webhook } = jira.commentAs(
				STANDIN_PEOPLE.marco,
				key,
				'Firewall rule for the new IR range was missing; added it, rerun is green.'
			);
			expect((await deliverWebhook(webhookUrl(), webhook, { secret: SECRET })).status).toBe(200);
			await expect(timeline.getByText('Firewall rule for the new IR range')).toBeVisible({
				timeout: 15_000
			});
			await expect(timeline).toContainText('by Marco Bianchi (Jira)');

			// A workflow with no way to Done: resolving in Vigil leaves a warning on the linked ticket.
			jira.setWorkflow('OPS', {
				statuses: [
					{ id: '10000', name: 'To Do', category: 'new' },
					{ id: '3', name: 'In Progress', category: 'indeterminate' }
				],
				transitions: [
					{ id: '11', name: 'Back to do', to: '10000' },
					{ id: '21', name: 'Start', to: '3' }
				]
			});
			try {
				await ticketAction(request, pending, 'resolve');
				await expect(chip).toHaveAttribute('data-state', 'warning', { timeout: 15_000 });
			} finally {
				jira.setWorkflow('OPS', {
					statuses: [
						{ id: '10000', name: 'To Do', category: 'new' },
						{ id: '3', name: 'In Progress', category: 'indeterminate' },
						{ id: '10001', name: 'Done', category: 'done' }
					],
					transitions: [
						{ id: '11', name: 'To Do', to: '10000' },
						{ id: '21', name: 'In Progress', to: '3' },
						{ id: '31', name: 'Done', to: '10001' }
					]
				});
			}
			await expect(state).toContainText(/no transition from "To Do" to a done status/);
			await expect(timeline).toContainText('Jira Transition Missing');
			await expectNotReloaded(page);
			await screenshotBoth(page, 'jira-ticket-linked', theme);

			// Failed: the project refuses the create; the ticket says why.
			jira.failNext(
				{
					kind: 'status',
					status: 400,
					body: { errorMessages: [], errors: { customfield_10050: 'Team is required.' } }
				},
				{ operation: 'createIssue' }
			);
			const failed = await tickets.post(request, {
				pipeline: `pl_${uniqueWord('jirafailed')}_ledger`,
				error_message: 'Operation on target Copy_GL failed: the source file is empty'
			});
			await expect
				.poll(async () => (await getTicket(request, failed)).jira_status, { timeout: 15_000 })
				.toBe('failed');
			await openTicket(page, failed);
			await expect(chip).toHaveAttribute('data-state', 'failed');
			await expect(state).toHaveAttribute('data-state', 'failed');
			await expect(state).toContainText('Jira issue not created');
			await expect(state).toContainText('customfield_10050: Team is required.');
			await expect(page.locator('section[aria-labelledby="timeline-title"]')).toContainText(
				'Jira Sync Failed'
			);
			await screenshotBoth(page, 'jira-ticket-failed', theme);

			// The board card says it compactly.
			await openLiveBoard(page);
			const failedCard = ticketCard(page, failed);
			await expect(failedCard.getByTestId('jira-marker')).toHaveText('Jira failed');
			await screenshotBoth(page, 'jira-card-failed', theme, { element: failedCard });
		} finally {
			await context.close();
		}
	});

test('the Jira connection card shows the circuit breaker, the last success and the last error', async ({
	browser,
	request
}) => {
	test.setTimeout(120_000);
	for (const theme of ['dark', 'light'] as const) {
		const context = await themedAdminContext(browser, theme);
		try {
			const page = await context.newPage();
			await page.goto('/admin/connections');
			const card = page.locator('section[aria-labelledby="jira-title"]');
			await expect(card.getByTestId('breaker-state')).toHaveAttribute('data-state', 'closed');
			await expect(card.getByTestId('jira-sync-state')).toContainText('Last success');
			await expect(card.getByLabel('Priority mapping (optional)')).toBeVisible();
			await screenshotBoth(page, 'jira-connection-closed', theme, { element: card });
		} finally {
			await context.close();
		}
	}

	// Jira down: every call answers 503, and five failures in a row open the breaker. Every
	// call, not only creates: a retried create first searches for the issue it may have made,
	// and a search that succeeded between the failures closed the count again (a flaky run).
	jira.failNext({ kind: 'status', status: 503 }, { times: Infinity });
	try {
		for (let i = 0; i < 5; i++)
			await tickets.post(request, { pipeline: `pl_${uniqueWord('jiradown')}_${i}` });
		await expect
			.poll(async () => (await jiraConnection(request)).breaker_state, { timeout: 30_000 })
			.toBe('open');
		for (const theme of ['dark', 'light'] as const) {
			const context = await themedAdminContext(browser, theme);
			try {
				const page = await context.newPage();
				await page.goto('/admin/connections');
				const card = page.locator('section[aria-labelledby="jira-title"]');
				const breaker = card.getByTestId('breaker-state');
				await expect(breaker).toHaveAttribute('data-state', 'open');
				await expect(breaker).toContainText(/Open until \d{2}:\d{2}:\d{2}|the next call probes/);
				await expect(card).toContainText('Jira error 503');
				await screenshotBoth(page, 'jira-connection-open', theme, { element: card });
			} finally {
				await context.close();
			}
		}
	} finally {
		jira.clearFaults();
	}
});
