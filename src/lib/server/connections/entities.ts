import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const CONNECTION_KINDS = ['gemini', 'slack', 'jira', 'databricks'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];
export type ConnectionStatus = 'not_connected' | 'healthy' | 'failing';

export const ConnectionEntity = defineEntity({
	name: 'Connection',
	tableName: 'connections',
	properties: {
		kind: p.enum(CONNECTION_KINDS).primary(),
		/** Non-secret settings (base URL, model, channel…). */
		config: p.json<Record<string, string>>().default('{}'),
		/** AES-256-GCM sealed JSON of the secret settings (tokens, keys). */
		secrets: p.text().nullable().hidden(),
		status: p.enum(['not_connected', 'healthy', 'failing'] as const).default('not_connected'),
		lastError: p.text().nullable(),
		lastCheckedAt: p.datetime().nullable(),
		lastOkAt: p.datetime().nullable(),
		updatedAt: p.datetime().defaultRaw('now()')
	}
});
export type Connection = InferEntity<typeof ConnectionEntity>;
