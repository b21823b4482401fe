/**
 * Full-page screenshots of the main pages at desktop and phone widths, dark and
 * light, for people to look at (kept as CI artifacts): test-results/screenshots/.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import {
	DESKTOP,
	PHONE,
	postGeneric,
	postWebhook,
	screenshotBoth,
	SCREENSHOTS,
	ticketAction,
	type Endpoint
} from './support.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../support/fixtures');
const ENDPOINT_OF: Record<string, Endpoint> = {
	'azure-monitor': 'azure-monitor',
	databricks: 'databricks',
	generic: 'generic'
};

/** Every webhook fixture (not the Jobs API answers), the firing alert before its "resolved". */
async function fixtureBodies(): Promise<{ endpoint: Endpoint; body: unknown }[]> {
	const out: { endpoint: Endpoint; body: unknown }[] = [];
	for (const [dir, endpoint] of Object.entries(ENDPOINT_OF)) {
		const names = (await readdir(path.join(FIXTURES, dir)))
			.filter((f) => f.endsWith('.json') && !f.startsWith('runs-get'))
			.sort((a, b) => Number(a.includes('resolved')) - Number(b.includes('resolved')));
		for (const name of names)
			out.push({
				endpoint,
				body: JSON.parse(await readFile(path.join(FIXTURES, dir, name), 'utf8'))
			});
	}
	return out;
}

/** Too long for a phone's line: it must wrap between its words, never inside one. */
const LONG_NAME = 'pl_customer_dimension_incremental_load_eu_west_nightly.merge_scd2_history';

const EXTRA = [
	{
		pipeline: 'dag_finance_close.reconcile_gl',
		error_message:
			"Self-hosted integration runtime 'shir-finance-01' is offline: the copy activity could not start",
		labels: { team: 'finance-data' }
	},
	{
		pipeline: 'dbt_core.stg_orders',
		error_message:
			'Compilation Error in model stg_orders (models/staging/stg_orders.sql)\n  Model depends on a source named raw.orders_v2 which was not found'
	},
	{
		pipeline: 'spark_features.customer_embeddings',
		error_message:
			'java.lang.OutOfMemoryError: Java heap space at org.apache.spark.sql.execution.SparkPlan.executeCollect'
	},
	{
		pipeline: 'dag_crm_sync.push_salesforce',
		error_message: 'Operation timed out after 3600 seconds waiting for the Bulk API job'
	},
	{
		pipeline: LONG_NAME,
		error_message: 'Operation timed out after 3600 seconds waiting for the Bulk API job'
	}
] as const;

/**
 * About a dozen tickets from every source, some acknowledged, some resolved.
 * Returns the ticket the detail screenshot shows: known cause, acknowledged.
 */
async function seed(request: APIRequestContext): Promise<string> {
	const fromFixtures: string[] = [];
	for (const { endpoint, body } of await fixtureBodies()) {
		const id = await postWebhook(request, endpoint, body);
		if (id && !fromFixtures.includes(id)) fromFixtures.push(id);
	}
	const extra: string[] = [];
	for (const alert of EXTRA) extra.push(await postGeneric(request, alert));
	const [, acknowledged, resolved, both] = fromFixtures;
	// EXTRA[1], the dbt failure, is the ticket the detail screenshot shows.
	const detail = extra[1];
	if (!acknowledged || !resolved || !both || !detail)
		throw new Error('seeding made too few tickets');
	await ticketAction(request, acknowledged, 'acknowledge');
	await ticketAction(request, resolved, 'resolve');
	await ticketAction(request, both, 'acknowledge');
	await ticketAction(request, both, 'resolve');
	await ticketAction(request, detail, 'acknowledge');
	return detail;
}

let detailId = '';
test.beforeAll(async ({ request }) => {
	detailId = await seed(request);
});

for (const theme of ['dark', 'light'] as const)
	test(`screenshots of board, ticket, audit and analytics: ${theme}`, async ({
		page,
		context,
		baseURL
	}) => {
		if (theme === 'light')
			await context.addCookies([{ name: 'vigil_theme', value: 'light', url: baseURL }]);
		// Chart.js animates for a second after drawing (and after a resize): a fake clock
		// plays that to the end instead of a sleep.
		await page.clock.install();
		await page.setViewportSize(DESKTOP);

		await page.goto('/');
		await expect(page.getByTestId('connection-indicator')).toHaveAttribute('data-state', 'live', {
			timeout: 15_000
		});
		await expect(page.getByTestId('ticket-card').first()).toBeVisible();
		if (theme === 'dark') await expect(page.locator('html')).toHaveClass(/dark/);
		else await expect(page.locator('html')).not.toHaveClass(/dark/);
		await screenshotBoth(page, 'board', theme);

		await page.goto(`/tickets/${detailId}`);
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		await page.waitForLoadState('networkidle');
		await screenshotBoth(page, 'ticket', theme);

		await page.goto('/audit');
		await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
		await page.waitForLoadState('networkidle');
		await screenshotBoth(page, 'audit', theme);

		await page.goto('/analytics');
		await expect(page.locator('canvas').first()).toBeVisible();
		await page.waitForLoadState('networkidle');
		await screenshotBoth(page, 'analytics', theme, { settle: () => page.clock.runFor(2000) });
	});

test('a long pipeline name wraps between its words on a phone, never inside one', async ({
	page
}) => {
	await page.setViewportSize(PHONE);
	for (const url of [`/?q=${encodeURIComponent(LONG_NAME)}`, null]) {
		if (url) await page.goto(url);
		else await page.getByRole('link', { name: LONG_NAME }).first().click();
		const name = url
			? page.getByTestId('ticket-card').getByRole('link', { name: LONG_NAME })
			: page.getByRole('heading', { level: 1 });
		await expect(name).toHaveText(LONG_NAME);
		// Each word (the text between two break points) sits on one line, and the name as a
		// whole takes more than one: it wrapped, and only at a separator.
		const lines = await name.evaluate((el) => {
			const words: number[] = [];
			const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
			for (let n = walker.nextNode(); n; n = walker.nextNode()) {
				if (!n.textContent?.trim()) continue;
				const range = document.createRange();
				range.selectNodeContents(n);
				const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
				words.push(tops.size);
			}
			return { words, height: el.getBoundingClientRect().height };
		});
		expect(lines.words.length).toBeGreaterThan(5);
		expect(lines.words.every((n) => n === 1)).toBe(true);
		expect(lines.height).toBeGreaterThan(40);
		await page.screenshot({ path: `${SCREENSHOTS}/long-name-${url ? 'board' : 'ticket'}-390.png` });
	}
});
