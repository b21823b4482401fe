import { defineConfig } from 'vitest/config';

// Two layers: pure unit specs beside the code, and integration tests on a real
// PostgreSQL (embedded unless DATABASE_URL is set) started once by globalSetup.
export default defineConfig({
	test: {
		projects: [
			{
				test: {
					name: 'unit',
					include: ['src/**/*.spec.ts', 'tests/support/**/*.spec.ts'],
					environment: 'node'
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
