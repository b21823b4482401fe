import {
	expect,
	test,
	type APIRequestContext,
	type Browser,
	type Locator,
	type Page
} from '@playwright/test';
import { E2E } from './env.ts';

/**
 * Where auth.setup.ts saved the admin session of this test's lane (each lane has its own
 * server and database, so its own session; playwright.config.ts sets it per project).
 */
export function adminState(): string {
	const state = test.info().project.use.storageState;
	if (typeof state !== 'string') throw new Error('this project has no admin session file');
	return state;
}

export type Endpoint = 'generic' | 'azure-monitor' | 'databricks';
export type Action = 'acknowledge' | 'resolve' | 'reopen';
export type SlaPolicy = Record<'P1' | 'P2' | 'P3' | 'P4', number>;

let seq = 0;

/**
 * A lowercase word no other ticket of this run (or an earlier run on the same
 * database) contains: a fresh dedup key, and a search term that matches only
 * the tickets a test made.
 */
export function uniqueWord(prefix = 'e2e'): string {
	seq += 1;
	const rand = Math.random().toString(36).slice(2, 7);
	return `${prefix}${Date.now().toString(36)}${seq}${rand}`;
}

/** Posts a webhook as a scheduler would; returns the ticket id (created or deduplicated). */
export async function postWebhook(
	request: APIRequestContext,
	endpoint: Endpoint,
	body: unknown
): Promise<string | null> {
	const res = await request.post(`/api/webhooks/${endpoint}`, {
		headers: { 'x-api-key': E2E.ingestKey },
		data: body
	});
	expect(res.ok(), `POST /api/webhooks/${endpoint}: ${await res.text()}`).toBe(true);
	return ((await res.json()) as { ticket_id: string | null }).ticket_id;
}

export interface GenericAlert {
	pipeline: string;
	error_message?: string;
	run_id?: string;
	source?: string;
	labels?: Record<string, string>;
	links?: Record<string, string>;
}

/** Posts Vigil's generic webhook; fails the test unless a new ticket was created. */
export async function postGeneric(
	request: APIRequestContext,
	alert: GenericAlert
): Promise<string> {
	const res = await request.post('/api/webhooks/generic', {
		headers: { 'x-api-key': E2E.ingestKey },
		data: {
			source: 'airflow',
			run_id: uniqueWord('run-'),
			error_message: 'Task exited with return code 1',
			...alert
		}
	});
	expect(res.status(), await res.text()).toBe(201);
	return ((await res.json()) as { ticket_id: string }).ticket_id;
}

/** POST /api/tickets/{id}/{action} with the request context's session. */
export async function ticketAction(
	request: APIRequestContext,
	id: string,
	action: Action
): Promise<void> {
	const res = await request.post(`/api/tickets/${encodeURIComponent(id)}/${action}`, { data: {} });
	expect(res.ok(), `${action} ${id}: ${await res.text()}`).toBe(true);
}

/** Replaces the SLA policy (admin); returns the one it replaced. */
export async function setSlaPolicy(
	request: APIRequestContext,
	policy: SlaPolicy
): Promise<SlaPolicy> {
	const before = await request.get('/api/admin/sla-policy');
	expect(before.ok(), await before.text()).toBe(true);
	const res = await request.put('/api/admin/sla-policy', { data: policy });
	expect(res.ok(), await res.text()).toBe(true);
	return ((await before.json()) as { policy: SlaPolicy }).policy;
}

/**
 * Runs `work` with every priority's SLA at `seconds`, then puts the policy back whatever
 * happens: the tickets made meanwhile keep the deadline they were created with.
 */
export async function withSla<T>(
	request: APIRequestContext,
	seconds: number,
	work: () => Promise<T>
): Promise<T> {
	const previous = await setSlaPolicy(request, {
		P1: seconds,
		P2: seconds,
		P3: seconds,
		P4: seconds
	});
	try {
		return await work();
	} finally {
		await setSlaPolicy(request, previous);
	}
}

export const ticketCard = (page: Page, id: string): Locator =>
	page.locator(`[data-testid="ticket-card"][data-ticket-id="${id}"]`);

export const tabCount = (page: Page, status: 'open' | 'in_progress' | 'closed'): Locator =>
	page.getByTestId(`tab-${status}`).getByTestId('tab-count');

export async function countOf(locator: Locator): Promise<number> {
	return Number((await locator.innerText()).trim());
}

/** Opens the board and waits until its socket is connected, so what follows arrives live. */
export async function openLiveBoard(page: Page, path = '/'): Promise<void> {
	await page.goto(path);
	await expect(page.getByTestId('connection-indicator')).toHaveAttribute('data-state', 'live', {
		timeout: 15_000
	});
}

/**
 * Marks the document, so a test can tell afterwards that the page was updated
 * in place rather than reloaded (a reload starts a fresh window object).
 */
export async function markDocument(page: Page): Promise<void> {
	await page.evaluate(() => {
		(window as unknown as { __e2eMark?: boolean }).__e2eMark = true;
	});
}

export async function expectNotReloaded(page: Page): Promise<void> {
	const marked = await page.evaluate(
		() => (window as unknown as { __e2eMark?: boolean }).__e2eMark === true
	);
	expect(marked, 'the page was reloaded').toBe(true);
}

export { parseCsv as readCsv } from '../support/csv.ts';

/**
 * The tickets a test file creates, so it can resolve them when it is done:
 * later files (the screenshots) then see a board of realistic tickets only.
 */
export function ticketLedger() {
	const ids: string[] = [];
	return {
		async post(request: APIRequestContext, alert: GenericAlert): Promise<string> {
			const id = await postGeneric(request, alert);
			ids.push(id);
			return id;
		},
		async tidy(request: APIRequestContext): Promise<void> {
			// A ticket a test already closed answers 409 here; that is fine.
			for (const id of ids.splice(0))
				await request.post(`/api/tickets/${encodeURIComponent(id)}/resolve`, { data: {} });
		}
	};
}

export const SCREENSHOTS = 'test-results/screenshots';
export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** A browser context signed in as the admin, in the dark or light theme. */
export async function themedAdminContext(browser: Browser, theme: 'dark' | 'light') {
	const baseURL = test.info().project.use.baseURL!;
	const context = await browser.newContext({ baseURL, storageState: adminState() });
	if (theme === 'light')
		await context.addCookies([{ name: 'vigil_theme', value: 'light', url: baseURL }]);
	return context;
}

export interface ShotOptions {
	/** Cut out of the full page: shot on its own, the sticky top bar would cover it. */
	element?: Locator;
	/** Runs after each resize, before the shot (charts redraw). */
	settle?: () => Promise<void>;
	/** False: only what the screen shows (a board of hundreds of cards), not the whole page. */
	fullPage?: boolean;
}

/**
 * Full-page screenshots at 1440 and 390 px into test-results/screenshots/, after checking
 * the page does not scroll sideways at either width; the page is left at 1440 px.
 */
export async function screenshotBoth(
	page: Page,
	name: string,
	theme: string,
	{ element, settle, fullPage = true }: ShotOptions = {}
): Promise<void> {
	for (const viewport of [DESKTOP, PHONE]) {
		await page.setViewportSize(viewport);
		// Polled: the layout (and charts) follow a resize a frame or two later.
		await expect
			.poll(() => page.evaluate(() => document.documentElement.scrollWidth), {
				message: `${name} must not scroll sideways at ${viewport.width} px`
			})
			.toBeLessThanOrEqual(viewport.width);
		await settle?.();
		const clip = element
			? await element.evaluate((el) => {
					const r = el.getBoundingClientRect();
					return { x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height };
				})
			: undefined;
		await page.screenshot({
			path: `${SCREENSHOTS}/${name}-${viewport.width}-${theme}.png`,
			fullPage,
			clip,
			animations: 'disabled'
		});
	}
	await page.setViewportSize(DESKTOP);
}

/**
 * Waits until the app has hydrated (the root layout marks the document): typing or
 * clicking in a form before then is lost or submitted natively when Svelte takes over.
 */
export async function hydrated(page: Page): Promise<void> {
	await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
}
