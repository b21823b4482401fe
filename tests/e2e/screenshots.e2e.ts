/**
 * Full-page screenshots of the main pages at desktop and phone widths, dark and
 * light, for people to look at (kept as CI artifacts): test-results/screenshots/.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { postGeneric, postWebhook, ticketAction, type Endpoint } from './support.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../support/fixtures');
const OUT = 'test-results/screenshots';
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
			out.push({ endpoint, body: JSON.parse(await readFile(path.join(FIXTURES, dir, name), 'utf8')) });
	}
	return out;
}

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
	}
] as const;

/** About a dozen tickets from every source, some acknowledged, some resolved. Returns one rich ticket. */
async function seed(request: APIRequestContext): Promise<string> {
	const ids: string[] = [];
	for (const { endpoint, body } of await fixtureBodies()) {
		const id = await postWebhook(request, endpoint, body);
		if (id && !ids.includes(id)) ids.push(id);
	}
	for (const alert of EXTRA) ids.push(await postGeneric(request, alert));
	const [detail, ...rest] = ids;
	await ticketAction(request, rest[0], 'acknowledge');
	await ticketAction(request, rest[1], 'acknowledge');
	await ticketAction(request, rest[2], 'resolve');
	await ticketAction(request, rest[3], 'acknowledge');
	await ticketAction(request, rest[3], 'resolve');
	return detail;
}

let detailId = '';
test.beforeAll(async ({ request }) => {
	detailId = await seed(request);
});

async function shoot(page: Page, name: string): Promise<void> {
	const width = page.viewportSize()?.width ?? 0;
	const theme = (await page.locator('html').getAttribute('class'))?.includes('dark')
		? 'dark'
		: 'light';
	await page.screenshot({
		path: `${OUT}/${name}-${width}-${theme}.png`,
		fullPage: true,
		animations: 'disabled'
	});
}

for (const theme of ['dark', 'light'] as const)
	for (const viewport of [
		{ width: 1440, height: 900 },
		{ width: 390, height: 844 }
	])
		test(`screenshots: ${theme}, ${viewport.width} px`, async ({ page, context, baseURL }) => {
			await page.setViewportSize(viewport);
			if (theme === 'light')
				await context.addCookies([{ name: 'vigil_theme', value: 'light', url: baseURL }]);
			const html = page.locator('html');

			await page.goto('/');
			await expect(page.getByTestId('connection-indicator')).toHaveAttribute('data-state', 'live', {
				timeout: 15_000
			});
			await expect(page.getByTestId('ticket-card').first()).toBeVisible();
			if (theme === 'dark') await expect(html).toHaveClass(/dark/);
			else await expect(html).not.toHaveClass(/dark/);
			await shoot(page, 'board');

			await page.goto(`/tickets/${detailId}`);
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
			await page.waitForLoadState('networkidle');
			await shoot(page, 'ticket');

			await page.goto('/audit');
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
			await page.waitForLoadState('networkidle');
			await shoot(page, 'audit');

			await page.goto('/analytics');
			await expect(page.locator('canvas').first()).toBeVisible();
			await page.waitForLoadState('networkidle');
			// Chart.js animates for a second after drawing.
			await page.waitForTimeout(1200);
			await shoot(page, 'analytics');
		});
