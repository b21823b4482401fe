import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { PRIORITIES } from '#lib/contracts/words.ts';

export const SlaPolicyEntity = defineEntity({
	name: 'SlaPolicy',
	tableName: 'sla_policies',
	properties: {
		priority: p.enum(PRIORITIES).primary(),
		seconds: p.integer(),
		updatedAt: p.datetime().defaultRaw('now()')
	}
});
export type SlaPolicy = InferEntity<typeof SlaPolicyEntity>;
