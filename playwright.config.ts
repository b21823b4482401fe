import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 3199);

/**
 * End-to-end tests in Debian's Chromium (never a downloaded browser), against
 * the production build served by server/index.ts on a fresh database.
 */
export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: /.*\.e2e\.ts/,
	outputDir: 'test-results/e2e',
	fullyParallel: false,
	workers: 1,
	retries: 0,
	timeout: 60_000,
	reporter: [['list']],
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		screenshot: 'only-on-failure',
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	projects: [
		{ name: 'setup', testMatch: /auth\.setup\.ts/ },
		{
			name: 'chromium',
			dependencies: ['setup'],
			use: { storageState: 'test-results/e2e/.auth/admin.json' }
		}
	],
	webServer: {
		command: `node tests/e2e/start-server.ts`,
		url: `http://127.0.0.1:${PORT}/healthz`,
		env: { E2E_PORT: String(PORT) },
		reuseExistingServer: false,
		timeout: 120_000,
		stdout: 'pipe',
		stderr: 'pipe',
		// The embedded database must be stopped cleanly, not killed.
		gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 }
	}
});
