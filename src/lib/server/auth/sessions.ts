import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { newSecret, sha256Hex } from '../crypto/tokens.ts';
import { publish } from '../events.ts';
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

/** Signs the session out: its requests and its open sockets stop at once. */
export async function invalidateSession(em: EntityManager, token: string): Promise<void> {
	const sessionId = sha256Hex(token);
	await em.nativeDelete(SessionEntity, { id: sessionId });
	publish('auth:revoked', { sessionId });
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
	return (await tokenPrincipal(em, token))?.user ?? null;
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
	if (n > 0) publish('auth:revoked', { tokenId: id });
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

/**
 * What a long-lived connection (a socket) authenticated with, so it can be cut when that
 * credential ends: a session by its id (the SHA-256 of its token), or a token by its id.
 */
export type Credential = { kind: 'session'; id: string } | { kind: 'token'; id: string };
export interface Principal {
	user: AuthUser;
	credential: Credential;
}
export const credentialKey = (c: Credential) => `${c.kind}:${c.id}`;

/** A session token's principal; unlike validateSession it does not slide the expiry. */
export async function sessionPrincipal(
	em: EntityManager,
	token: string
): Promise<Principal | null> {
	const session = await em.findOne(
		SessionEntity,
		{ id: sha256Hex(token), expiresAt: { $gt: new Date() } },
		{ populate: ['user'] }
	);
	if (!session) return null;
	return {
		user: view(session.user as unknown as User),
		credential: { kind: 'session', id: session.id }
	};
}

const TOKEN_TOUCH_MS = 60_000;

export async function tokenPrincipal(em: EntityManager, token: string): Promise<Principal | null> {
	const row = await em.findOne(
		ApiTokenEntity,
		{ tokenHash: sha256Hex(token), revokedAt: null },
		{ populate: ['user'] }
	);
	if (!row) return null;
	// "Last used" to the minute, as for ingest keys: a script or an MCP client calling
	// many times a second would otherwise write the token's row on every request.
	const now = new Date();
	if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOKEN_TOUCH_MS) {
		row.lastUsedAt = now;
		await em.flush();
	}
	return { user: view(row.user as unknown as User), credential: { kind: 'token', id: row.id } };
}

/**
 * Re-checks many credentials in two queries: the user each one still stands for (with
 * their role today), keyed by credentialKey; a session that ended or expired, a revoked
 * token or a deleted user is absent.
 */
export async function recheckCredentials(
	em: EntityManager,
	credentials: Credential[]
): Promise<Map<string, AuthUser>> {
	const ids = (kind: Credential['kind']) => [
		...new Set(credentials.filter((c) => c.kind === kind).map((c) => c.id))
	];
	const sessionIds = ids('session');
	const tokenIds = ids('token');
	const out = new Map<string, AuthUser>();
	if (sessionIds.length) {
		const rows = await em.find(
			SessionEntity,
			{ id: { $in: sessionIds }, expiresAt: { $gt: new Date() } },
			{ populate: ['user'] }
		);
		for (const r of rows) out.set(`session:${r.id}`, view(r.user as unknown as User));
	}
	if (tokenIds.length) {
		const rows = await em.find(
			ApiTokenEntity,
			{ id: { $in: tokenIds }, revokedAt: null },
			{ populate: ['user'] }
		);
		for (const r of rows) out.set(`token:${r.id}`, view(r.user as unknown as User));
	}
	return out;
}
