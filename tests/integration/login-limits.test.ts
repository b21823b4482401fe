import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_ADMIN } from '../support/db.ts';
import { startServer, type RunningServer } from '../support/server.ts';

/**
 * Issue #8: sign-in and sign-up are rate-limited per account and per address (in
 * PostgreSQL). The server takes the client address from X-Forwarded-For here, as behind
 * a proxy, so each test plays its own addresses (TEST-NET ranges: never contacted).
 */

let server: RunningServer;

beforeAll(async () => {
	server = await startServer(await createTestDatabase(), {
		ADDRESS_HEADER: 'x-forwarded-for',
		XFF_DEPTH: '1'
	});
});
afterAll(async () => {
	if (server) expect(await server.stop()).toBe(0);
});

const login = (email: string, password: string, ip: string) =>
	fetch(`${server.url}/api/auth/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
		body: JSON.stringify({ email, password })
	});

async function inParallel<T>(n: number, width: number, fn: (i: number) => Promise<T>) {
	const out: T[] = [];
	let next = 0;
	await Promise.all(
		Array.from({ length: width }, async () => {
			while (next < n) {
				const i = next++;
				out[i] = await fn(i);
			}
		})
	);
	return out;
}

describe('sign-in limits', () => {
	it('answers 429 with Retry-After after 10 wrong passwords for one account from one address', async () => {
		const attacker = '198.51.100.10';
		const statuses = await inParallel(10, 5, async (i) => {
			const res = await login(TEST_ADMIN.email, `wrong password ${i}`, attacker);
			return res.status;
		});
		expect(statuses).toEqual(Array(10).fill(401));

		const limited = await login(TEST_ADMIN.email, 'wrong password again', attacker);
		expect(limited.status).toBe(429);
		const retryAfter = Number(limited.headers.get('retry-after'));
		expect(retryAfter).toBeGreaterThan(60);
		expect(retryAfter).toBeLessThanOrEqual(15 * 60);
		const { error } = await limited.json();
		expect(error.code).toBe('too_many_attempts');
		expect(error.message).toMatch(/Try again in \d+ minutes/);

		// The right password from that address is refused too, before any hashing...
		expect((await login(TEST_ADMIN.email, TEST_ADMIN.password, attacker)).status).toBe(429);
		// ...while the account's owner elsewhere signs in as usual.
		expect((await login(TEST_ADMIN.email, TEST_ADMIN.password, '192.0.2.20')).status).toBe(200);
	});

	it('counts attempts up front: a concurrent burst gets only 10 guesses in', async () => {
		const attacker = '198.51.100.11';
		const email = 'nobody.burst@contoso.example';
		const statuses = await inParallel(30, 30, async (i) => {
			const res = await login(email, `guess ${i}`, attacker);
			return res.status;
		});
		expect(statuses.filter((s) => s === 401)).toHaveLength(10);
		expect(statuses.filter((s) => s === 429)).toHaveLength(20);
	});

	it('answers 429 after 50 attempts from one address, whatever the accounts', async () => {
		const attacker = '198.51.100.12';
		const statuses = await inParallel(50, 5, async (i) => {
			const res = await login(`nobody${i}@contoso.example`, 'a wrong password', attacker);
			return res.status;
		});
		expect(statuses).toEqual(Array(50).fill(401));
		const limited = await login('someone.else@contoso.example', 'a wrong password', attacker);
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		// Other addresses are not affected.
		expect((await login(TEST_ADMIN.email, TEST_ADMIN.password, '192.0.2.21')).status).toBe(200);
	});

	it('gives back the attempts of a successful sign-in', async () => {
		const office = '203.0.113.30';
		for (let i = 0; i < 60; i++)
			expect((await login(TEST_ADMIN.email, TEST_ADMIN.password, office)).status).toBe(200);
	});

	it('answers the sign-in form with 429, Retry-After and a form error', async () => {
		const attacker = '198.51.100.13';
		const form = (password: string) =>
			fetch(`${server.url}/login`, {
				method: 'POST',
				redirect: 'manual',
				headers: {
					'content-type': 'application/x-www-form-urlencoded',
					accept: 'text/html',
					origin: server.url,
					'x-forwarded-for': attacker
				},
				body: new URLSearchParams({ email: TEST_ADMIN.email, password })
			});
		for (let i = 0; i < 10; i++) expect((await form(`wrong ${i}`)).status).toBe(400);
		const limited = await form('wrong again');
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
		expect(await limited.text()).toMatch(/Too many sign-in attempts\. Try again in \d+ minutes/);
	});
});

describe('sign-up limits', () => {
	const signup = (email: string, ip: string) =>
		fetch(`${server.url}/api/auth/signup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
			body: JSON.stringify({ email, password: 'a long enough password' })
		});

	it('answers 429 after 5 sign-ups for one e-mail', async () => {
		for (let i = 0; i < 5; i++)
			expect((await signup('pat@contoso.example', `192.0.2.${40 + i}`)).status).toBe(202);
		const limited = await signup('pat@contoso.example', '192.0.2.50');
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
	});

	it('answers 429 after 20 sign-ups from one address', async () => {
		const ip = '198.51.100.14';
		const statuses = await inParallel(
			20,
			4,
			async (i) => (await signup(`s${i}@contoso.example`, ip)).status
		);
		expect(statuses).toEqual(Array(20).fill(202));
		expect((await signup('s20@contoso.example', ip)).status).toBe(429);
	});
});
