import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCookie } from '../../src/lib/server/auth/cookies.ts';
import { UserEntity } from '../../src/lib/server/auth/entities.ts';
import {
	createApiToken,
	createSession,
	recheckCredentials,
	SESSION_COOKIE,
	sessionPrincipal,
	tokenPrincipal
} from '../../src/lib/server/auth/sessions.ts';
import { sha256Hex } from '../../src/lib/server/crypto/tokens.ts';
import { attachRealtime } from '../../src/lib/server/realtime/broadcast.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startTestRuntime, TEST_ADMIN } from '../support/db.ts';

/**
 * Issue #8: the periodic re-check of open sockets, which catches what no event of this
 * instance announces: a session that expired, or one ended, a role changed or a user
 * deleted by another instance (here: straight in the database). Re-checked every 200 ms.
 */

let rt: Runtime;
let http: HttpServer;
let io: Server;
let url: string;
let detach: () => void;
const sockets: Socket[] = [];

beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false });
	http = createServer();
	io = new Server(http, { serveClient: false, transports: ['websocket'] });
	detach = attachRealtime(io, {
		authenticate: async ({ cookie, token }) => {
			if (token) return tokenPrincipal(rt.em(), token);
			const session = cookie ? parseCookie(cookie)[SESSION_COOKIE] : undefined;
			return session ? sessionPrincipal(rt.em(), session) : null;
		},
		recheck: (credentials) => recheckCredentials(rt.em(), credentials),
		recheckMs: 200
	});
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
	for (const s of sockets) s.disconnect();
	detach?.();
	// io.close() waits for the HTTP server to close, which waits for every connection to end;
	// one left open (a reconnecting socket's upgrade caught mid-way, say) makes that wait
	// endless. This hook once timed out in CI at 60 s with all six tests passed; the cause was
	// not pinned down, so every connection is closed here rather than waited for.
	const closed = new Promise<void>((resolve) => io?.close(() => resolve()));
	http?.closeAllConnections();
	await closed;
	await rt?.stop();
});

async function signedInSocket(opts: { reconnection?: boolean } = {}) {
	const user = await rt.em().findOneOrFail(UserEntity, { email: TEST_ADMIN.email });
	const { token } = await createSession(rt.em(), user.id);
	const s = connect(url, {
		transports: ['websocket'],
		forceNew: true,
		reconnection: opts.reconnection ?? false,
		reconnectionDelay: 50,
		reconnectionDelayMax: 100,
		extraHeaders: { cookie: `${SESSION_COOKIE}=${token}`, origin: url }
	});
	sockets.push(s);
	await new Promise<void>((resolve, reject) => {
		s.once('connect', () => resolve());
		s.once('connect_error', reject);
	});
	return { s, sessionId: sha256Hex(token), userId: user.id };
}

const disconnected = (s: Socket, ms = 3000) =>
	new Promise<string>((resolve) => {
		const t = setTimeout(() => resolve('still connected'), ms);
		s.once('disconnect', (reason) => {
			clearTimeout(t);
			resolve(reason);
		});
	});

describe('the periodic re-check of open sockets', () => {
	it('keeps a socket whose session still holds', async () => {
		const { s } = await signedInSocket();
		expect(await disconnected(s, 800)).toBe('still connected');
	});

	it('cuts a socket whose session expired', async () => {
		const { s, sessionId } = await signedInSocket();
		const gone = disconnected(s);
		await rt.pool.query(
			`update sessions set expires_at = now() - interval '1 second' where id = $1`,
			[sessionId]
		);
		expect(await gone).toBe('io server disconnect');
	});

	it('cuts a socket whose session another instance ended', async () => {
		const { s, sessionId } = await signedInSocket();
		const gone = disconnected(s);
		await rt.pool.query(`delete from sessions where id = $1`, [sessionId]);
		expect(await gone).toBe('io server disconnect');
	});

	it('makes a socket re-authenticate when another instance changed the role', async () => {
		const { s, userId } = await signedInSocket({ reconnection: true });
		const gone = disconnected(s);
		const back = new Promise<void>((resolve) => s.once('connect', () => resolve()));
		await rt.pool.query(`update users set role = 'viewer' where id = $1`, [userId]);
		try {
			expect(await gone).toBe('transport close');
			await back;
			expect(s.connected).toBe(true);
		} finally {
			await rt.pool.query(`update users set role = 'admin' where id = $1`, [userId]);
		}
	});

	it('cuts the sockets of a user deleted elsewhere', async () => {
		const res = await rt.pool.query(
			`insert into users (email, name, password_hash, role) values ('gone@contoso.example', 'Gone', 'x', 'viewer') returning id`
		);
		const { token } = await createSession(rt.em(), res.rows[0].id);
		const s = connect(url, {
			transports: ['websocket'],
			forceNew: true,
			reconnection: false,
			extraHeaders: { cookie: `${SESSION_COOKIE}=${token}`, origin: url }
		});
		sockets.push(s);
		await new Promise<void>((resolve, reject) => {
			s.once('connect', () => resolve());
			s.once('connect_error', reject);
		});
		const gone = disconnected(s);
		await rt.pool.query(`delete from users where id = $1`, [res.rows[0].id]);
		expect(await gone).toBe('io server disconnect');
	});
});

describe('API token "last used"', () => {
	it('is written at the first use and then at most once a minute, not on every request', async () => {
		const user = await rt.em().findOneOrFail(UserEntity, { email: TEST_ADMIN.email });
		const { id, token } = await createApiToken(rt.em(), user.id, 'busy script');
		const lastUsed = async () =>
			(await rt.pool.query(`select last_used_at from api_tokens where id = $1`, [id])).rows[0]
				.last_used_at as Date | null;
		expect(await lastUsed()).toBeNull();

		expect(await tokenPrincipal(rt.em().fork(), token)).not.toBeNull();
		const first = await lastUsed();
		expect(first).not.toBeNull();
		for (let i = 0; i < 5; i++) await tokenPrincipal(rt.em().fork(), token);
		expect((await lastUsed())!.getTime()).toBe(first!.getTime());

		// A minute later the next use moves it.
		await rt.pool.query(
			`update api_tokens set last_used_at = now() - interval '2 minutes' where id = $1`,
			[id]
		);
		const aged = (await lastUsed())!.getTime();
		await tokenPrincipal(rt.em().fork(), token);
		expect((await lastUsed())!.getTime()).toBeGreaterThan(aged);
	});
});
