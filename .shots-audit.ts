// Throwaway screenshot driver (deleted before hand-off).
import { chromium } from '@playwright/test';

const BASE = process.env.BASE ?? 'http://localhost:3917';
const OUT = process.env.OUT ?? '/tmp/shots-audit';
const pages = (process.env.PAGES ?? '/audit,/analytics,/admin,/admin/users,/admin/keys,/admin/rules,/admin/sla,/admin/connections,/profile').split(',');
const themes = (process.env.THEMES ?? 'dark,light').split(',');
const sizes = (process.env.SIZES ?? 'desktop,phone').split(',');
const email = process.env.EMAIL ?? 'admin@contoso.example';

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
});
for (const size of sizes) {
	const viewport = size === 'desktop' ? { width: 1440, height: 900 } : { width: 390, height: 844 };
	for (const theme of themes) {
		const ctx = await browser.newContext({ viewport, deviceScaleFactor: size === 'phone' ? 2 : 1 });
		if (theme === 'light') await ctx.addCookies([{ name: 'vigil_theme', value: 'light', url: BASE }]);
		const page = await ctx.newPage();
		page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
		page.on('console', (m) => m.type() === 'error' && console.log('CONSOLE', m.text()));
		await page.goto(`${BASE}/login`);
		await page.fill('#email', email);
		await page.fill('#password', 'correct horse battery staple');
		await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button[type=submit], form button')]);
		for (const p of pages) {
			await page.goto(`${BASE}${p}`);
			await page.waitForLoadState('networkidle');
			await page.waitForTimeout(900);
			const name = `${p.replace(/[/?=&]+/g, '_').replace(/^_/, '') || 'root'}-${size}-${theme}.png`;
			await page.screenshot({ path: `${OUT}/${name}`, fullPage: true });
			const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
			if (overflow > 0) console.log('H-OVERFLOW', name, overflow);
		}
		await ctx.close();
	}
}
await browser.close();
console.log('done');
