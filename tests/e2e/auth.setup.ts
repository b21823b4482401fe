import { expect, test as setup } from '@playwright/test';
import { E2E } from './env.ts';

/** Signs in once per lane through the real form; the lane's tests reuse the session. */
setup('sign in as admin', async ({ page }) => {
	await page.goto('/');
	await expect(page).toHaveURL(/\/login/);
	// Hydration resets fields typed into before it, so the form would post an empty e-mail.
	await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
	await page.getByLabel('E-mail').fill(E2E.admin.email);
	await page.getByLabel('Password').fill(E2E.admin.password);
	await expect(page.getByLabel('E-mail')).toHaveValue(E2E.admin.email);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/$/);
	const { adminState } = setup.info().project.metadata as { adminState: string };
	await page.context().storageState({ path: adminState });
});
