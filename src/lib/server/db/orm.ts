import { MikroORM, type EntitySchema } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import type pg from 'pg';
import { migrationsList } from '../../../../migrations/index.ts';
import { connectionSettings, DB_TIMEOUTS, guardPoolClients, type DbTimeouts } from './pool.ts';

export type Orm = MikroORM;

export interface OrmOptions {
	poolMax?: number;
	/**
	 * Connect and query timeouts as for Vigil's own pool (DB_TIMEOUTS), so a request through the
	 * ORM gets its 503 as fast. `false` for an ORM that only migrates: a migration on a large
	 * table may take longer than any request should.
	 */
	timeouts?: DbTimeouts | false;
}

/** The entities come from the caller (src/lib/server/entities.ts): the database layer knows no capability. */
export async function createOrm(
	url: string,
	entities: readonly EntitySchema[],
	opts: OrmOptions | number = {}
): Promise<Orm> {
	const { poolMax = 10, timeouts = DB_TIMEOUTS } =
		typeof opts === 'number' ? { poolMax: opts } : opts;
	const orm = await MikroORM.init({
		clientUrl: url,
		entities: [...entities],
		extensions: [Migrator],
		migrations: {
			migrationsList,
			snapshot: false,
			transactional: true,
			allOrNothing: true,
			silent: true
		},
		// Every request and job works on its own fork; a shared identity map would leak between them.
		allowGlobalContext: false,
		pool: { min: 0, max: poolMax },
		// Passed to the pg Pool MikroORM creates (v7 has no knex: its PostgreSQL driver is a Kysely
		// dialect over a plain pg.Pool). MikroORM already puts an 'error' listener on each of its
		// clients; ours also logs, through Vigil's logger.
		driverOptions: {
			...(timeouts ? connectionSettings(timeouts) : {}),
			application_name: 'vigil-orm',
			onPoolCreated: (pool: pg.Pool) => guardPoolClients(pool, 'orm')
		},
		debug: false
	});
	if (timeouts) made.set(orm, { url, entities });
	return orm;
}

const made = new WeakMap<Orm, { url: string; entities: readonly EntitySchema[] }>();

/**
 * Runs the pending migrations. An ORM with request timeouts migrates through a short-lived
 * one without them (one connection), so a long migration is not cut off after seconds.
 */
export async function migrate(orm: Orm): Promise<void> {
	const args = made.get(orm);
	if (!args) {
		await orm.migrator.up();
		return;
	}
	const migrator = await createOrm(args.url, args.entities, { poolMax: 1, timeouts: false });
	try {
		await migrator.migrator.up();
	} finally {
		await migrator.close(true);
	}
}
