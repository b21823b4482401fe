import { expect, test, type Locator } from '@playwright/test';
import { withSla, ticketAction, ticketCard, ticketLedger, uniqueWord } from './support.ts';

const tickets = ticketLedger();
test.afterAll(async ({ request }) => tickets.tidy(request));

/** "SLA 2:57 left" → 177; "SLA Breached +1:05" → -65 (seconds past the deadline). */
async function secondsLeft(timer: Locator): Promise<number> {
	const label = (await timer.getAttribute('aria-label')) ?? '';
	const m = /(\+)?(?:(\d+):)?(\d+):(\d{2})/.exec(label);
	expect(m, `timer label "${label}"`).not.toBeNull();
	const [, past, h, min, s] = m as RegExpExecArray;
	const total = Number(h ?? 0) * 3600 + Number(min) * 60 + Number(s);
	return past ? -total : total;
}

const background = (el: Locator) => el.evaluate((e) => getComputedStyle(e).backgroundColor);

test('the SLA timer ticks every second, turns yellow in the last 25 % of its SLA, then red and counts up', async ({
	page,
	request
}) => {
	// A three-minute SLA for this ticket only: tickets keep the deadline they were created with.
	const id = await withSla(request, 180, () =>
		tickets.post(request, { pipeline: `billing_${uniqueWord('sla')}.refresh_invoices` })
	);

	// The browser's clock is fake; the server's clock, as the board measures it, moves with it.
	let skipped = 0;
	await page.route('**/api/time', (route) =>
		route.fulfill({ json: { now: Date.now() + skipped }, headers: { 'cache-control': 'no-store' } })
	);
	const skip = async (ms: number) => {
		skipped += ms;
		await page.clock.fastForward(ms);
	};
	await page.clock.install();
	await page.goto('/');
	const timer = ticketCard(page, id).getByRole('timer');

	await expect(timer).toHaveAttribute('data-state', 'green');
	await expect(timer).toHaveAttribute('aria-label', /^SLA \d+:\d{2} left$/);
	const green = await background(timer);
	const start = await secondsLeft(timer);
	expect(start).toBeGreaterThan(120);
	expect(start).toBeLessThanOrEqual(180);
	await page.clock.runFor(1000);
	await expect.poll(() => secondsLeft(timer)).toBeLessThan(start);
	// One second of clock, plus whatever real time the assertions took.
	expect(start - (await secondsLeft(timer))).toBeLessThanOrEqual(5);

	// Under two minutes left but more than a quarter of the three-minute SLA: still green.
	await skip(70_000);
	await expect.poll(() => secondsLeft(timer)).toBeLessThanOrEqual(120);
	expect(await secondsLeft(timer)).toBeGreaterThan(45);
	await expect(timer).toHaveAttribute('data-state', 'green');

	// The last 25 % of 180 s: 45 s.
	await skip(70_000);
	await expect(timer).toHaveAttribute('data-state', 'yellow');
	const left = await secondsLeft(timer);
	expect(left).toBeGreaterThan(0);
	expect(left).toBeLessThanOrEqual(45);
	const yellow = await background(timer);

	await skip(120_000);
	await expect(timer).toHaveAttribute('data-state', 'red');
	await expect(timer).toHaveAttribute('aria-label', /^SLA Breached \+\d+:\d{2}$/);
	const red = await background(timer);
	const late = -(await secondsLeft(timer));
	expect(late).toBeGreaterThan(0);
	await page.clock.runFor(2000);
	await expect.poll(async () => -(await secondsLeft(timer))).toBeGreaterThanOrEqual(late + 2);

	expect(new Set([green, yellow, red]).size, 'three distinct colours').toBe(3);
});

test('a cut socket shows on the indicator, the board polls every 15 s, and goes live again', async ({
	page,
	request
}) => {
	let cut = true;
	await page.routeWebSocket(/\/socket\.io\//, (ws) => {
		if (cut) void ws.close();
		else ws.connectToServer();
	});
	// Socket.IO's long-polling transport goes down with the WebSocket.
	await page.route(/\/socket\.io\//, (route) => (cut ? route.abort() : route.fallback()));
	await page.clock.install();
	await page.goto('/');
	const indicator = page.getByTestId('connection-indicator');
	await expect(indicator).toHaveAttribute('data-state', 'reconnecting');

	// A few seconds of trying, then the board says so and falls back to polling.
	await page.clock.fastForward(5000);
	await expect(indicator).toHaveAttribute('data-state', 'polling');
	await expect(indicator).toContainText('polling');

	const id = await tickets.post(request, { pipeline: `hr_${uniqueWord('poll')}.sync_workday` });
	const polled = page.waitForResponse((r) => r.url().includes('/api/tickets?') && r.ok());
	await page.clock.fastForward(15_000);
	await polled;
	await expect(ticketCard(page, id)).toBeVisible();

	cut = false;
	// Past Socket.IO's reconnection back-off (at most 5 s plus jitter).
	await page.clock.fastForward(8000);
	await expect(indicator).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
	await expect(indicator).toContainText('Live');
});

test('the ticket page survives a network drop and a server that is down, and catches up after', async ({
	page,
	request
}) => {
	const pipeline = `crm_${uniqueWord('drop')}.sync_accounts`;
	const id = await tickets.post(request, { pipeline });
	let down = false;
	await page.routeWebSocket(/\/socket\.io\//, (ws) => {
		if (down) void ws.close();
		else ws.connectToServer();
	});
	// Everything the page could ask for fails as during a restart: socket, API, page data.
	await page.route(/\/socket\.io\/|\/api\/|__data\.json/, (route) =>
		down ? route.abort('connectionrefused') : route.fallback()
	);
	await page.clock.install();
	await page.goto(`/tickets/${id}`);
	const indicator = page.getByTestId('connection-indicator');
	await expect(indicator).toHaveAttribute('data-state', 'live', { timeout: 15_000 });
	const heading = page.getByRole('heading', { level: 1, name: pipeline });
	await expect(heading).toBeVisible();

	down = true;
	await page.evaluate(() => {
		(window as unknown as { __e2eMark?: boolean }).__e2eMark = true;
	});
	await page.context().setOffline(true);
	await page.clock.fastForward(5000);
	await page.context().setOffline(false);
	// Several polls while the server is still away: each fails quietly.
	for (let i = 0; i < 3; i++) await page.clock.fastForward(15_000);
	await expect(indicator).toHaveAttribute('data-state', 'polling');
	await expect(heading).toBeVisible();
	expect(page.url()).toContain(`/tickets/${id}`);

	// Back up: what happened meanwhile shows without a reload.
	down = false;
	await ticketAction(request, id, 'acknowledge');
	await page.clock.fastForward(16_000);
	await expect(page.getByText('In progress', { exact: true }).first()).toBeVisible({
		timeout: 15_000
	});
	await expect(heading).toBeVisible();
	const marked = await page.evaluate(
		() => (window as unknown as { __e2eMark?: boolean }).__e2eMark === true
	);
	expect(marked, 'the page was reloaded').toBe(true);
});
