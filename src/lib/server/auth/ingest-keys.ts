import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { formatRateRule, parseRateRule, type RateRule } from '#lib/contracts/rate-rule.ts';
import { coalescing } from '../db/coalesce.ts';
import type { Pool } from '../db/pool.ts';
import { constantTimeEqualHex, newSecret, sha256Hex } from '../crypto/tokens.ts';
import { isUuid, notFound } from '../errors.ts';
import { log } from '../log.ts';
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
export async function verifyIngestKey(
	pool: Pool,
	presented: string
): Promise<IngestKeyAuth | null> {
	if (!presented || presented.length > 200) return null;
	const digest = sha256Hex(presented);
	const row = await lookUp(pool, digest);
	if (!row || !constantTimeEqualHex(row.key_hash, digest)) return null;
	if (row.stale) {
		// One row answers every webhook of a batched lookup: one of them records the use.
		row.stale = false;
		markUsed(pool, row.id);
	}
	// The column's check admits only what parseRateRule reads; anything else follows the default.
	const own = row.rate_limit === null ? undefined : parseRateRule(row.rate_limit);
	return { id: row.id, rateLimit: own };
}

interface KeyRow {
	id: string;
	key_hash: string;
	rate_limit: string | null;
	stale: boolean;
}

const lookups = new WeakMap<Pool, (digest: string) => Promise<KeyRow | null>>();

/**
 * Every webhook needs its key's row. Lookups arriving while one query is out go together
 * in the next (`= any($1)`, see coalescing): a storm costs one query per round trip instead
 * of one per webhook. Each query starts after every lookup it answers was asked, so a key
 * revoked before a webhook arrived is never found for it. The lookups queued behind a
 * failed one would only wait as long again for the same database: they fail with it (503,
 * retried by the sender).
 */
function lookUp(pool: Pool, digest: string): Promise<KeyRow | null> {
	let look = lookups.get(pool);
	if (!look) {
		look = coalescing<string, KeyRow | null>(
			async (digests) => {
				const r = await pool.query<KeyRow>(
					`select id, key_hash, rate_limit,
						last_used_at < now() - interval '1 minute' or last_used_at is null as stale
					from ingest_keys where key_hash = any($1) and revoked_at is null`,
					[[...new Set(digests)]]
				);
				const rows = new Map(r.rows.map((row) => [row.key_hash, row]));
				return digests.map((d) => rows.get(d) ?? null);
			},
			{ failQueued: true }
		);
		lookups.set(pool, look);
	}
	return look(digest);
}

export interface IngestKeyAuth {
	id: string;
	/** The key's own rate limit: null for none, undefined to follow VIGIL_INGEST_RATE_LIMIT. */
	rateLimit: RateRule | null | undefined;
}

/**
 * "Last used" for the admin page, to the minute: at most one write a minute per
 * key, off the webhook's own path, so a storm of webhooks costs no extra writes.
 * Losing one such write (a crash) only makes the time a minute older.
 */
function markUsed(pool: Pool, id: string): void {
	pool
		.query(
			`update ingest_keys set last_used_at = now()
			where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
			[id]
		)
		.catch((err: unknown) => log.warn({ err }, 'could not record when a webhook key was used'));
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
		revoked_at: r.revokedAt ?? null,
		rate_limit: r.rateLimit ?? null
	}));
}

export const IngestKeyBody = z.object({ name: z.string().trim().min(1).max(100) });

const LIMIT_MESSAGE =
	'rate_limit must be like 100/s or 6000/min, off, or null to follow the default';

/** A key's own rate limit; null follows VIGIL_INGEST_RATE_LIMIT. Stored as `100/s`, `6000/min` or `off`. */
export const IngestKeyLimitBody = z
	.object({
		rate_limit: z
			.string({ error: LIMIT_MESSAGE })
			.max(40, { error: LIMIT_MESSAGE })
			.nullable()
			.transform((v, ctx) => {
				if (v === null) return null;
				const rule = parseRateRule(v);
				if (rule === undefined) {
					ctx.addIssue({ code: 'custom', message: LIMIT_MESSAGE });
					return z.NEVER;
				}
				return rule ? formatRateRule(rule) : 'off';
			})
	})
	.strict();

/** Webhooks sent with the key count against this limit from the next request on. */
export async function setKeyRateLimit(em: EntityManager, id: string, rateLimit: string | null) {
	if (!isUuid(id)) throw notFound('active ingest key');
	const n = await em.nativeUpdate(IngestKeyEntity, { id, revokedAt: null }, { rateLimit });
	if (n === 0) throw notFound('active ingest key');
	const keys = await listIngestKeys(em);
	return keys.find((k) => k.id === id)!;
}

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
