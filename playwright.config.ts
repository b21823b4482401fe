import { defineConfig, type PlaywrightTestConfig } from '@playwright/test';

/**
 * End-to-end tests in Debian's Chromium (never a downloaded browser), against
 * the production build served by server/index.ts on a fresh database.
 *
 * Two lanes run side by side, each with a server and a database of its own and one
 * worker: most of a browser test's time is waiting (a socket, a timer, a stand-in's
 * outage), so two halves on two cores take about half as long, and no test sees
 * another lane's tickets or settings. Within a lane, files run one after another as
 * before (they share the lane's Jira, Slack and SLA settings). Lane B takes the files
 * listed here, chosen so both lanes take about as long; lane A takes the rest.
 */
const BASE_PORT = Number(process.env.E2E_PORT ?? 3199);
const LANE_B = ['alerts.e2e.ts', 'databricks-error.e2e.ts', 'incidents.e2e.ts', 'oncall.e2e.ts'];

const lanes = [
	{ name: 'a', port: BASE_PORT, testIgnore: LANE_B.map((f) => `**/${f}`) },
	{ name: 'b', port: BASE_PORT + 1, testMatch: LANE_B.map((f) => `**/${f}`) }
];

const projects: PlaywrightTestConfig['projects'] = lanes.flatMap((lane) => {
	const baseURL = `http://127.0.0.1:${lane.port}`;
	const adminState = `test-results/e2e/.auth/admin-${lane.name}.json`;
	return [
		{
			name: `setup-${lane.name}`,
			testMatch: /auth\.setup\.ts/,
			metadata: { adminState },
			use: { baseURL }
		},
		{
			name: `lane-${lane.name}`,
			dependencies: [`setup-${lane.name}`],
			testMatch: lane.testMatch ?? /.*\.e2e\.ts/,
			testIgnore: lane.testIgnore,
			workers: 1,
			use: { baseURL, storageState: adminState }
		}
	];
});

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: 'test-results/e2e',
	fullyParallel: false,
	workers: lanes.length,
	retries: 0,
	timeout: 60_000,
	reporter: [['list']],
	use: {
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
	projects,
	webServer: lanes.map((lane) => ({
		command: `node tests/e2e/start-server.ts`,
		url: `http://127.0.0.1:${lane.port}/healthz`,
		env: { E2E_PORT: String(lane.port) },
		reuseExistingServer: false,
		timeout: 120_000,
		stdout: 'pipe' as const,
		stderr: 'pipe' as const,
		// The embedded database must be stopped cleanly, not killed.
		gracefulShutdown: { signal: 'SIGTERM' as const, timeout: 15_000 }
	}))
});
