/**
 * A webhook key's own rate limit, set on the admin keys page in Chromium against the build:
 * a bad value is named beside the field, a good one is shown and holds (429 past it), and
 * "off" lifts it. Screenshots of the keys page at 1440 and 390 px, dark and light.
 */
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { adminState, hydrated, uniqueWord } from './support.ts';

const OUT = 'test-results/screenshots';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

async function send(request: APIRequestContext, key: string, runId: string) {
	return request.post('/api/webhooks/generic', {
		headers: { 'x-api-key': key },
		data: {
			source: 'airflow',
			pipeline: 'dag_limits.load',
			run_id: runId,
			error_message: 'Task exited with return code 1'
		}
	});
}

async function eachTheme(browser: Browser, work: (page: Page, theme: string) => Promise<void>) {
	const baseURL = test.info().project.use.baseURL!;
	for (const theme of ['dark', 'light']) {
		const context = await browser.newContext({ baseURL, storageState: adminState() });
		if (theme === 'light')
			await context.addCookies([{ name: 'vigil_theme', value: 'light', url: baseURL }]);
		try {
			await work(await context.newPage(), theme);
		} finally {
			await context.close();
		}
	}
}

test("an admin sets a key's own rate limit; past it webhooks get 429 with Retry-After; off lifts it", async ({
	page,
	browser,
	request
}) => {
	const name = `limits ${uniqueWord('key')}`;
	const created = await request.post('/api/admin/ingest-keys', { data: { name } });
	expect(created.ok(), await created.text()).toBe(true);
	const { key } = (await created.json()) as { key: string };

	await page.goto('/admin/keys');
	await hydrated(page);
	const row = page.locator('li', { hasText: name });
	const input = row.getByLabel('Rate limit');
	await expect(row).toContainText('Default:');

	await input.fill('fast');
	await row.getByRole('button', { name: 'Save' }).click();
	await expect(row).toContainText('rate_limit must be like 100/s or 6000/min');
	await expect(input).toHaveAttribute('aria-invalid', 'true');

	await input.fill('2 / min');
	await row.getByRole('button', { name: 'Save' }).click();
	await expect(row).toContainText('Own limit 2/min');
	await expect(input).toHaveValue('2/min');

	const word = uniqueWord('limited');
	const answers = [];
	for (let i = 0; i < 3; i++) answers.push(await send(request, key, `${word}-${i}`));
	expect(answers.map((r) => r.status())).toEqual([201, 201, 429]);
	expect(Number(answers[2]!.headers()['retry-after'])).toBeGreaterThanOrEqual(1);
	expect((await answers[2]!.json()).error).toMatchObject({
		code: 'rate_limited',
		details: { limit: '2/min' }
	});

	await eachTheme(browser, async (p, theme) => {
		await p.goto('/admin/keys');
		for (const viewport of [DESKTOP, PHONE]) {
			await p.setViewportSize(viewport);
			await expect(p.locator('li', { hasText: name })).toContainText('Own limit 2/min');
			await expect
				.poll(() => p.evaluate(() => document.documentElement.scrollWidth))
				.toBeLessThanOrEqual(viewport.width);
			await p.screenshot({
				path: `${OUT}/admin-keys-limit-${viewport.width}-${theme}.png`,
				fullPage: true,
				animations: 'disabled'
			});
		}
	});

	await input.fill('off');
	await row.getByRole('button', { name: 'Save' }).click();
	await expect(row).toContainText('No limit for this key');
	expect((await send(request, key, `${word}-after`)).status()).toBe(201);
});
