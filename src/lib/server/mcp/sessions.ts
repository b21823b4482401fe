import type { Pool } from '../db/pool.ts';
import { isUuid } from '../errors.ts';

/**
 * MCP sessions in PostgreSQL (table mcp_sessions): the session id an assistant sends
 * (Mcp-Session-Id) and the user it belongs to. Nothing else of a session needs keeping
 * (Vigil's tools hold no conversation state), so any instance can serve any session.
 */
export interface McpSessions {
	/** A new session for the user; beyond `maxPerUser`, their least recently used ones end. */
	open(userId: string): Promise<string>;
	/** Whether the session is live and whose; a live one is marked as used. */
	check(id: string, userId: string): Promise<'ok' | 'missing' | 'other_user'>;
	/** Ends the session if it is the user's; false when there was none. */
	end(id: string, userId: string): Promise<boolean>;
	/** Sessions open now (not idle past the limit), all users. */
	count(): Promise<number>;
}

export interface McpSessionOptions {
	idleMs: number;
	maxPerUser: number;
}

/** last_seen_at is rewritten at most this often: one write per minute, not per request. */
const TOUCH_MS = 60_000;

export function mcpSessions(pool: Pool, opts: McpSessionOptions): McpSessions {
	const idleSeconds = Math.max(1, Math.round(opts.idleMs / 1000));
	return {
		async open(userId) {
			// Expired sessions of everyone are dropped here, on the rare path (mcp_sessions_seen_idx).
			await pool.query(
				`delete from mcp_sessions where last_seen_at < now() - make_interval(secs => $1)`,
				[idleSeconds]
			);
			const r = await pool.query(`insert into mcp_sessions (user_id) values ($1) returning id`, [
				userId
			]);
			await pool.query(
				`delete from mcp_sessions where user_id = $1 and id not in (
					select id from mcp_sessions where user_id = $1 order by last_seen_at desc, created_at desc limit $2)`,
				[userId, opts.maxPerUser]
			);
			return r.rows[0].id as string;
		},
		async check(id, userId) {
			if (!isUuid(id)) return 'missing';
			const r = await pool.query(
				`select user_id, extract(epoch from now() - last_seen_at) * 1000 as idle_ms
				from mcp_sessions where id = $1`,
				[id]
			);
			const row = r.rows[0] as { user_id: string; idle_ms: string } | undefined;
			if (!row || Number(row.idle_ms) > opts.idleMs) return 'missing';
			if (row.user_id !== userId) return 'other_user';
			if (Number(row.idle_ms) > TOUCH_MS)
				await pool.query(`update mcp_sessions set last_seen_at = now() where id = $1`, [id]);
			return 'ok';
		},
		async end(id, userId) {
			if (!isUuid(id)) return false;
			const r = await pool.query(`delete from mcp_sessions where id = $1 and user_id = $2`, [
				id,
				userId
			]);
			return (r.rowCount ?? 0) > 0;
		},
		async count() {
			const r = await pool.query(
				`select count(*)::int as n from mcp_sessions
				where last_seen_at >= now() - make_interval(secs => $1)`,
				[idleSeconds]
			);
			return r.rows[0].n as number;
		}
	};
}
