import { expect, test, type Page } from '@playwright/test';
import { E2E } from './env.ts';

/** Typing before hydration is lost when Svelte hydrates the form: wait for the app first. */
async function ready(page: Page): Promise<void> {
	await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
}

test.describe('accounts', () => {
	test.use({ storageState: { cookies: [], origins: [] } });

	test('sign-up is refused for a foreign domain and works for the allowed one', async ({
		page
	}) => {
		await page.goto('/signup');
		await ready(page);
		await page.getByLabel('Name').fill('Mallory');
		await page.getByLabel('Work e-mail').fill('mallory@evil.example');
		await page.getByLabel(/Password/).fill('a long enough password');
		await page.getByRole('button', { name: 'Create account' }).click();
		await expect(page.getByRole('alert')).toContainText(`@${E2E.allowedDomain}`);
		await expect(page).toHaveURL(/\/signup/);

		// Sign-up answers the same whether or not the address had an account (issue #8), so it
		// starts no session: the new account signs in next.
		const email = `sam.${Date.now()}@${E2E.allowedDomain}`;
		await page.getByLabel('Work e-mail').fill(email);
		await page.getByLabel(/Password/).fill('a long enough password');
		await page.getByRole('button', { name: 'Create account' }).click();
		await expect(page).toHaveURL(/\/login\?signed_up=1$/);
		await ready(page);
		await expect(page.getByRole('status')).toContainText('sign in with it');
		await page.getByLabel('E-mail').fill(email);
		await page.getByLabel('Password').fill('a long enough password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page).toHaveURL(/\/$/);
	});

	test('sign-up refuses a trivial password', async ({ page }) => {
		await page.goto('/signup');
		await ready(page);
		await page.getByLabel('Work e-mail').fill(`kim.${Date.now()}@${E2E.allowedDomain}`);
		await page.getByLabel(/Password/).fill('            ');
		await page.getByRole('button', { name: 'Create account' }).click();
		await expect(page.getByRole('alert')).toHaveText('password cannot be only spaces');
	});

	test('a wrong password is refused; pages redirect to log-in', async ({ page }) => {
		await page.goto('/audit');
		await expect(page).toHaveURL(/\/login\?next=%2Faudit/);
		await ready(page);
		await page.getByLabel('E-mail').fill(E2E.admin.email);
		await page.getByLabel('Password').fill('wrong password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('alert')).toHaveText('E-mail or password is wrong.');
		await page.getByLabel('Password').fill(E2E.admin.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page).toHaveURL(/\/audit$/);
	});
});
