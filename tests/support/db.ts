import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { parseConfig, type Config } from '../../src/lib/server/config.ts';
import { startRuntime, type Runtime, type RuntimeOptions } from '../../src/lib/server/runtime.ts';
import { withDatabase } from './global-setup.ts';

/** A fresh database cloned from the migrated template; isolated per test file. */
export async function createTestDatabase(): Promise<string> {
	const adminUrl = inject('adminUrl');
	const template = inject('templateDb');
	const name = `${template}_${randomBytes(5).toString('hex')}`;
	const admin = new pg.Client(adminUrl);
	await admin.connect();
	try {
		await admin.query(`create database ${name} template ${template}`);
	} finally {
		await admin.end();
	}
	return withDatabase(adminUrl, name);
}

export const TEST_INGEST_KEY = 'vik_test_ingest_key_0123456789abcdef';
export const TEST_ADMIN = {
	email: 'admin@contoso.example',
	password: 'correct horse battery staple'
};

export function testConfig(env: Record<string, string> = {}): Config {
	return parseConfig({
		VIGIL_DATA_DIR: `/tmp/vigil-test-data-${process.pid}`,
		VIGIL_ENCRYPTION_KEY: 'ab'.repeat(32),
		VIGIL_ADMIN_EMAIL: TEST_ADMIN.email,
		VIGIL_ADMIN_PASSWORD: TEST_ADMIN.password,
		VIGIL_INGEST_API_KEY: TEST_INGEST_KEY,
		ALLOWED_EMAIL_DOMAINS: 'contoso.example',
		...env
	});
}

/** A real runtime (ORM, pool, pg-boss with spies) on its own database. */
export async function startTestRuntime(
	env: Record<string, string> = {},
	opts: RuntimeOptions = {}
): Promise<Runtime> {
	const databaseUrl = opts.databaseUrl ?? (await createTestDatabase());
	return startRuntime(testConfig(env), { spies: true, ...opts, databaseUrl });
}
