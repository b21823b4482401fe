import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { createIngestKey, revokeIngestKey } from '../auth/ingest-keys.ts';
import { isUuid, notFound } from './errors.ts';

export const IngestKeyBody = z.object({ name: z.string().trim().min(1).max(100) });

/** The key is in this answer only; Vigil keeps its SHA-256 and the first characters. */
export async function createKey(
	em: EntityManager,
	name: string,
	createdBy: string
): Promise<{ id: string; name: string; prefix: string; key: string }> {
	const created = await createIngestKey(em, name, createdBy);
	return { id: created.id, name, prefix: created.prefix, key: created.key };
}

/** Webhooks sent with the key are refused from the next request on. */
export async function revokeKey(em: EntityManager, id: string): Promise<void> {
	if (!isUuid(id) || !(await revokeIngestKey(em, id))) throw notFound('active ingest key');
}
