/**
 * The on-call engineer at 3 a.m. (issue #11): a few hundred open tickets, some
 * breached long ago, a storm of one cause, tickets still arriving while they
 * scroll. The breached ones are the first cards whatever else is open, the
 * header, tabs and connection state stay in view, the New pill covers nothing,
 * nothing on screen says "Offline" while the connection is live, and the board,
 * table, ticket, incident and audit pages are shot at 1440 and 390 px, dark and light.
 */
import { expect, test, type APIRequestContext, type Locator, type Page } from '@playwright/test';
import { E2E } from './env.ts';
import {
	DESKTOP,
	openLiveBoard,
	postGeneric,
	screenshotBoth,
	withSla,
	themedAdminContext,
	ticketCard,
	uniqueWord
} from './support.ts';

test.describe.configure({ mode: 'serial' });

const word = uniqueWord('night');
const ERRORS = [
	`Self-hosted integration runtime 'shir-${word}' is offline: the copy activity could not start`,
	'java.lang.OutOfMemoryError: Java heap space',
	'Login failed for user etl_svc',
	'Task exited with return code 1',
	'Disk quota exceeded: No space left on device'
];
/** Tickets past their SLA, oldest first (so the longest breached). */
const breached: string[] = [];
const created: string[] = [];
let incidentId = '';

async function post(request: APIRequestContext, pipeline: string, error_message: string) {
	const id = await postGeneric(request, { pipeline, error_message });
	created.push(id);
	return id;
}

/** One webhook of the storm; a 503 (nothing stored) is sent again, as a scheduler would. */
async function stormDelivery(request: APIRequestContext, i: number): Promise<string> {
	for (let attempt = 0; ; attempt++) {
		const res = await request.post('/api/webhooks/generic', {
			headers: { 'x-api-key': E2E.ingestKey },
			data: {
				source: 'airflow',
				pipeline: `storm_${word}.copy_${i % 7}`,
				run_id: uniqueWord('storm-'),
				error_message: `Operation on target Copy_${i} failed: The Self-hosted integration runtime 'shir-storm-${word}' is offline.`
			}
		});
		if (res.status() === 503 && attempt < 20) {
			await new Promise((r) => setTimeout(r, 1500));
			continue;
		}
		expect(res.status(), await res.text()).toBe(201);
		return ((await res.json()) as { ticket_id: string }).ticket_id;
	}
}

test.beforeAll(async ({ request }) => {
	test.setTimeout(300_000);
	// Five tickets with a one-minute SLA, a second apart: they breach in this order.
	await withSla(request, 60, async () => {
		for (let i = 0; i < 5; i++) {
			breached.push(await post(request, `late_${word}.load_${i}`, ERRORS[i % ERRORS.length]!));
			await new Promise((r) => setTimeout(r, 1000));
		}
	});
	// A few hundred more on the normal SLA, newer than the breached ones.
	for (let batch = 0; batch < 12; batch++)
		await Promise.all(
			Array.from({ length: 20 }, (_, i) =>
				post(
					request,
					`ops_${word}.step_${batch}_${i}`,
					ERRORS[(batch + i) % ERRORS.length]!.replace('shir-', `shir-${batch}-${i}-`)
				)
			)
		);
	// A storm of one cause, grouped into one incident.
	const on = await request.put('/api/admin/incident-grouping', {
		data: { enabled: true, keys: ['resource', 'fingerprint'], window_minutes: 10 }
	});
	expect(on.ok(), await on.text()).toBe(true);
	try {
		const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => stormDelivery(request, i)));
		created.push(...ids);
	} finally {
		await request.put('/api/admin/incident-grouping', {
			data: { enabled: false, keys: ['resource', 'fingerprint'], window_minutes: 10 }
		});
	}
	const storm = await request.get(`/api/tickets?q=storm_${word}&children=hide&limit=5`);
	const incidents = ((await storm.json()) as { items: { id: string }[] }).items;
	expect(incidents).toHaveLength(1);
	incidentId = incidents[0]!.id;
	// The server's breach timers mark the five (a minute and a little after they were created).
	await expect
		.poll(
			async () => {
				const res = await request.get(`/api/tickets?q=late_${word}&limit=10`);
				const items = (await res.json()) as { items: { sla_status: string }[] };
				return items.items.filter((t) => t.sla_status === 'Breached').length;
			},
			{ timeout: 120_000, intervals: [2000] }
		)
		.toBe(5);
});

test.afterAll(async ({ request }) => {
	test.setTimeout(120_000);
	await request.put('/api/preferences', { data: { board_layout: 'cards' } });
	// Resolving the incident resolves its failures; the open tab is left as it was.
	const ids = [...new Set([incidentId, ...created])].filter(Boolean);
	for (let i = 0; i < ids.length; i += 100)
		await request.post('/api/tickets/bulk', {
			data: { action: 'resolve', ids: ids.slice(i, i + 100), note: 'e2e tidy-up' }
		});
});

const cardOrder = (page: Page) =>
	page
		.getByTestId('ticket-card')
		.evaluateAll((els) => els.map((e) => e.getAttribute('data-ticket-id')));

function overlaps(a: { x: number; y: number; width: number; height: number }, b: typeof a) {
	return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

async function box(l: Locator) {
	const b = await l.boundingBox();
	expect(b, 'on screen').not.toBeNull();
	return b!;
}

test('with 250 open tickets and a storm, the breached ones are the first cards, longest breached first', async ({
	page,
	request
}) => {
	test.setTimeout(180_000);
	await page.setViewportSize(DESKTOP);
	await openLiveBoard(page, `/?q=${word}`);
	await expect(page.getByTestId('sort')).toHaveValue('urgency');
	await expect.poll(async () => (await cardOrder(page)).slice(0, 5)).toEqual(breached);
	for (const id of breached)
		await expect(ticketCard(page, id).getByRole('timer')).toHaveAttribute('data-state', 'red');
	// They were the oldest: newest first, they would sit behind "Load more".
	await expect(page.getByRole('button', { name: 'Load more' })).toBeVisible();
	expect(await page.title()).toMatch(/^\(\d+ breached\) SLA board · Vigil$/);

	// The storm of forty is one card, at its own place in the urgency order.
	const storm = await page.context().newPage();
	await openLiveBoard(storm, `/?q=storm_${word}`);
	await expect.poll(() => cardOrder(storm)).toEqual([incidentId]);
	await storm.close();

	// Live, nothing reads "Offline": the classifier marker says Rule-based.
	await expect(page.getByTestId('connection-indicator')).toHaveAttribute('data-state', 'live');
	await expect(page.getByText(/\bOffline\b/)).toHaveCount(0);

	// Scrolled down with the mouse resting on the list, a ticket arrives above.
	await page.evaluate(() => window.scrollTo(0, 2500));
	await page.mouse.move(700, 600);
	/** The card under the mouse and where it is on screen. */
	const underMouse = () =>
		page.evaluate(() => {
			const el = document.elementFromPoint(700, 600)?.closest('[data-ticket-id]');
			return { id: el?.getAttribute('data-ticket-id'), top: el?.getBoundingClientRect().top };
		});
	const before = await underMouse();
	expect(before.id).toBeTruthy();
	const urgent = await withSla(request, 120, () =>
		post(request, `late_${word}.arrived_now`, 'Task exited with return code 1')
	);
	await expect(ticketCard(page, urgent)).toHaveCount(1);
	const header = page.getByTestId('board-header');
	await expect(header).toBeInViewport();
	await expect(page.getByTestId('connection-indicator')).toBeInViewport();
	await expect(page.getByTestId('tab-open')).toBeInViewport();
	const pill = page.getByTestId('new-above');
	await expect(pill).toBeVisible();
	// The pill sits in the header: it covers neither the filters nor the cards' actions.
	const pillBox = await box(pill);
	for (const other of [page.getByTestId('search'), page.getByTestId('sort')]) {
		const b = await other.boundingBox();
		if (b) expect(overlaps(pillBox, b)).toBe(false);
	}
	// The card under the mouse did not move: the new one went in above, out of sight.
	const after = await underMouse();
	expect(after.id).toBe(before.id);
	expect(Math.abs(after.top! - before.top!)).toBeLessThanOrEqual(2);
	await pill.click();
	await expect.poll(() => page.evaluate(() => window.scrollY)).toBeLessThan(40);
	await expect.poll(async () => (await cardOrder(page)).slice(0, 5)).toEqual(breached);
});

for (const theme of ['dark', 'light'] as const)
	test(`3 a.m. screenshots: ${theme}`, async ({ browser }) => {
		test.setTimeout(120_000);
		expect(incidentId, 'the seeding made the incident').toBeTruthy();
		const context = await themedAdminContext(browser, theme);
		try {
			const page = await context.newPage();
			await page.setViewportSize(DESKTOP);
			await openLiveBoard(page, `/?q=${word}`);
			await expect
				.poll(async () => (await cardOrder(page)).slice(0, 5), { timeout: 20_000 })
				.toEqual(breached);
			await screenshotBoth(page, 'oncall-board', theme, { fullPage: false });

			await page.getByTestId('layout-table').click();
			await expect(page.getByTestId('ticket-row').first()).toHaveAttribute(
				'data-ticket-id',
				breached[0]!
			);
			await screenshotBoth(page, 'oncall-table', theme, { fullPage: false });
			await page.getByTestId('layout-cards').click();
			await expect(page.getByTestId('ticket-card').first()).toBeVisible();

			await page.goto(`/tickets/${breached[0]}`);
			await expect(page.getByTestId('connection-indicator')).toHaveAttribute('data-state', 'live');
			await expect(page.getByText(/\bOffline\b/)).toHaveCount(0);
			await screenshotBoth(page, 'oncall-breached-ticket', theme);

			await page.goto(`/tickets/${incidentId}`);
			await expect(page.getByTestId('incident-children').getByRole('listitem')).toHaveCount(39);
			await screenshotBoth(page, 'oncall-incident', theme, { fullPage: false });

			await page.goto(`/audit?q=${word}`);
			await expect(page.getByText('SLA Breached').first()).toBeVisible();
			await screenshotBoth(page, 'oncall-audit', theme, { fullPage: false });
		} finally {
			await context.close();
		}
	});
