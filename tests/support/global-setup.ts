import { chmod, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import {
	startEmbeddedPostgres,
	sweepStaleDirs,
	type EmbeddedDatabase
} from '../../src/lib/server/db/embedded.ts';
import { createOrm, migrate } from '../../src/lib/server/db/orm.ts';
import { ENTITIES } from '../../src/lib/server/entities.ts';
import { startBoss } from '../../src/lib/server/jobs/boss.ts';

declare module 'vitest' {
	export interface ProvidedContext {
		/** URL of the maintenance database on the test server; per-file databases are cloned from the template. */
		adminUrl: string;
		templateDb: string;
	}
}

const PREFIX = 'vigil-test-';

/**
 * One real PostgreSQL per run: DATABASE_URL when given, else embedded. The
 * migrated schema (and pg-boss's) goes into a template database that every
 * test file clones in ~100 ms, so files are isolated and run in parallel.
 */
export default async function setup(project: TestProject) {
	let embedded: EmbeddedDatabase | null = null;
	let adminUrl = process.env.DATABASE_URL;
	if (!adminUrl) {
		await sweepStaleDirs(os.tmpdir(), PREFIX);
		const dir = await mkdtemp(path.join(os.tmpdir(), `${PREFIX}${process.pid}-`));
		// mkdtemp makes it 0700; the postgres system user (when run as root) must reach it.
		await chmod(dir, 0o755);
		// The superuser's URL: the suite creates and drops a database per test file.
		embedded = await startEmbeddedPostgres(path.join(dir, 'pg'), {
			persistent: false,
			superuser: true
		});
		adminUrl = embedded.url;
	}
	const templateDb = `vigil_template_${process.pid}`;
	const admin = new pg.Client(adminUrl);
	await admin.connect();
	await admin.query(`drop database if exists ${templateDb}`);
	await admin.query(`create database ${templateDb}`);
	const templateUrl = withDatabase(adminUrl, templateDb);
	const orm = await createOrm(templateUrl, ENTITIES, 2);
	await migrate(orm);
	await orm.close(true);
	const boss = await startBoss(templateUrl);
	await boss.stop({ graceful: false });
	project.provide('adminUrl', adminUrl);
	project.provide('templateDb', templateDb);

	return async () => {
		await dropTestDatabases(admin, templateDb);
		await admin.end();
		if (embedded) await embedded.stop();
	};
}

async function dropTestDatabases(admin: pg.Client, templateDb: string) {
	const r = await admin.query(
		`select datname from pg_database where datname like $1 or datname = $2`,
		[`${templateDb}_%`, templateDb]
	);
	for (const { datname } of r.rows) {
		await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => {});
	}
}

export function withDatabase(url: string, db: string): string {
	const u = new URL(url);
	u.pathname = `/${db}`;
	return u.toString();
}
