import http from 'node:http';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketDto } from '../../src/lib/contracts/tickets.ts';
import { createTestDatabase, TEST_INGEST_KEY } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';
import { login, startServer, type RunningServer } from '../support/server.ts';

let server: RunningServer;
let cookie: string;
const sockets: Socket[] = [];

beforeAll(async () => {
	server = await startServer(await createTestDatabase());
	cookie = await login(server.url);
});
afterAll(async () => {
	for (const s of sockets) s.disconnect();
	if (server) expect(await server.stop()).toBe(0);
});

const postWebhook = (runId: string) =>
	fetch(`${server.url}/api/webhooks/generic`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': TEST_INGEST_KEY },
		body: JSON.stringify({ ...fixture('generic/airflow-task-failed.json'), run_id: runId })
	});

function socket(headers: Record<string, string>): Socket {
	const s = connect(server.url, {
		transports: ['websocket'],
		extraHeaders: headers,
		reconnection: false
	});
	sockets.push(s);
	return s;
}

describe('the running server', () => {
	it('pushes ticket:created to every signed-in socket after a webhook', async () => {
		// As a browser page of Vigil sends it: the cookie counts only with Vigil's own Origin.
		const a = socket({ cookie, origin: server.url });
		const b = socket({ cookie, origin: server.url });
		await Promise.all(
			[a, b].map(
				(s) =>
					new Promise<void>((r, j) => (s.once('connect', () => r()), s.once('connect_error', j)))
			)
		);
		const received = Promise.all(
			[a, b].map(
				(s) =>
					new Promise<TicketDto>((r) =>
						s.on('ticket:created', (t: TicketDto) => t.run_id === 'socket-run-1' && r(t))
					)
			)
		);
		const res = await postWebhook('socket-run-1');
		expect(res.status).toBe(201);
		const { ticket_id } = await res.json();
		const [ta, tb] = await received;
		expect(ta!.id).toBe(ticket_id);
		expect(tb!.id).toBe(ticket_id);
		expect(ta!.pipeline).toBe('dag_marketing_spend.load_google_ads');
	});

	it("keeps an idle keep-alive connection open past Node's 5 s default, as a load balancer expects", async () => {
		// A balancer reuses its connections for up to a minute; one Vigil closed first would
		// reset the next request sent on it.
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const get = () =>
			new Promise<{ status: number; reused: boolean }>((resolve, reject) => {
				const req = http.get(`${server.url}/healthz`, { agent }, (res) => {
					res.resume();
					res.on('end', () => resolve({ status: res.statusCode!, reused: req.reusedSocket }));
				});
				req.on('error', reject);
			});
		try {
			expect(await get()).toEqual({ status: 200, reused: false });
			await new Promise((r) => setTimeout(r, 6000));
			expect(await get()).toEqual({ status: 200, reused: true });
		} finally {
			agent.destroy();
		}
	}, 20_000);

	it('refuses a socket without a session', async () => {
		const s = socket({});
		const err = await new Promise<Error>((r) => s.once('connect_error', r));
		expect(err.message).toBe('unauthorized');
	});

	it('requires auth on every API route and page', async () => {
		const res = await fetch(`${server.url}/api/tickets/exists/x`);
		expect(res.status).toBe(401);
		const page = await fetch(`${server.url}/`, { redirect: 'manual' });
		expect(page.status).toBe(303);
		expect(page.headers.get('location')).toMatch(/^\/login/);
		const tokens = await fetch(`${server.url}/api/tokens`);
		expect(tokens.status).toBe(401);
		expect((await tokens.json()).error.code).toBe('unauthorized');
	});

	it('issues, uses and revokes a personal API token', async () => {
		const created = await fetch(`${server.url}/api/tokens`, {
			method: 'POST',
			headers: { cookie, 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'grafana' })
		});
		expect(created.status).toBe(201);
		const { id, token } = await created.json();
		expect(token).toMatch(/^vgl_/);
		const bearer = { authorization: `Bearer ${token}` };
		expect((await fetch(`${server.url}/api/tokens`, { headers: bearer })).status).toBe(200);
		expect(
			(await fetch(`${server.url}/api/tokens/${id}`, { method: 'DELETE', headers: { cookie } }))
				.status
		).toBe(204);
		expect((await fetch(`${server.url}/api/tokens`, { headers: bearer })).status).toBe(401);
	});

	it('restricts sign-up to the allowed e-mail domains', async () => {
		const signup = (email: string) =>
			fetch(`${server.url}/api/auth/signup`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ email, name: 'Sam', password: 'a long enough password' })
			});
		const refused = await signup('sam@evil.example');
		expect(refused.status).toBe(400);
		expect((await refused.json()).error.message).toMatch(/@contoso\.example/);
		// Sign-up answers 202 without a session (issue #8: it must not tell who has an
		// account); the new account signs in next, as a responder.
		const ok = await signup('sam@contoso.example');
		expect(ok.status).toBe(202);
		expect(ok.headers.get('set-cookie')).toBeNull();
		const signedIn = await fetch(`${server.url}/api/auth/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ email: 'sam@contoso.example', password: 'a long enough password' })
		});
		expect((await signedIn.json()).user.role).toBe('responder');
		expect(signedIn.headers.get('set-cookie')).toMatch(/vigil_session=.*HttpOnly/i);
	});

	it('acknowledges through the API as the signed-in user', async () => {
		const { ticket_id } = await (await postWebhook('api-ack-1')).json();
		const ack = await fetch(`${server.url}/api/tickets/${ticket_id}/acknowledge`, {
			method: 'POST',
			headers: { cookie }
		});
		expect(ack.status).toBe(200);
		const body = await ack.json();
		expect(body.status).toBe('changed');
		expect(body.ticket.acknowledged_by).toBe('Administrator');
		const again = await fetch(`${server.url}/api/tickets/${ticket_id}/acknowledge`, {
			method: 'POST',
			headers: { cookie }
		});
		expect((await again.json()).status).toBe('unchanged');
		expect(
			(
				await fetch(`${server.url}/api/tickets/GEN-nope/acknowledge`, {
					method: 'POST',
					headers: { cookie }
				})
			).status
		).toBe(404);
	});

	it('refuses a cross-site request carrying the session cookie', async () => {
		const { ticket_id } = await (await postWebhook('csrf-1')).json();
		const res = await fetch(`${server.url}/api/tickets/${ticket_id}/acknowledge`, {
			method: 'POST',
			headers: { cookie, origin: 'https://evil.example' }
		});
		expect(res.status).toBe(403);
		expect((await res.json()).error.code).toBe('cross_site_request');
		const form = await fetch(`${server.url}/api/tokens`, {
			method: 'POST',
			headers: { cookie, 'content-type': 'text/plain' },
			body: JSON.stringify({ name: 'sneaky' })
		});
		expect(form.status).toBe(415);
	});

	it('serves health, readiness and metrics', async () => {
		expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
		expect(await (await fetch(`${server.url}/readyz`)).json()).toMatchObject({ status: 'ok' });
		// Metrics need an admin or METRICS_TOKEN since issue #8 (security.test.ts tests both).
		expect(await (await fetch(`${server.url}/metrics`, { headers: { cookie } })).text()).toMatch(
			/vigil_webhooks_total\{endpoint="generic",outcome="created"\}/
		);
	});
});
