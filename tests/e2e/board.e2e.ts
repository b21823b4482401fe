import { expect, test } from '@playwright/test';
import { E2E } from './env.ts';
import {
	adminState,
	countOf,
	expectNotReloaded,
	markDocument,
	openLiveBoard,
	withSla,
	tabCount,
	ticketCard,
	ticketLedger,
	uniqueWord
} from './support.ts';

const tickets = ticketLedger();
test.afterAll(async ({ request }) => tickets.tidy(request));

test('a webhook posted through the API appears on an open board without reload', async ({
	page,
	request
}) => {
	await openLiveBoard(page);
	await markDocument(page);
	const openBefore = await countOf(tabCount(page, 'open'));
	const pipeline = `sales_${uniqueWord('live')}.load_orders`;

	const id = await tickets.post(request, {
		pipeline,
		error_message: "psycopg2.errors.UndefinedTable: relation 'staging.orders' does not exist"
	});

	const card = ticketCard(page, id);
	await expect(card).toBeVisible();
	await expect(card).toContainText(pipeline);
	await expect(card.getByRole('timer')).toHaveAttribute('data-state', 'green');
	await expect(tabCount(page, 'open')).toHaveText(String(openBefore + 1));
	await expectNotReloaded(page);
});

test('acknowledging in one browser moves the card live in another', async ({
	page,
	browser,
	request
}) => {
	const id = await tickets.post(request, {
		pipeline: `finance_${uniqueWord('ack')}.refresh_ledger`,
		error_message: 'Operation timed out after 3600 seconds'
	});
	// Browser B watches both tabs, each in its own page, and never reloads.
	const other = await browser.newContext({
		baseURL: test.info().project.use.baseURL,
		storageState: adminState()
	});
	try {
		const watchOpen = await other.newPage();
		const watchProgress = await other.newPage();
		await Promise.all([
			openLiveBoard(watchOpen),
			openLiveBoard(watchProgress, '/?status=in_progress'),
			openLiveBoard(page)
		]);
		await markDocument(watchOpen);
		await markDocument(watchProgress);
		await expect(ticketCard(watchOpen, id)).toBeVisible();
		await expect(ticketCard(watchProgress, id)).toHaveCount(0);
		const open = await countOf(tabCount(watchOpen, 'open'));
		const inProgress = await countOf(tabCount(watchOpen, 'in_progress'));

		await ticketCard(page, id).getByRole('button', { name: 'Acknowledge' }).click();
		await expect(ticketCard(page, id)).toHaveCount(0);

		await expect(ticketCard(watchOpen, id)).toHaveCount(0);
		await expect(tabCount(watchOpen, 'open')).toHaveText(String(open - 1));
		await expect(tabCount(watchOpen, 'in_progress')).toHaveText(String(inProgress + 1));
		const moved = ticketCard(watchProgress, id);
		await expect(moved).toBeVisible();
		await expect(moved.getByTestId('sla-result')).toHaveAttribute('data-state', 'met');
		await expect(moved.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);
		await expect(tabCount(watchProgress, 'in_progress')).toHaveText(String(inProgress + 1));
		await expectNotReloaded(watchOpen);
		await expectNotReloaded(watchProgress);
	} finally {
		await other.close();
	}
});

test('search narrows the list as you type, lives in the URL and survives a reload', async ({
	page,
	request
}) => {
	const word = uniqueWord('srch');
	const matching = [
		await tickets.post(request, { pipeline: `marketing_${word}.load_google_ads` }),
		await tickets.post(request, { pipeline: `marketing_${word}.load_meta_ads` })
	];
	const unrelated = await tickets.post(request, {
		pipeline: `marketing_${uniqueWord('other')}.load_tiktok_ads`
	});
	await openLiveBoard(page);
	const cards = page.getByTestId('ticket-card');
	await expect(ticketCard(page, unrelated)).toBeVisible();
	const search = page.getByTestId('search');

	// "/" jumps to the search field from anywhere on the board.
	await page.locator('body').press('/');
	await expect(search).toBeFocused();
	await search.pressSequentially(word);

	await expect(cards).toHaveCount(2);
	for (const id of matching) await expect(ticketCard(page, id)).toBeVisible();
	await expect(page).toHaveURL(new RegExp(`[?&]q=${word}(&|$)`));
	await expect(page.getByText('2 tickets match')).toBeVisible();

	await page.reload();
	await expect(search).toHaveValue(word);
	await expect(cards).toHaveCount(2);
	for (const id of matching) await expect(ticketCard(page, id)).toBeVisible();
	await expect(ticketCard(page, unrelated)).toHaveCount(0);
});

test('a viewer sees the board and the ticket, but no buttons to act and no API to act with', async ({
	browser,
	playwright,
	request
}) => {
	const id = await tickets.post(request, {
		pipeline: `ops_${uniqueWord('view')}.nightly_snapshot`
	});
	const baseURL = test.info().project.use.baseURL;
	const viewerApi = await playwright.request.newContext({
		baseURL,
		storageState: { cookies: [], origins: [] }
	});
	const account = {
		email: `${uniqueWord('viewer')}@${E2E.allowedDomain}`,
		password: 'a long enough password'
	};
	const signup = await viewerApi.post('/api/auth/signup', {
		data: { ...account, name: 'Vera Viewer' }
	});
	// Sign-up starts no session since issue #8 (it must not tell who has an account): sign in.
	expect(signup.status(), await signup.text()).toBe(202);
	const login = await viewerApi.post('/api/auth/login', { data: account });
	expect(login.status(), await login.text()).toBe(200);
	const { user } = (await login.json()) as { user: { id: string } };
	const demote = await request.patch(`/api/admin/users/${user.id}`, { data: { role: 'viewer' } });
	expect(demote.ok(), await demote.text()).toBe(true);

	const viewer = await browser.newContext({
		baseURL,
		storageState: await viewerApi.storageState()
	});
	try {
		const page = await viewer.newPage();
		await openLiveBoard(page);
		const card = ticketCard(page, id);
		await expect(card).toBeVisible();
		await expect(card.getByRole('timer')).toBeVisible();
		await expect(page.getByRole('button', { name: 'Acknowledge' })).toHaveCount(0);
		await expect(page.getByRole('button', { name: 'Resolve' })).toHaveCount(0);

		await card.getByRole('link', { name: /ops_/ }).click();
		await expect(page).toHaveURL(new RegExp(`/tickets/${id}$`));
		await expect(page.getByRole('heading', { level: 1 })).toContainText('nightly_snapshot');
		await expect(page.getByRole('button', { name: /Acknowledge|Resolve|Reopen/ })).toHaveCount(0);

		const refused = await viewerApi.post(`/api/tickets/${id}/acknowledge`, { data: {} });
		expect(refused.status()).toBe(403);
	} finally {
		await viewer.close();
		await viewerApi.dispose();
	}
});

test('the Open tab lists what needs a human first: breached on top, live tickets at their place, newest first on request', async ({
	page,
	request
}) => {
	const word = uniqueWord('urgent');
	const post = (tag: string, seconds: number) =>
		withSla(request, seconds, () => tickets.post(request, { pipeline: `ops_${word}.${tag}` }));
	// Created in this order; due in the order soon (1 min), mid (10 min), late (1 h).
	const soon = await post('soon', 60);
	const late = await post('late', 3600);
	const mid = await post('mid', 600);

	// The browser's clock is fake; the server's clock, as the board measures it, moves with it.
	let skipped = 0;
	await page.route('**/api/time', (route) =>
		route.fulfill({ json: { now: Date.now() + skipped }, headers: { 'cache-control': 'no-store' } })
	);
	await page.clock.install();
	await openLiveBoard(page, `/?q=${word}`);
	const order = () =>
		page
			.getByTestId('ticket-card')
			.evaluateAll((els) => els.map((e) => e.getAttribute('data-ticket-id')));
	await expect.poll(order).toEqual([soon, mid, late]);
	await expect(page.getByTestId('sort')).toHaveValue('urgency');

	// A new ticket due in 30 min goes between mid and late, not on top.
	const live = await post('live', 1800);
	await expect.poll(order).toEqual([soon, mid, live, late]);

	// Past its deadline the first one turns red and stays on top.
	skipped += 90_000;
	await page.clock.fastForward(90_000);
	await expect(ticketCard(page, soon).getByRole('timer')).toHaveAttribute('data-state', 'red');
	await expect.poll(order).toEqual([soon, mid, live, late]);

	// Newest first stays a choice, remembered in the URL.
	await page.getByTestId('sort').selectOption('newest');
	await expect(page).toHaveURL(/sort=newest/);
	await expect.poll(order).toEqual([live, mid, late, soon]);
	await page.reload();
	await expect.poll(order).toEqual([live, mid, late, soon]);
});

test('a compact table shows one line a ticket and is remembered for the user on their other browser', async ({
	page,
	request,
	browser
}) => {
	const word = uniqueWord('table');
	const ids = [
		await tickets.post(request, { pipeline: `ops_${word}.first_with_a_rather_long_pipeline_name` }),
		await tickets.post(request, { pipeline: `ops_${word}.second` })
	];
	// The layout belongs to the shared e2e admin: whatever happens, the next tests see cards.
	const other = await browser.newContext({
		baseURL: test.info().project.use.baseURL,
		storageState: { cookies: [], origins: [] },
		// The second machine shows what the server painted: no script, so no local storage either.
		javaScriptEnabled: false,
		viewport: { width: 1440, height: 900 }
	});
	try {
		await page.setViewportSize({ width: 1920, height: 1080 });
		await openLiveBoard(page, `/?q=${word}`);
		await expect(page.getByTestId('layout-cards')).toHaveAttribute('aria-pressed', 'true');
		const saved = page.waitForResponse(
			(r) => r.url().endsWith('/api/preferences') && r.request().method() === 'PUT'
		);
		await page.getByTestId('layout-table').click();
		expect((await saved).status()).toBe(200);
		const rows = page.getByTestId('ticket-row');
		await expect(rows).toHaveCount(2);
		for (const row of await rows.all()) {
			const box = (await row.boundingBox())!;
			// ~25 rows on a 1080p screen: one line, at most 36 px.
			expect(box.height).toBeLessThanOrEqual(36);
		}
		await expect(rows.first()).toHaveAttribute('data-ticket-id', ids[0]!);
		await expect(rows.first().getByRole('timer')).toHaveAttribute('data-state', 'green');
		await page.reload();
		await expect(page.getByTestId('ticket-row')).toHaveCount(2);
		await expect(page.getByTestId('ticket-card')).toHaveCount(0);
		// The header stays in view while scrolled.
		await page.evaluate(() => window.scrollTo(0, 400));
		await expect(page.getByTestId('board-header')).toBeInViewport();
		// On a phone the long pipeline name is cut short inside its cell, never drawn under the next.
		await page.setViewportSize({ width: 390, height: 844 });
		const first = page.getByTestId('ticket-row').first();
		const name = first.getByRole('link', { name: /first_with_a_rather_long/ });
		const ack = first.getByRole('button', { name: /^Acknowledge/ });
		await expect
			.poll(async () => {
				const [n, a] = [await name.boundingBox(), await ack.boundingBox()];
				return n && a ? n.x + n.width <= a.x : false;
			})
			.toBe(true);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
			390
		);
		await page.setViewportSize({ width: 1920, height: 1080 });

		// The same person on another machine: a session of its own, nothing shared but the account.
		const signIn = await other.request.post('/api/auth/login', { data: E2E.admin });
		expect(signIn.ok(), await signIn.text()).toBe(true);
		const laptop = await other.newPage();
		await laptop.goto(`/?q=${word}`);
		await expect(laptop.getByTestId('ticket-row')).toHaveCount(2);
		await expect(laptop.getByTestId('ticket-card')).toHaveCount(0);

		// Back to cards here: the other machine follows on its next load.
		await page.getByTestId('layout-cards').click();
		await expect(page.getByTestId('ticket-card')).toHaveCount(2);
		await expect
			.poll(async () => {
				await laptop.reload();
				return laptop.getByTestId('ticket-card').count();
			})
			.toBe(2);
	} finally {
		await other.close();
		await request.put('/api/preferences', { data: { board_layout: 'cards' } });
	}
});
