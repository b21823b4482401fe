/**
 * Status mapping and reconciliation in the admin UI. Like jira.e2e.ts, this file starts its
 * own Jira stand-in, points the running Vigil's Jira connection at it through the admin API,
 * and takes it away again when done (with the policy back at its default).
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import {
	DEFAULT_WORKFLOW,
	STANDIN_PEOPLE,
	startJiraStandin,
	type JiraStandin
} from '../support/jira-standin.ts';
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

test.beforeAll(async ({ request }) => {
	jira = await startJiraStandin({
		mode: 'cloud',
		projects: [
			{
				key: 'OPS',
				id: '10010',
				name: 'Data Operations',
				workflow: {
					statuses: [
						...DEFAULT_WORKFLOW.statuses,
						{ id: '10002', name: 'Awaiting Deploy', category: 'indeterminate' }
					],
					transitions: [
						...DEFAULT_WORKFLOW.transitions,
						{ id: '41', name: 'Awaiting Deploy', to: '10002' }
					]
				}
			}
		]
	});
	await connectJira(request, jira);
});

test.afterAll(async ({ request }) => {
	await request.put('/api/admin/jira/reconciliation', {
		data: { policy: 'default', everyMinutes: 60 }
	});
	await releaseJira(request, jira, () => tickets.tidy(request));
});

async function linkedTicket(request: APIRequestContext, pipeline: string) {
	const id = await tickets.post(request, { pipeline });
	let key: string | null = null;
	await expect
		.poll(
			async () => {
				const res = await request.get(`/api/tickets/${encodeURIComponent(id)}`);
				const t = ((await res.json()) as { ticket: { jira_key: string | null } }).ticket;
				key = t.jira_key;
				return key;
			},
			{ timeout: 20_000 }
		)
		.not.toBeNull();
	return { id, key: key! };
}

test('an admin maps a status to closed and picks the status a resolve moves an issue to', async ({
	page
}) => {
	await page.goto('/admin/connections');
	await page.getByRole('link', { name: 'Status mapping' }).click();
	await expect(page.getByRole('heading', { name: 'Jira status mapping' })).toBeVisible();
	await hydrated(page);
	const row = page.locator('[data-status="Awaiting Deploy"]');
	await expect(row).toContainText('In Progress');
	const select = row.getByLabel('Means in Vigil');
	await expect(select).toHaveValue('');
	await expect(select.locator('option').first()).toHaveText('By category: In progress');
	await select.selectOption('closed');
	await page.getByLabel('Resolve moves the issue to').selectOption('Done');
	await page.getByRole('button', { name: 'Save status mapping' }).click();
	await expect(
		page.getByText('Saved: Jira’s updates and reconciliation read OPS’s statuses')
	).toBeVisible();

	await page.reload();
	await expect(
		page.locator('[data-status="Awaiting Deploy"]').getByLabel('Means in Vigil')
	).toHaveValue('closed');
	await expect(page.getByLabel('Resolve moves the issue to')).toHaveValue('Done');
	const res = await page.request.get('/api/admin/jira/statuses');
	const body = (await res.json()) as { statuses: { name: string; mapped: string | null }[] };
	expect(body.statuses.find((s) => s.name === 'Awaiting Deploy')!.mapped).toBe('closed');
});

test('under the manual policy a drift waits as a conflict, and one click lets Jira win', async ({
	page,
	request
}) => {
	await page.goto('/admin/connections/jira/conflicts');
	// Before hydration the radio is the server-rendered one: a click on it is undone by Svelte.
	await hydrated(page);
	await page.getByRole('radio', { name: /^Manual/ }).check();
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByText('Saved: the next run uses it.')).toBeVisible();

	const { id, key } = await linkedTicket(request, `pl_${uniqueWord('drift')}`);
	// Someone closes the issue in Jira and the webhook never reaches Vigil.
	jira.transitionAs(STANDIN_PEOPLE.marco, key, 'Done');

	// Jira answers slowly, so the run is seen under way: the card says so, not "No run yet".
	jira.failNext({ kind: 'delay', ms: 3000 }, { operation: 'getIssue', times: 2 });
	await page.getByRole('button', { name: 'Reconcile now' }).click();
	await expect(page.getByText('Queued: the run starts in a moment')).toBeVisible();
	await expect(async () => {
		await page.reload();
		await expect(page.getByTestId('reconcile-running')).toContainText('Running: started', {
			timeout: 500
		});
	}).toPass({ timeout: 10_000 });
	await expect(page.getByTestId('reconcile-last-run')).not.toContainText('No run yet');
	const conflict = page.locator(`[data-conflict="${id}"]`);
	// The conflict is stored while the run goes on; the run's summary when it ends.
	await expect(async () => {
		await page.reload();
		await expect(conflict).toBeVisible({ timeout: 1000 });
		await expect(page.getByTestId('reconcile-last-run')).toContainText('Conflicts', {
			timeout: 1000
		});
	}).toPass({ timeout: 20_000 });
	await expect(conflict).toContainText(`Vigil says open, ${key} is Done`);

	await conflict.getByRole('button', { name: /Jira wins/ }).click();
	await expect(page.getByText(`${id} now follows ${key} (Done)`)).toBeVisible();
	await expect(conflict).toHaveCount(0);
	const res = await request.get(`/api/tickets/${encodeURIComponent(id)}`);
	const body = (await res.json()) as {
		ticket: { status: string };
		timeline: { action: string; actor_name: string }[];
	};
	expect(body.ticket.status).toBe('closed');
	expect(body.timeline.map((e) => e.action)).toEqual(
		expect.arrayContaining(['Jira Conflict', 'Resolved', 'Jira Drift Repaired'])
	);
});

test('the admin API refuses bad input naming the problem', async ({ request }) => {
	const policy = await request.put('/api/admin/jira/reconciliation', {
		data: { policy: 'sometimes', everyMinutes: 7 }
	});
	expect(policy.status()).toBe(400);
	const body = (await policy.json()) as {
		error: { details: { field: string; message: string }[] };
	};
	expect(body.error.details).toEqual([
		{ field: 'policy', message: 'must be one of default, jira_wins, vigil_wins, manual' },
		{
			field: 'everyMinutes',
			message: 'must be one of 15, 30, 60, 120, 180, 240, 360, 720, 1440 minutes'
		}
	]);
	const unknown = await request.post('/api/admin/jira/conflicts/999999', {
		data: { side: 'jira' }
	});
	expect(unknown.status()).toBe(404);
	expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe(
		'No Jira conflict 999999'
	);
	const side = await request.post('/api/admin/jira/conflicts/1', { data: { side: 'both' } });
	expect(side.status()).toBe(400);
	expect(((await side.json()) as { error: { details: unknown } }).error.details).toEqual([
		{ field: 'side', message: 'must be jira or vigil: the side that wins' }
	]);
	const project = await request.get('/api/admin/jira/statuses?project=NOPE');
	expect(project.status()).toBe(404);
	expect(((await project.json()) as { error: { message: string } }).error.message).toBe(
		'Jira has no project NOPE this account can see'
	);
});

for (const theme of ['dark', 'light'] as const)
	test(`status mapping and reconciliation pages: ${theme}`, async ({ browser, request }) => {
		// One conflict waiting, so the list shows its choices.
		const { key } = await linkedTicket(request, `pl_${uniqueWord('shot')}`);
		jira.transitionAs(STANDIN_PEOPLE.priya, key, 'In Progress');
		const run = await request.post('/api/admin/jira/reconciliation/run');
		expect(run.status()).toBe(202);
		const context = await themedAdminContext(browser, theme);
		try {
			const page = await context.newPage();
			await page.goto('/admin/connections/jira/statuses');
			await expect(page.locator('[data-status="Done"]')).toBeVisible();
			await screenshotBoth(page, 'jira-statuses', theme);
			await expect(async () => {
				await page.goto('/admin/connections/jira/conflicts');
				await expect(page.getByText(`${key}`).first()).toBeVisible({ timeout: 1000 });
			}).toPass({ timeout: 20_000 });
			await screenshotBoth(page, 'jira-conflicts', theme);
		} finally {
			await context.close();
		}
	});
