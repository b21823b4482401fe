import { randomBytes, scryptSync } from 'node:crypto';
import pg from 'pg';
import {
	io as connect,
	type Socket,
	type SocketOptions,
	type ManagerOptions
} from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_ADMIN, TEST_INGEST_KEY } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';
import { login, startServer, type RunningServer } from '../support/server.ts';

/** Issue #8: sockets, origins, headers, redirects after sign-in, metrics, sign-up, hashes. */

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let server: RunningServer;
let db: pg.Client;
let cookie: string;
const sockets: Socket[] = [];

beforeAll(async () => {
	const databaseUrl = await createTestDatabase();
	server = await startServer(databaseUrl, { METRICS_TOKEN });
	db = new pg.Client(databaseUrl);
	await db.connect();
	cookie = await login(server.url);
});
afterAll(async () => {
	for (const s of sockets) s.disconnect();
	await db?.end();
	if (server) expect(await server.stop()).toBe(0);
});

const api = (path: string, init: RequestInit & { json?: unknown } = {}) =>
	fetch(`${server.url}${path}`, {
		...init,
		headers: {
			...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
			...(init.headers as Record<string, string>)
		},
		body: init.json !== undefined ? JSON.stringify(init.json) : init.body
	});

function socket(opts: Partial<ManagerOptions & SocketOptions> = {}): Socket {
	const s = connect(server.url, {
		transports: ['websocket'],
		reconnection: false,
		forceNew: true,
		...opts
	});
	sockets.push(s);
	return s;
}

const connected = (s: Socket) =>
	new Promise<void>((resolve, reject) => {
		s.once('connect', () => resolve());
		s.once('connect_error', reject);
	});
const refused = (s: Socket) =>
	new Promise<string>((resolve, reject) => {
		s.once('connect', () => reject(new Error('connected')));
		s.once('connect_error', (err) => resolve(err.message));
	});
/** The reason of the next disconnect, or 'still connected' after `ms`. */
const disconnected = (s: Socket, ms = 5000) =>
	new Promise<string>((resolve) => {
		const t = setTimeout(() => resolve('still connected'), ms);
		s.once('disconnect', (reason) => {
			clearTimeout(t);
			resolve(reason);
		});
	});

/** A user of the given role with a session, made through sign-up and sign-in. */
async function newUser(role: 'viewer' | 'responder' | 'admin') {
	const email = `u${randomBytes(4).toString('hex')}@contoso.example`;
	const password = 'plum orchard sunrise ladder';
	expect(
		(await api('/api/auth/signup', { method: 'POST', json: { email, password } })).status
	).toBe(202);
	const res = await api('/api/auth/login', { method: 'POST', json: { email, password } });
	const { user } = await res.json();
	if (role !== 'responder')
		await api(`/api/admin/users/${user.id}`, {
			method: 'PATCH',
			headers: { cookie },
			json: { role }
		});
	return {
		id: user.id as string,
		email,
		password,
		cookie: res.headers.get('set-cookie')!.split(';')[0]!
	};
}

describe('sockets end with their credentials', () => {
	it('cuts a signed-in socket when its session signs out', async () => {
		const user = await newUser('viewer');
		const s = socket({ extraHeaders: { cookie: user.cookie, origin: server.url } });
		await connected(s);
		const other = socket({ extraHeaders: { cookie, origin: server.url } });
		await connected(other);
		const gone = disconnected(s);
		const started = Date.now();
		expect(
			(await api('/api/auth/logout', { method: 'POST', headers: { cookie: user.cookie } })).status
		).toBe(204);
		expect(await gone).toBe('io server disconnect');
		expect(Date.now() - started).toBeLessThan(2000);
		// Another session's socket (the admin's) stays.
		expect(other.connected).toBe(true);
		// The session cannot open a new one either.
		const again = socket({ extraHeaders: { cookie: user.cookie, origin: server.url } });
		expect(await refused(again)).toBe('unauthorized');
	});

	it('cuts a socket when its personal API token is revoked', async () => {
		const created = await api('/api/tokens', {
			method: 'POST',
			headers: { cookie },
			json: { name: 'socket' }
		});
		const { id, token } = await created.json();
		const s = socket({ auth: { token } });
		await connected(s);
		const gone = disconnected(s);
		expect((await api(`/api/tokens/${id}`, { method: 'DELETE', headers: { cookie } })).status).toBe(
			204
		);
		expect(await gone).toBe('io server disconnect');
	});

	it('makes a socket re-authenticate when its user’s role changes', async () => {
		const user = await newUser('responder');
		const s = socket({
			extraHeaders: { cookie: user.cookie, origin: server.url },
			reconnection: true,
			reconnectionDelay: 100,
			reconnectionDelayMax: 200
		});
		await connected(s);
		const gone = disconnected(s);
		const back = new Promise<void>((resolve) => s.once('connect', () => resolve()));
		const res = await api(`/api/admin/users/${user.id}`, {
			method: 'PATCH',
			headers: { cookie },
			json: { role: 'viewer' }
		});
		expect(res.status).toBe(200);
		expect(await gone).toBe('transport close');
		await back; // through the handshake again, as a viewer now
		expect(s.connected).toBe(true);
	});
});

describe('cross-site WebSocket hijacking', () => {
	it('refuses a handshake from a foreign origin, even with the session cookie', async () => {
		for (const origin of ['https://evil.example', 'http://127.0.0.1:1', 'null'])
			expect(await refused(socket({ extraHeaders: { cookie, origin } }))).toBe('forbidden_origin');
	});

	it('takes the cookie only with an Origin; without one a bearer token is needed', async () => {
		expect(await refused(socket({ extraHeaders: { cookie } }))).toBe('unauthorized');
		const { token } = await (
			await api('/api/tokens', { method: 'POST', headers: { cookie }, json: { name: 'cli' } })
		).json();
		await connected(socket({ extraHeaders: { authorization: `Bearer ${token}` } }));
	});
});

describe('security headers', () => {
	const common = (res: Response) => {
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		expect(res.headers.get('x-frame-options')).toBe('DENY');
		expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
		return res.headers.get('content-security-policy') ?? '';
	};

	it('gives a page a CSP with a nonce on its inline script', async () => {
		const res = await api('/login');
		const csp = common(res);
		const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
		expect(nonce).toBeTruthy();
		expect(csp).toContain("frame-ancestors 'none'");
		expect(csp).toContain("object-src 'none'");
		expect(csp).toContain("connect-src 'self'");
		const html = await res.text();
		const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
		expect(scripts.length).toBeGreaterThan(0);
		for (const attrs of scripts.filter((a) => !/\bsrc=/.test(a)))
			expect(attrs).toContain(`nonce="${nonce}"`);
		// A new nonce on every response.
		const again = common(await api('/login'));
		expect(again).not.toContain(nonce);
	});

	it('puts them on JSON answers, webhooks and metrics too', async () => {
		for (const res of [
			await api('/api/tokens', { headers: { cookie } }),
			await api('/api/tokens'),
			await api('/healthz'),
			await api('/api/webhooks/generic', {
				method: 'POST',
				headers: { 'x-api-key': TEST_INGEST_KEY },
				json: {
					...fixture<Record<string, unknown>>('generic/airflow-task-failed.json'),
					run_id: 'headers-1'
				}
			}),
			await api('/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
		])
			expect(common(res)).toBe(
				"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
			);
	});

	it('puts them on the static files under /_app too, which SvelteKit serves before its hooks', async () => {
		const html = await (await api('/login')).text();
		const asset = /"(?:\.{0,2}\/)*(_app\/immutable\/[^"]+\.(?:js|css))"/.exec(html)?.[1];
		expect(asset).toBeTruthy();
		const res = await api(`/${asset!}`);
		expect(res.status).toBe(200);
		expect(common(res)).toBe(
			"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
		);
		expect(res.headers.get('strict-transport-security')).toBeNull();
	});

	it('adds HSTS only when the browser came over TLS (a proxy saying so)', async () => {
		const tls = await api('/login', { headers: { 'x-forwarded-proto': 'https' } });
		expect(tls.headers.get('strict-transport-security')).toBe('max-age=31536000');
		expect((await api('/login')).headers.get('strict-transport-security')).toBeNull();
	});
});

describe('where sign-in sends you next', () => {
	const signIn = (next: string) =>
		fetch(`${server.url}/login?next=${encodeURIComponent(next)}`, {
			method: 'POST',
			redirect: 'manual',
			headers: {
				'content-type': 'application/x-www-form-urlencoded',
				accept: 'text/html',
				origin: server.url
			},
			body: new URLSearchParams({ email: TEST_ADMIN.email, password: TEST_ADMIN.password })
		});

	it.each([
		['/\t/evil.example', '/'],
		['/%09/evil.example', '/%09/evil.example'],
		['//evil.example', '/'],
		['/\\evil.example', '/'],
		['https://evil.example/', '/'],
		['/\n/evil.example', '/'],
		['/audit?action=acknowledged', '/audit?action=acknowledged']
	])('next=%j goes to %j', async (next, location) => {
		const res = await signIn(next);
		expect(res.status).toBe(303);
		expect(res.headers.get('location')).toBe(location);
	});
});

describe('/metrics', () => {
	it('answers 401 without the token, 200 with it or to an admin', async () => {
		const none = await api('/metrics');
		expect(none.status).toBe(401);
		expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
		expect((await none.json()).error.code).toBe('unauthorized');
		expect((await api('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).toBe(
			401
		);
		const scraped = await api('/metrics', {
			headers: { authorization: `Bearer ${METRICS_TOKEN}` }
		});
		expect(scraped.status).toBe(200);
		expect(await scraped.text()).toMatch(/^# HELP /m);
		expect((await api('/metrics', { headers: { cookie } })).status).toBe(200);
		const viewer = await newUser('viewer');
		expect((await api('/metrics', { headers: { cookie: viewer.cookie } })).status).toBe(403);
	});
});

describe('sign-up', () => {
	const signup = (email: string, password: string) =>
		api('/api/auth/signup', { method: 'POST', json: { email, name: 'Robin', password } });

	it('answers the same whether or not the e-mail has an account', async () => {
		const first = await signup('robin@contoso.example', 'violet harbour lantern');
		const again = await signup('robin@contoso.example', 'another good passphrase');
		const admin = await signup(TEST_ADMIN.email, 'another good passphrase');
		for (const res of [first, again, admin]) {
			expect(res.status).toBe(202);
			expect(res.headers.get('set-cookie')).toBeNull();
		}
		const bodies = await Promise.all([first, again, admin].map((r) => r.text()));
		expect(new Set(bodies).size).toBe(1);
		// The account kept the first password; the second sign-up changed nothing.
		const ok = await api('/api/auth/login', {
			method: 'POST',
			json: { email: 'robin@contoso.example', password: 'violet harbour lantern' }
		});
		expect(ok.status).toBe(200);
		const wrong = await api('/api/auth/login', {
			method: 'POST',
			json: { email: 'robin@contoso.example', password: 'another good passphrase' }
		});
		expect(wrong.status).toBe(401);
	});

	it.each([
		[' '.repeat(12), /only spaces/],
		['a'.repeat(16), /one character repeated/],
		['kim@contoso.example', /e-mail address or name/],
		['Password123456', /most common/]
	])('refuses the password %j', async (password, message) => {
		const res = await signup('kim@contoso.example', password);
		expect(res.status).toBe(400);
		const { error } = await res.json();
		expect(error.code).toBe('signup_refused');
		expect(error.details).toEqual([{ field: 'password', message: expect.stringMatching(message) }]);
	});
});

describe('password hashes', () => {
	it('moves an scrypt hash to Argon2id at the next successful sign-in', async () => {
		const password = 'an older account passphrase';
		const salt = randomBytes(16);
		const key = scryptSync(password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 << 20 });
		const scrypt = `scrypt$32768$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
		await db.query(
			`insert into users (email, name, password_hash, role) values ($1, 'Old', $2, 'viewer')`,
			['old@contoso.example', scrypt]
		);
		const stored = async () =>
			(await db.query(`select password_hash from users where email = $1`, ['old@contoso.example']))
				.rows[0].password_hash as string;

		const wrong = await api('/api/auth/login', {
			method: 'POST',
			json: { email: 'old@contoso.example', password: 'not the passphrase' }
		});
		expect(wrong.status).toBe(401);
		expect(await stored()).toBe(scrypt);

		const ok = await api('/api/auth/login', {
			method: 'POST',
			json: { email: 'old@contoso.example', password }
		});
		expect(ok.status).toBe(200);
		expect(await stored()).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
		const again = await api('/api/auth/login', {
			method: 'POST',
			json: { email: 'old@contoso.example', password }
		});
		expect(again.status).toBe(200);
	});
});
