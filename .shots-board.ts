import { chromium, type Page } from '@playwright/test';

const BASE = 'http://localhost:4317';
const OUT = '/tmp/board-shots';
const which = process.argv[2] ?? 'all';

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
});

async function session(width: number, height: number, theme: 'dark' | 'light', email = 'admin@contoso.example', password = 'correct horse battery staple') {
	const ctx = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
	if (theme === 'light') await ctx.addCookies([{ name: 'vigil_theme', value: 'light', url: BASE }]);
	const page = await ctx.newPage();
	page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console.log(`[console ${m.type()}]`, m.text()); });
	page.on('pageerror', (e) => console.log('[pageerror]', e.message));
	await page.goto(`${BASE}/login`, { waitUntil: 'networkidle' });
	await page.fill('#email', email);
	await page.fill('#password', password);
	await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button:has-text("Sign in")')]);
	return { ctx, page };
}

async function shot(page: Page, name: string, full = false) {
	await page.screenshot({ path: `${OUT}/${name}.png`, fullPage: full });
	console.log('shot', name);
}

const sizes = [
	['desktop', 1440, 900],
	['phone', 390, 844]
] as const;

if (which === 'all' || which === 'board') {
	for (const [label, w, h] of sizes) {
		for (const theme of ['dark', 'light'] as const) {
			const { ctx, page } = await session(w, h, theme);
			await page.goto(`${BASE}/`);
			await page.waitForSelector('[data-testid="connection-indicator"][data-state="live"]', { timeout: 10000 }).catch(() => console.log('not live'));
			await page.waitForTimeout(600);
			await shot(page, `board-${label}-${theme}`);
			if (theme === 'dark') await shot(page, `board-${label}-${theme}-full`, true);
			await ctx.close();
		}
	}
}

if (which === 'all' || which === 'detail') {
	for (const [label, w, h] of sizes) {
		for (const theme of ['dark', 'light'] as const) {
			const { ctx, page } = await session(w, h, theme);
			const id = process.env.TICKET ?? (await page.locator('[data-testid="ticket-card"]').first().getAttribute('data-ticket-id'));
			await page.goto(`${BASE}/tickets/${id}`);
			await page.waitForTimeout(800);
			await shot(page, `detail-${label}-${theme}`, true);
			await ctx.close();
		}
	}
}

if (which === 'all' || which === 'misc') {
	const { ctx, page } = await session(1440, 900, 'dark');
	await page.goto(`${BASE}/?status=in_progress`);
	await page.waitForTimeout(500);
	await shot(page, 'board-inprogress-desktop-dark');
	await page.goto(`${BASE}/?status=closed`);
	await page.waitForTimeout(500);
	await shot(page, 'board-closed-desktop-dark');
	await page.goto(`${BASE}/`);
	await page.keyboard.press('/');
	await page.keyboard.type('pl_');
	await page.waitForTimeout(900);
	console.log('url after typing', page.url());
	await shot(page, 'board-search-desktop-dark');
	await page.keyboard.press('Escape');
	await page.keyboard.press('j');
	await page.keyboard.press('j');
	await page.keyboard.press('?');
	await shot(page, 'board-keys-desktop-dark');
	await page.goto(`${BASE}/tickets/NOPE-123`);
	await shot(page, 'detail-404-desktop-dark');
	await ctx.close();
}

await browser.close();
