import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createIngestKey,
	IngestKeyLimitBody,
	listIngestKeys,
	setKeyRateLimit
} from '../../src/lib/server/auth/ingest-keys.ts';
import { handleWebhook } from '../../src/lib/server/http/webhooks.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { createTestDatabase, startTestRuntime, TEST_INGEST_KEY } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';
import { webhookRequest } from '../support/http.ts';
import { startServer, type RunningServer } from '../support/server.ts';

const generic = (runId: string) => ({
	...fixture<Record<string, unknown>>('generic/airflow-task-failed.json'),
	run_id: runId
});

async function post(rt: Runtime, key: string, runId: string) {
	const res = await handleWebhook(
		rt,
		'generic',
		webhookRequest('generic', generic(runId), { key }),
		`req-${runId}`
	);
	return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

describe('per-key ingest rate limits', () => {
	// Per minute, so no window rolls over while a test runs on a busy machine.
	const env = { VIGIL_INGEST_RATE_LIMIT: '5/min' };
	let a: Runtime;
	let b: Runtime;
	const keys: Record<string, string> = {};
	beforeAll(async () => {
		const databaseUrl = await createTestDatabase();
		a = await startTestRuntime(env, { databaseUrl, workers: false, poolSize: 5 });
		b = await startTestRuntime(env, { databaseUrl, workers: false, poolSize: 5 });
		for (const name of ['one', 'two', 'shared', 'own', 'unlimited'])
			keys[name] = (await createIngestKey(a.em(), name, null)).key;
	});
	afterAll(async () => {
		await b?.stop();
		await a?.stop();
	});

	it('answers 429 with Retry-After and the limit past 5 a minute, and stores nothing of those', async () => {
		const answers = await Promise.all(
			Array.from({ length: 8 }, (_, i) => post(a, keys.one!, `limit-one-${i}`))
		);
		expect(answers.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
		for (const r of answers.filter((x) => x.status === 429)) {
			expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
			expect(Number(r.retryAfter)).toBeLessThanOrEqual(60);
			expect(r.body.error).toMatchObject({
				code: 'rate_limited',
				details: { limit: '5/min', retry_after_seconds: Number(r.retryAfter) }
			});
			expect(r.body.error.message).toContain('5 webhooks per minute');
		}
		const stored = await a.pool.query(
			`select count(*)::int as n from webhook_events where body like '%limit-one-%'`
		);
		expect(stored.rows[0].n).toBe(5);
	});

	it('counts each key on its own', async () => {
		const answers = await Promise.all(
			Array.from({ length: 5 }, (_, i) => post(a, keys.two!, `limit-two-${i}`))
		);
		expect(answers.map((r) => r.status)).toEqual(Array(5).fill(201));
		expect((await post(a, keys.two!, 'limit-two-5')).status).toBe(429);
	});

	it('counts a key across instances sharing the database', async () => {
		const first = await Promise.all(
			Array.from({ length: 3 }, (_, i) => post(a, keys.shared!, `limit-shared-a${i}`))
		);
		const second = await Promise.all(
			Array.from({ length: 3 }, (_, i) => post(b, keys.shared!, `limit-shared-b${i}`))
		);
		expect(first.map((r) => r.status)).toEqual([201, 201, 201]);
		expect(second.map((r) => r.status).sort()).toEqual([201, 201, 429]);
		// And the key refused on A is refused on B.
		expect((await post(b, keys.one!, 'limit-one-on-b')).status).toBe(429);
	});

	it("follows a key's own limit set by an admin: lower, or none", async () => {
		const ids = new Map((await listIngestKeys(a.em())).map((k) => [k.name, k.id]));
		const set = (name: string, rate_limit: string | null) =>
			setKeyRateLimit(a.em(), ids.get(name)!, IngestKeyLimitBody.parse({ rate_limit }).rate_limit);
		expect(await set('own', ' 2 / minute ')).toMatchObject({ name: 'own', rate_limit: '2/min' });
		expect(await set('unlimited', 'OFF')).toMatchObject({ rate_limit: 'off' });
		expect(() => IngestKeyLimitBody.parse({ rate_limit: '5/hour' })).toThrow(
			'rate_limit must be like 100/s or 6000/min, off, or null to follow the default'
		);
		const own = await Promise.all(
			Array.from({ length: 3 }, (_, i) => post(a, keys.own!, `limit-own-${i}`))
		);
		expect(own.map((r) => r.status).sort()).toEqual([201, 201, 429]);
		expect(own.find((r) => r.status === 429)!.body.error.details.limit).toBe('2/min');
		const unlimited = await Promise.all(
			Array.from({ length: 12 }, (_, i) => post(a, keys.unlimited!, `limit-off-${i}`))
		);
		expect(unlimited.map((r) => r.status)).toEqual(Array(12).fill(201));
		// Back to the default (5/min), counted afresh under it.
		await set('unlimited', null);
		const back = await Promise.all(
			Array.from({ length: 6 }, (_, i) => post(a, keys.unlimited!, `limit-back-${i}`))
		);
		expect(back.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 201, 429]);
	});
});

describe('the cap on webhooks in flight', () => {
	let rt: Runtime;
	beforeAll(async () => {
		rt = await startTestRuntime(
			{ VIGIL_INGEST_CONCURRENCY: '2', VIGIL_INGEST_QUEUE: '3' },
			{ workers: false, poolSize: 5 }
		);
	});
	afterAll(async () => rt?.stop());

	/** A webhook whose body never ends: it holds its slot until the test lets it finish. */
	function stalled(runId: string) {
		let finish!: () => void;
		const body = new ReadableStream<Uint8Array>({
			start(controller) {
				controller.enqueue(new TextEncoder().encode(JSON.stringify(generic(runId))));
				finish = () => controller.close();
			}
		});
		const request = new Request('http://vigil.test/api/webhooks/generic', {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'x-api-key': TEST_INGEST_KEY
			},
			body,
			duplex: 'half'
		} as RequestInit);
		return { answer: handleWebhook(rt, 'generic', request, runId), finish: () => finish() };
	}

	it('turns webhooks past the cap and the line away at once with 503 + Retry-After, and takes the rest', async () => {
		const held = Array.from({ length: 5 }, (_, i) => stalled(`cap-held-${i}`));
		// 2 in flight, 3 waiting: the next ones are refused without waiting for any of them.
		await new Promise((r) => setTimeout(r, 50));
		const refused = await Promise.all([
			handleWebhook(rt, 'generic', webhookRequest('generic', generic('cap-over-1')), 'x'),
			handleWebhook(rt, 'generic', webhookRequest('generic', generic('cap-over-2')), 'y')
		]);
		for (const res of refused) {
			expect(res.status).toBe(503);
			expect(res.headers.get('retry-after')).toBe('1');
			expect((await res.json()).error).toMatchObject({ code: 'ingest_busy' });
		}
		expect(rt.ingestAdmission.inFlight).toBe(2);
		expect(rt.ingestAdmission.waiting).toBe(3);
		for (const h of held) h.finish();
		const answers = await Promise.all(held.map((h) => h.answer));
		expect(answers.map((r) => r.status)).toEqual(Array(5).fill(201));
		expect(rt.ingestAdmission.inFlight).toBe(0);
		// With the line cleared, webhooks are taken again.
		const after = await handleWebhook(
			rt,
			'generic',
			webhookRequest('generic', generic('cap-after')),
			'z'
		);
		expect(after.status).toBe(201);
	});
});

describe('a flood through the production server', () => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer(await createTestDatabase(), {
			VIGIL_INGEST_CONCURRENCY: '4',
			VIGIL_INGEST_QUEUE: '8'
		});
	});
	afterAll(async () => server?.stop());

	it('keeps /healthz and /readyz answering while webhooks past the cap are refused fast', async () => {
		const answers: { status: number; retryAfter: string | null; code: string | null }[] = [];
		let flooding = true;
		let n = 0;
		// 60 senders, each sending its next webhook as soon as the last is answered.
		const senders = Array.from({ length: 60 }, async () => {
			while (flooding) {
				const r = await fetch(`${server.url}/api/webhooks/generic`, {
					method: 'POST',
					headers: {
						'content-type': 'application/json',
						'x-api-key': TEST_INGEST_KEY
					},
					body: JSON.stringify(generic(`flood-${n++}`))
				});
				const body = r.status === 201 ? null : await r.json();
				answers.push({
					status: r.status,
					retryAfter: r.headers.get('retry-after'),
					code: body?.error?.code ?? null
				});
			}
		});
		for (let i = 0; i < 500 && !answers.some((a) => a.status === 503); i++)
			await new Promise((r) => setTimeout(r, 20));
		expect(answers.some((a) => a.status === 503)).toBe(true);
		const health: number[] = [];
		for (const p of ['/healthz', '/readyz', '/healthz', '/readyz'])
			health.push((await fetch(`${server.url}${p}`)).status);
		const refusedBeforeHealthDone = answers.filter((a) => a.status === 503).length;
		// Still flooding: the health checks were answered in the middle of it.
		await new Promise((r) => setTimeout(r, 200));
		const refusedAfter = answers.filter((a) => a.status === 503).length;
		flooding = false;
		await Promise.all(senders);

		expect(health).toEqual([200, 200, 200, 200]);
		expect(refusedAfter).toBeGreaterThan(refusedBeforeHealthDone);
		const busy = answers.filter((a) => a.status === 503);
		expect(answers.filter((a) => a.status !== 201 && a.status !== 503)).toEqual([]);
		for (const b of busy) expect(b).toMatchObject({ retryAfter: '1', code: 'ingest_busy' });
		expect(answers.some((a) => a.status === 201)).toBe(true);
	});
});
