import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../support/server.ts';
import { startRestartablePostgres, type RestartablePostgres } from './support/postgres.ts';
import { startStallingProxy, type StallingProxy } from './support/proxy.ts';
import {
	existingTickets,
	startWatchedVigil,
	unhandledErrors,
	type WatchedVigil
} from './support/vigil.ts';
import {
	count,
	secondsUntilCreated,
	startWebhookLoad,
	summarize,
	type Delivery
} from './support/webhooks.ts';

/**
 * PostgreSQL that hangs rather than dies: Vigil reaches it through a proxy that, frozen, keeps
 * every connection open and accepts new ones but moves no byte either way. Webhooks, /readyz
 * and a signed-in API request must all be answered 503 within seconds (not held for as long as
 * the database stalls), and Vigil must serve again by itself once the database answers.
 */
const TRIALS = 2;
const FROZEN_MS = 10_000;
const SENDERS = 8;
/** Webhooks and API requests: the pool's query timeout (5 s) plus a margin for a loaded machine. */
const ANSWER_LIMIT_MS = 8000;
/** /readyz has a 2 s deadline of its own. */
const READYZ_LIMIT_MS = 3000;
const RECOVERY_LIMIT_S = 10;

let db: RestartablePostgres;
let proxy: StallingProxy;
let vigil: WatchedVigil;

beforeAll(async () => {
	db = await startRestartablePostgres();
	proxy = await startStallingProxy(db.url);
	vigil = await startWatchedVigil(proxy.url);
});
afterAll(async () => {
	proxy?.thaw();
	await vigil?.stop();
	await proxy?.close();
	await db?.destroy();
});

interface Probe {
	what: 'readyz' | 'api';
	status: number;
	ms: number;
	body: string;
	retryAfter: string | null;
}

/** GETs `path` every `everyMs` until stopped; records every answer (status 0: none in 15 s). */
function poll(base: string, what: Probe['what'], path: string, headers: Record<string, string>) {
	const probes: Probe[] = [];
	let running = true;
	const loop = (async () => {
		while (running) {
			const started = performance.now();
			try {
				const res = await fetch(`${base}${path}`, {
					headers,
					signal: AbortSignal.timeout(15_000)
				});
				probes.push({
					what,
					status: res.status,
					ms: performance.now() - started,
					body: await res.text(),
					retryAfter: res.headers.get('retry-after')
				});
			} catch {
				probes.push({
					what,
					status: 0,
					ms: performance.now() - started,
					body: '',
					retryAfter: null
				});
			}
			await sleep(500);
		}
	})();
	return {
		probes,
		stop: async () => {
			running = false;
			await loop;
			return probes;
		}
	};
}

describe('PostgreSQL hanging', () => {
	it('is answered 503 within seconds, and Vigil recovers when it answers again', async () => {
		const cookie = await login(vigil.url());
		const all: Delivery[] = [];
		const duringHang: Delivery[] = [];
		const probes: Probe[] = [];
		const recoveries: (number | null)[] = [];
		for (let trial = 1; trial <= TRIALS; trial++) {
			// Warm: the pools hold idle connections, which is where a hang bites first.
			const warm = startWebhookLoad(vigil.url(), { senders: SENDERS, tag: `hang${trial}-warm` });
			await sleep(1000);
			all.push(...(await warm.stop()));

			proxy.freeze();
			const frozenAt = Date.now();
			const load = startWebhookLoad(vigil.url(), {
				senders: SENDERS,
				tag: `hang${trial}`,
				timeoutMs: 15_000,
				pauseAfterFailureMs: 200
			});
			const readyz = poll(vigil.url(), 'readyz', '/readyz', {});
			const api = poll(vigil.url(), 'api', '/api/tickets?limit=1', { cookie });
			await sleep(FROZEN_MS);
			// Only what was sent and answered while the database hung.
			const thawAt = Date.now();
			const [deliveries, readyProbes, apiProbes] = await Promise.all([
				load.stop(),
				readyz.stop(),
				api.stop()
			]);
			proxy.thaw();
			const back = Date.now();
			all.push(...deliveries);
			duringHang.push(...deliveries.filter((d) => d.sentAt >= frozenAt && d.doneAt <= thawAt));
			probes.push(...[...readyProbes, ...apiProbes]);
			const recovered = vigil.alive()
				? await secondsUntilCreated(vigil.url(), `hang${trial}`, back, RECOVERY_LIMIT_S * 1000)
				: null;
			recoveries.push(recovered?.seconds ?? null);
			if (recovered) all.push(recovered.delivery);
		}
		// After the last thaw, /readyz is 200 again.
		const readyAgain = await fetch(`${vigil.url()}/readyz`);

		const acknowledged = all.filter((d) => d.status >= 200 && d.status <= 299);
		const ids = acknowledged.map((d) => d.ticketId).filter((id): id is string => !!id);
		const found = await existingTickets(db.url, ids);
		const hang503 = duringHang.filter((d) => d.status === 503);
		const hangOther = duringHang.filter((d) => d.status !== 503);
		const good503 = count(
			hang503,
			(d) => d.code === 'database_unavailable' && Number(d.retryAfter) > 0
		);
		const ms = (ds: { ms: number }[]) => ds.map((d) => Math.round(d.ms));
		const hangMs = ms(duringHang.map((d) => ({ ms: d.doneAt - d.sentAt })));
		const readyzProbes = probes.filter((p) => p.what === 'readyz');
		const apiProbes = probes.filter((p) => p.what === 'api');

		console.log(
			`[db-hang] trials=${TRIALS} frozen_s=${FROZEN_MS / 1000} crashes=${vigil.crashes.length} ` +
				`webhooks_during_hang=${duringHang.length} 503=${hang503.length} (with Retry-After and code database_unavailable: ${good503}) ` +
				`other=${hangOther.length}${hangOther.length ? ` [${summarize(hangOther)}]` : ''} ` +
				`answer_ms median=${median(hangMs)} max=${Math.max(0, ...hangMs)} | ` +
				`readyz n=${readyzProbes.length} statuses=${statuses(readyzProbes)} ms max=${Math.max(0, ...ms(readyzProbes))} | ` +
				`api(session) n=${apiProbes.length} statuses=${statuses(apiProbes)} ms median=${median(ms(apiProbes))} max=${Math.max(0, ...ms(apiProbes))} | ` +
				`recovery_s=${recoveries.map((r) => (r === null ? '-' : r.toFixed(2))).join(',')} ` +
				`readyz_after=${readyAgain.status} 2xx=${acknowledged.length} tickets_found=${found.size}/${ids.length}`
		);
		if (hangOther.length || probes.some((p) => p.status === 500))
			console.log(unhandledErrors(vigil.server().output()));
		for (const c of vigil.crashes)
			console.log(`[db-hang] crash code=${c.code} signal=${c.signal}\n${c.tail}`);

		expect(vigil.crashes).toEqual([]);
		expect(duringHang.length).toBeGreaterThan(0);
		expect(hangOther).toEqual([]);
		expect(good503).toBe(hang503.length);
		expect(Math.max(...hangMs)).toBeLessThan(ANSWER_LIMIT_MS);
		expect(readyzProbes.every((p) => p.status === 503 && p.ms < READYZ_LIMIT_MS)).toBe(true);
		// The probe's body names the failed checks, never the driver's error.
		for (const p of readyzProbes) {
			expect(JSON.parse(p.body).status).toBe('unavailable');
			expect(p.body).not.toMatch(/timeout exceeded|Connection terminated|Query read timeout/i);
		}
		expect(apiProbes.every((p) => p.status === 503 && p.ms < ANSWER_LIMIT_MS)).toBe(true);
		expect(apiProbes.every((p) => Number(p.retryAfter) > 0)).toBe(true);
		expect(recoveries.every((r) => r !== null && r < RECOVERY_LIMIT_S)).toBe(true);
		expect(readyAgain.status).toBe(200);
		expect(found.size).toBe(ids.length);
		expect(ids.length).toBe(acknowledged.length);
	});
});

function median(xs: number[]): number {
	if (!xs.length) return 0;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)]!;
}

function statuses(ps: Probe[]): string {
	const by = new Map<number, number>();
	for (const p of ps) by.set(p.status, (by.get(p.status) ?? 0) + 1);
	return [...by].map(([s, n]) => `${n}×${s}`).join(',');
}
