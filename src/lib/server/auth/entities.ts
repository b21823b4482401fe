import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

import { ROLES } from '#lib/contracts/words.ts';

export { ROLES };
export type Role = (typeof ROLES)[number];

export const UserEntity = defineEntity({
	name: 'User',
	tableName: 'users',
	properties: {
		id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
		email: p.text().unique(),
		name: p.text(),
		passwordHash: p.text().hidden(),
		role: p.enum(ROLES),
		createdAt: p.datetime().defaultRaw('now()')
	}
});
export type User = InferEntity<typeof UserEntity>;

export const SessionEntity = defineEntity({
	name: 'Session',
	tableName: 'sessions',
	properties: {
		/** SHA-256 of the session token, hex: a stolen database row cannot be replayed as a cookie. */
		id: p.text().primary(),
		user: () => p.manyToOne(UserEntity).deleteRule('cascade'),
		expiresAt: p.datetime(),
		createdAt: p.datetime().defaultRaw('now()')
	}
});
export type Session = InferEntity<typeof SessionEntity>;

export const ApiTokenEntity = defineEntity({
	name: 'ApiToken',
	tableName: 'api_tokens',
	properties: {
		id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
		user: () => p.manyToOne(UserEntity).deleteRule('cascade'),
		name: p.text(),
		tokenHash: p.text().unique().hidden(),
		createdAt: p.datetime().defaultRaw('now()'),
		lastUsedAt: p.datetime().nullable(),
		revokedAt: p.datetime().nullable()
	}
});
export type ApiToken = InferEntity<typeof ApiTokenEntity>;

export const IngestKeyEntity = defineEntity({
	name: 'IngestKey',
	tableName: 'ingest_keys',
	properties: {
		id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
		name: p.text(),
		keyHash: p.text().unique().hidden(),
		/** First characters of the key, shown in the admin list so keys can be told apart. */
		prefix: p.text(),
		createdBy: p.uuid().nullable(),
		createdAt: p.datetime().defaultRaw('now()'),
		lastUsedAt: p.datetime().nullable(),
		revokedAt: p.datetime().nullable(),
		/** Its own webhook rate limit (`100/s`, `6000/min`, `off`); null follows VIGIL_INGEST_RATE_LIMIT. */
		rateLimit: p.text().nullable()
	}
});
export type IngestKey = InferEntity<typeof IngestKeyEntity>;
