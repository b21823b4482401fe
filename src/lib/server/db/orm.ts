import { MikroORM, type EntitySchema } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from '../../../../migrations/index.ts';

export type Orm = MikroORM;

/** The entities come from the caller (src/lib/server/entities.ts): the database layer knows no capability. */
export async function createOrm(
	url: string,
	entities: readonly EntitySchema[],
	poolMax = 10
): Promise<Orm> {
	return MikroORM.init({
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
		debug: false
	});
}

export async function migrate(orm: Orm): Promise<void> {
	await orm.migrator.up();
}
