/**
 * A webhook gets a triage job only when an AI connection is configured: without one (as in the
 * load rounds) its ticket is born triaged and there is no job to pick up. The light phase
 * measures how soon a triage job starts, so it runs with a Gemini connection pointed at a local
 * endpoint that refuses every call with 403 PERMISSION_DENIED — not retried, so each job falls
 * back to the offline result at once and the phase is not slowed by the "AI" — and removes it
 * afterwards. Both switches are checked with a probe webhook before going on (the server's
 * connection cache follows a NOTIFY).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { payload } from './fixtures.ts';
import { signIn } from './server.ts';

interface Switch {
	baseUrl: string;
	pool: pg.Pool;
	apiKey: string;
}

let probeSeq = 0;

async function putGemini(s: Switch, cookie: string, body: Record<string, unknown>) {
	const res = await fetch(`${s.baseUrl}/api/admin/connections/gemini`, {
		method: 'PUT',
		headers: { 'content-type': 'application/json', cookie, origin: s.baseUrl },
		body: JSON.stringify(body)
	});
	if (res.status !== 200)
		throw new Error(`Gemini settings answered ${res.status}: ${await res.text()}`);
}

/** Sends probe webhooks until one's ticket is (or is not) left pending for a triage job. */
async function waitForTriagePending(s: Switch, pending: boolean): Promise<void> {
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		const p = payload(1_000_000_000 + probeSeq++, 'generic');
		const res = await fetch(`${s.baseUrl}/api/webhooks/${p.endpoint}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-api-key': s.apiKey },
			body: p.body
		});
		const answer = (await res.json()) as { ticket_id?: string };
		if (res.status !== 201 || !answer.ticket_id)
			throw new Error(`probe webhook answered ${res.status}: ${JSON.stringify(answer)}`);
		const r = await s.pool.query<{ triage_status: string }>(
			`select triage_status from tickets where id = $1`,
			[answer.ticket_id]
		);
		if ((r.rows[0]?.triage_status === 'pending') === pending) return;
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`the server did not ${pending ? 'take' : 'drop'} the Gemini connection in 30 s`);
}

export async function withAiConnection<T>(s: Switch, fn: () => Promise<T>): Promise<T> {
	const refusing = createServer((req, res) => {
		req.resume();
		res.writeHead(403, { 'content-type': 'application/json' });
		res.end(
			JSON.stringify({
				error: { code: 403, message: 'bench: AI refused on purpose', status: 'PERMISSION_DENIED' }
			})
		);
	});
	await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
	const { port } = refusing.address() as AddressInfo;
	const cookie = await signIn(s.baseUrl);
	try {
		await putGemini(s, cookie, {
			apiKey: 'bench-gemini-key',
			model: 'gemini-2.5-flash',
			baseUrl: `http://127.0.0.1:${port}`
		});
		await waitForTriagePending(s, true);
		return await fn();
	} finally {
		await putGemini(s, cookie, { apiKey: null, model: 'gemini-2.5-flash' });
		await waitForTriagePending(s, false);
		refusing.close();
	}
}
