import { defineConfig } from 'vitest/config';

// Three layers: pure unit specs beside the code, integration tests on a real
// PostgreSQL (embedded unless DATABASE_URL is set) started once by globalSetup,
// and the fault suite (tests/faults, also `npm run test:faults`).
export default defineConfig({
	test: {
		// Vitest's default on two cores is one file at a time, but an integration file spends
		// most of its time waiting (its own database, timers, stand-ins): three at once finish
		// the suite in about half the time without starving any of them.
		maxWorkers: 3,
		projects: [
			{
				test: {
					name: 'unit',
					include: ['src/**/*.spec.ts', 'tests/support/**/*.spec.ts'],
					environment: 'node'
				}
			},
			{
				// Faults a bad day brings (database restarted, hanging or killed with Vigil, fuzzed
				// webhooks): each test starts its own PostgreSQL and Vigil processes.
				test: {
					name: 'faults',
					include: ['tests/faults/**/*.test.ts'],
					environment: 'node',
					testTimeout: 240_000,
					hookTimeout: 120_000,
					fileParallelism: false,
					// After the others, alone: these measure recovery times and kill processes.
					sequence: { groupOrder: 1 }
				}
			},
			{
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts'],
					environment: 'node',
					globalSetup: ['tests/support/global-setup.ts'],
					testTimeout: 30_000,
					hookTimeout: 60_000
				}
			}
		]
	}
});
