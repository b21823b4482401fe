import { ApiTokenEntity, IngestKeyEntity, SessionEntity, UserEntity } from './auth/entities.ts';
import { ConnectionEntity } from './connections/entities.ts';
import { RoutingRuleEntity } from './routing/entities.ts';
import { SlaPolicyEntity } from './sla/entities.ts';

/**
 * Every MikroORM entity, collected here on purpose: db/ stays below the
 * capabilities that define them, and the runtime and the test setup hand this
 * list to createOrm. Tickets, audit and raw events are plain SQL (hot paths).
 */
export const ENTITIES = [
	UserEntity,
	SessionEntity,
	ApiTokenEntity,
	IngestKeyEntity,
	RoutingRuleEntity,
	SlaPolicyEntity,
	ConnectionEntity
];
