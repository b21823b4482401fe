/**
 * A Databricks notification carries ids, not the error: the ticket page says
 * why its error box is empty (issue #11, item 7) — no connection to fetch it,
 * fetching it now, or why the fetch failed — instead of an empty box.
 */
import { expect, test, type APIRequestContext } from '@playwright/test';
import { startDatabricksStandin, type DatabricksStandin } from '../support/databricks-standin.ts';
import { postWebhook, ticketAction } from './support.ts';

let databricks: DatabricksStandin;
let runSeq = Date.now();
const created: string[] = [];

test.beforeAll(async () => {
	databricks = await startDatabricksStandin();
});
test.afterAll(async ({ request }) => {
	await setConnection(request, null);
	for (const id of created) await ticketAction(request, id, 'resolve').catch(() => undefined);
	await databricks?.close();
});

async function setConnection(request: APIRequestContext, token: string | null) {
	const res = await request.put('/api/admin/connections/databricks', {
		data: { host: databricks.url, token }
	});
	expect(res.ok(), await res.text()).toBe(true);
}

/** A Databricks job failure for a run of its own. */
async function jobFailure(request: APIRequestContext): Promise<string> {
	runSeq += 1;
	const id = await postWebhook(request, 'databricks', {
		event_type: 'jobs.on_failure',
		workspace_id: '4412093817265530',
		run: { run_id: runSeq },
		job: { job_id: 578912345678, name: `nightly_sales_aggregation_${runSeq}` }
	});
	expect(id).toBeTruthy();
	created.push(id!);
	return id!;
}

test('without a connection, the ticket page says nothing can fetch the error', async ({
	page,
	request
}) => {
	await setConnection(request, null);
	const id = await jobFailure(request);
	await page.goto(`/tickets/${id}`);
	const why = page.getByTestId('error-unavailable');
	await expect(why).toContainText(
		'Databricks sends no error text with its notifications, and no Databricks connection was set up to fetch it'
	);
	await expect(why.getByRole('link', { name: 'Connect Databricks' })).toHaveAttribute(
		'href',
		'/admin/connections'
	);
	await expect(page.getByTestId('error-empty')).toHaveCount(0);
});

test('while Databricks is asked, the page says it is fetching; when that fails, it says why, live', async ({
	page,
	request
}) => {
	test.setTimeout(150_000);
	await setConnection(request, databricks.token);
	// The workspace stops answering: the fetch waits until its deadline.
	databricks.failNext({ kind: 'hang' }, 20);
	// The connection reaches every instance's cache on its NOTIFY: wait for a ticket that is fetched.
	let id = '';
	await expect
		.poll(
			async () => {
				id = await jobFailure(request);
				const res = await request.get(`/api/tickets/${id}`);
				return ((await res.json()) as { ticket: { enrichment_status: string | null } }).ticket
					.enrichment_status;
			},
			{ timeout: 20_000 }
		)
		.toBe('pending');
	await page.goto(`/tickets/${id}`);
	await expect(page.getByTestId('error-pending')).toHaveText('Fetching the error from Databricks…');
	const why = page.getByTestId('error-unavailable');
	await expect(why).toContainText('The error could not be fetched from Databricks:', {
		timeout: 120_000
	});
	await expect(page.getByTestId('error-pending')).toHaveCount(0);
});
