import type { EntityManager } from '@mikro-orm/postgresql';
import type { Pool } from '../db/pool.ts';
import { constantTimeEqualHex, newSecret, sha256Hex } from '../crypto/tokens.ts';
import { IngestKeyEntity } from './entities.ts';

export async function createIngestKey(
	em: EntityManager,
	name: string,
	createdBy: string | null,
	secret = newSecret('vik_', 24)
): Promise<{ id: string; key: string; prefix: string }> {
	const row = em.create(IngestKeyEntity, {
		name,
		keyHash: sha256Hex(secret),
		prefix: secret.slice(0, 8),
		createdBy,
		createdAt: new Date()
	});
	await em.flush();
	return { id: row.id, key: secret, prefix: row.prefix };
}

/**
 * Looks the key up by its digest, then compares digests in constant time: the
 * comparison never short-circuits on the first differing byte of a guess.
 * Raw SQL on the shared pool: this runs on every webhook, and the ORM's smaller
 * pool became the queue in front of ingest under load (bench/ingest).
 */
export async function verifyIngestKey(pool: Pool, presented: string): Promise<string | null> {
	if (!presented || presented.length > 200) return null;
	const digest = sha256Hex(presented);
	const r = await pool.query(
		`select id, key_hash from ingest_keys where key_hash = $1 and revoked_at is null`,
		[digest]
	);
	const row = r.rows[0];
	if (!row || !constantTimeEqualHex(row.key_hash, digest)) return null;
	return row.id;
}

export async function revokeIngestKey(em: EntityManager, id: string): Promise<boolean> {
	return (
		(await em.nativeUpdate(IngestKeyEntity, { id, revokedAt: null }, { revokedAt: new Date() })) > 0
	);
}

export async function listIngestKeys(em: EntityManager) {
	const rows = await em.find(IngestKeyEntity, {}, { orderBy: { createdAt: 'desc' } });
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		prefix: r.prefix,
		created_at: r.createdAt,
		last_used_at: r.lastUsedAt ?? null,
		revoked_at: r.revokedAt ?? null
	}));
}
