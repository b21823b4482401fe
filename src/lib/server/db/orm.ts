import { MikroORM } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { migrationsList } from '../../../../migrations/index.ts';
import { ApiTokenEntity, IngestKeyEntity, SessionEntity, UserEntity } from '../auth/entities.ts';
import { ConnectionEntity } from '../connections/entities.ts';
import { RoutingRuleEntity } from '../routing/entities.ts';
import { SlaPolicyEntity } from '../sla/entities.ts';

export const ENTITIES = [
	UserEntity,
	SessionEntity,
	ApiTokenEntity,
	IngestKeyEntity,
	RoutingRuleEntity,
	SlaPolicyEntity,
	ConnectionEntity
];

export type Orm = MikroORM;

export async function createOrm(url: string, poolMax = 10): Promise<Orm> {
	return MikroORM.init({
		clientUrl: url,
		entities: ENTITIES,
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
