import { expect, test, type Page } from '@playwright/test';
import { openLiveBoard } from './support.ts';

/**
 * The Content-Security-Policy (issue #8) must not break the app: every page renders and
 * hydrates, the live feed connects, charts draw, and the browser reports no violation.
 */

function watchViolations(page: Page): string[] {
	const violations: string[] = [];
	page.on('console', (msg) => {
		if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(msg.text()))
			violations.push(msg.text());
	});
	page.on('pageerror', (err) => violations.push(`page error: ${err.message}`));
	return violations;
}

test('pages run under the CSP without a single violation', async ({ page }) => {
	const violations = watchViolations(page);
	await page.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (e) =>
			console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`)
		);
	});
	const response = await page.goto('/');
	expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-/);
	await openLiveBoard(page);
	for (const path of [
		'/analytics',
		'/audit',
		'/profile',
		'/admin',
		'/admin/users',
		'/admin/keys',
		'/admin/rules',
		'/admin/sla',
		'/admin/connections'
	]) {
		await page.goto(path);
		await expect(page.locator('main')).toBeVisible();
	}
	// Client-side navigation too (SvelteKit's router, after hydration).
	await page.goto('/audit');
	await page
		.getByRole('link', { name: /analytics/i })
		.first()
		.click();
	await expect(page).toHaveURL(/\/analytics/);
	await expect(page.locator('canvas').first()).toBeVisible();
	expect(violations).toEqual([]);
});

test('the sign-in page works under the CSP', async ({ browser }) => {
	const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
	const page = await context.newPage();
	const violations = watchViolations(page);
	await page.goto('/login');
	await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
	expect(violations).toEqual([]);
	await context.close();
});
