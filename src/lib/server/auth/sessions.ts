import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { newSecret, sha256Hex } from '../crypto/tokens.ts';
import { ApiTokenEntity, SessionEntity, UserEntity, type User } from './entities.ts';

// The Lucia design: the cookie holds a random token, the database only its
// SHA-256; sessions slide forward when used in their second half.
const DAY = 24 * 60 * 60 * 1000;
export const SESSION_TTL_MS = 30 * DAY;
export const SESSION_COOKIE = 'vigil_session';

/** POST /api/tokens: a personal API token is named by its owner. */
export const ApiTokenBody = z.object({ name: z.string().trim().min(1).max(100) });

export interface AuthUser {
	id: string;
	email: string;
	name: string;
	role: User['role'];
}

const view = (u: User): AuthUser => ({ id: u.id, email: u.email, name: u.name, role: u.role });

export async function createSession(
	em: EntityManager,
	userId: string
): Promise<{ token: string; expiresAt: Date }> {
	const token = newSecret('', 20);
	const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
	em.create(SessionEntity, {
		id: sha256Hex(token),
		user: em.getReference(UserEntity, userId),
		expiresAt,
		createdAt: new Date()
	});
	await em.flush();
	return { token, expiresAt };
}

export async function validateSession(
	em: EntityManager,
	token: string
): Promise<{ user: AuthUser; expiresAt: Date; renewed: boolean } | null> {
	const session = await em.findOne(SessionEntity, { id: sha256Hex(token) }, { populate: ['user'] });
	if (!session) return null;
	const now = Date.now();
	if (session.expiresAt.getTime() <= now) {
		await em.nativeDelete(SessionEntity, { id: session.id });
		return null;
	}
	let renewed = false;
	if (session.expiresAt.getTime() - now < SESSION_TTL_MS / 2) {
		session.expiresAt = new Date(now + SESSION_TTL_MS);
		await em.flush();
		renewed = true;
	}
	return { user: view(session.user as unknown as User), expiresAt: session.expiresAt, renewed };
}

export async function invalidateSession(em: EntityManager, token: string): Promise<void> {
	await em.nativeDelete(SessionEntity, { id: sha256Hex(token) });
}

export async function createApiToken(
	em: EntityManager,
	userId: string,
	name: string
): Promise<{ id: string; token: string }> {
	const token = newSecret('vgl_', 24);
	const row = em.create(ApiTokenEntity, {
		user: em.getReference(UserEntity, userId),
		name,
		tokenHash: sha256Hex(token),
		createdAt: new Date()
	});
	await em.flush();
	return { id: row.id, token };
}

export async function validateApiToken(em: EntityManager, token: string): Promise<AuthUser | null> {
	const row = await em.findOne(
		ApiTokenEntity,
		{ tokenHash: sha256Hex(token), revokedAt: null },
		{ populate: ['user'] }
	);
	if (!row) return null;
	row.lastUsedAt = new Date();
	await em.flush();
	return view(row.user as unknown as User);
}

export async function revokeApiToken(
	em: EntityManager,
	userId: string,
	id: string
): Promise<boolean> {
	const n = await em.nativeUpdate(
		ApiTokenEntity,
		{ id, user: userId, revokedAt: null },
		{ revokedAt: new Date() }
	);
	return n > 0;
}

export async function listApiTokens(em: EntityManager, userId: string) {
	const rows = await em.find(ApiTokenEntity, { user: userId }, { orderBy: { createdAt: 'desc' } });
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		created_at: r.createdAt,
		last_used_at: r.lastUsedAt ?? null,
		revoked_at: r.revokedAt ?? null
	}));
}
