/**
 * Recovery at source and the link to the failed run, in Chromium against the build:
 * a success reported by the scheduler badges the card live; retries show as attempts;
 * the run link is on the card and near the top of the ticket page on a phone.
 */
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { E2E } from './env.ts';
import { hydrated, openLiveBoard, postGeneric, ticketCard, uniqueWord } from './support.ts';

const OUT = 'test-results/screenshots';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 900 };

async function post(request: APIRequestContext, body: Record<string, unknown>) {
	const res = await request.post('/api/webhooks/generic', {
		headers: { 'x-api-key': E2E.ingestKey },
		data: { source: 'airflow', ...body }
	});
	expect(res.ok(), await res.text()).toBe(true);
	return (await res.json()) as Record<string, unknown>;
}

async function setGenericMode(request: APIRequestContext, mode: 'off' | 'mark' | 'resolve') {
	const res = await request.put('/api/admin/recovery', { data: { generic: mode } });
	expect(res.ok(), await res.text()).toBe(true);
}

/** A failed run with its run link, retried twice; returns the ticket id and what was sent. */
async function failedTwice(request: APIRequestContext, word: string) {
	const pipeline = `dag_${word}.load_orders`;
	const runId = `scheduled__${word}`;
	const runUrl = `https://airflow.contoso.example/dags/dag_${word}/grid?dag_run_id=${runId}`;
	const id = await postGeneric(request, {
		pipeline,
		run_id: runId,
		error_message: 'Task exited with return code 1: connection reset by peer',
		links: { run: runUrl, dashboard: 'https://grafana.contoso.example/d/orders' }
	});
	const again = await post(request, {
		pipeline,
		run_id: runId,
		error_message: 'Task exited with return code 1: connection reset by peer',
		try_number: 3
	});
	expect(again).toMatchObject({ status: 'attempt_recorded', ticket_id: id, attempt: 3 });
	return { id, pipeline, runId, runUrl };
}

async function expectRunLink(page: Page, scope: ReturnType<Page['locator']>, runUrl: string) {
	const link = scope.getByTestId('run-link');
	await expect(link).toBeVisible();
	await expect(link).toHaveAttribute('href', runUrl);
	await expect(link).toHaveAttribute('target', '_blank');
	const rel = (await link.getAttribute('rel')) ?? '';
	expect(rel.split(/\s+/)).toEqual(expect.arrayContaining(['noopener', 'noreferrer']));
	expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
}

test.afterAll(async ({ request }) => {
	await setGenericMode(request, 'mark');
	await request.put('/api/preferences', { data: { board_layout: 'cards' } });
});

test('a success at the source marks the card recovered live, with when and which run', async ({
	page,
	request
}) => {
	await setGenericMode(request, 'mark');
	const word = uniqueWord('rec');
	const { id, pipeline, runUrl } = await failedTwice(request, word);
	await openLiveBoard(page, `/?q=${word}`);
	const card = ticketCard(page, id);
	await expect(card).toBeVisible();
	await expect(card.getByTestId('attempts')).toHaveText('attempt 3');
	await expectRunLink(page, card, runUrl);
	await expect(card.getByTestId('recovered-badge')).toHaveCount(0);

	const answer = await post(request, {
		pipeline,
		run_id: `manual__${word}`,
		status: 'succeeded'
	});
	expect(answer).toEqual({
		status: 'resolved_recorded',
		ticket_id: id,
		recovered: true,
		action: 'marked'
	});
	// Pushed over the socket: no reload, the card stays open and says it recovered.
	const badge = card.getByTestId('recovered-badge');
	await expect(badge).toBeVisible();
	await expect(badge).toContainText('Recovered at source');
	await expect(badge).toHaveAttribute('title', new RegExp(`^Run manual__${word} succeeded · `));
	await expect(card.getByRole('button', { name: 'Acknowledge' })).toBeVisible();

	// The compact table, one line a ticket, has the run link and the recovery too.
	await page.getByTestId('layout-table').click();
	const row = page.locator(`[data-testid="ticket-row"][data-ticket-id="${id}"]`);
	await expectRunLink(page, row, runUrl);
	await expect(row.getByTestId('recovered-badge')).toHaveCount(1);
	await page.getByTestId('layout-cards').click();
	await expect(card).toBeVisible();

	// A success with nothing to match is answered, never a ticket.
	const none = await post(request, {
		pipeline: `dag_${word}_never_failed`,
		run_id: 'manual__1',
		status: 'succeeded'
	});
	expect(none).toMatchObject({ recovered: false, ticket_id: null });
	await expect(page.getByTestId('ticket-card')).toHaveCount(1);

	for (const theme of ['dark', 'light'] as const) {
		await page.emulateMedia({ colorScheme: theme });
		await page.evaluate(
			(t) => document.documentElement.classList.toggle('dark', t === 'dark'),
			theme
		);
		for (const viewport of [DESKTOP, PHONE]) {
			await page.setViewportSize(viewport);
			await page.screenshot({
				path: `${OUT}/recovery-board-${viewport.width}-${theme}.png`,
				animations: 'disabled'
			});
		}
	}
});

test('the ticket page shows the run link near the top at 390 px, the attempt and the recovery', async ({
	page,
	request
}) => {
	await setGenericMode(request, 'resolve');
	const word = uniqueWord('rec');
	const { id, pipeline, runUrl } = await failedTwice(request, word);
	await post(request, { pipeline, run_id: `manual__${word}`, status: 'succeeded' });

	await page.setViewportSize(PHONE);
	await page.goto(`/tickets/${id}`);
	const header = page.locator('header.card');
	await expectRunLink(page, header, runUrl);
	// Visible without scrolling on a phone.
	const box = await header.getByTestId('run-link').boundingBox();
	expect(box).not.toBeNull();
	expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);
	expect(await page.evaluate(() => window.scrollY)).toBe(0);
	await expect(header.getByTestId('attempts')).toHaveText('attempt 3');
	await expect(header.getByTestId('recovered-badge')).toBeVisible();
	await expect(header.getByText('Closed', { exact: true })).toBeVisible();
	// The timeline says the source resolved it and which run succeeded.
	const summaries = page.getByTestId('timeline-summary');
	await expect(summaries.filter({ hasText: 'Recovered at source' })).toHaveText(
		`Recovered at source: run manual__${word} succeeded`
	);
	await expect(summaries.filter({ hasText: 'Attempt' })).toHaveText('Attempt 3 failed');

	for (const theme of ['dark', 'light'] as const) {
		await page.evaluate(
			(t) => document.documentElement.classList.toggle('dark', t === 'dark'),
			theme
		);
		for (const viewport of [DESKTOP, PHONE]) {
			await page.setViewportSize(viewport);
			await page.screenshot({
				path: `${OUT}/recovery-ticket-${viewport.width}-${theme}.png`,
				animations: 'disabled'
			});
		}
	}
});

test('the admin chooses per source what a success does', async ({ page, request }) => {
	await setGenericMode(request, 'mark');
	await page.goto('/admin/recovery');
	await hydrated(page);
	const generic = page.getByRole('group', { name: 'Generic webhook' });
	await expect(generic.getByRole('radio', { name: /Mark recovered/ })).toBeChecked();
	await generic.getByRole('radio', { name: /Resolve/ }).check();
	await page.getByRole('button', { name: 'Save recovery settings' }).click();
	await expect(page.getByText('Saved.')).toBeVisible();
	const saved = await request.get('/api/admin/recovery');
	expect(await saved.json()).toEqual({
		recovery: { adf: 'mark', databricks: 'mark', generic: 'resolve' }
	});
	const bad = await request.put('/api/admin/recovery', { data: { generic: 'close' } });
	expect(bad.status()).toBe(400);
	expect(await bad.text()).toContain('generic');

	for (const theme of ['dark', 'light'] as const) {
		await page.evaluate(
			(t) => document.documentElement.classList.toggle('dark', t === 'dark'),
			theme
		);
		for (const viewport of [DESKTOP, PHONE]) {
			await page.setViewportSize(viewport);
			await page.screenshot({
				path: `${OUT}/recovery-admin-${viewport.width}-${theme}.png`,
				fullPage: true,
				animations: 'disabled'
			});
		}
	}
});
