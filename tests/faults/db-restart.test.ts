import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestartablePostgres, type RestartablePostgres } from './support/postgres.ts';
import {
	existingTickets,
	pendingTriage,
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
 * PostgreSQL restarted (fast shutdown, 1 s away, started again on the same port) under a
 * steady stream of webhooks, ten times: Vigil must stay up, answer 503 + Retry-After while the
 * database is away, take webhooks again by itself once it is back, and every webhook it
 * answered 2xx must have its ticket.
 */
const TRIALS = 10;
const SENDERS = 20;
const DOWN_MS = 1000;
/** A sender gives up on an answer after this long: nothing may take that long. */
const REQUEST_TIMEOUT_MS = 15_000;
const RECOVERY_LIMIT_S = 10;
const DRAIN_LIMIT_MS = 60_000;

let db: RestartablePostgres;
let vigil: WatchedVigil;

beforeAll(async () => {
	db = await startRestartablePostgres();
	vigil = await startWatchedVigil(db.url);
});
afterAll(async () => {
	await vigil?.stop();
	await db?.destroy();
});

describe('PostgreSQL restarted under load', () => {
	it(`survives ${TRIALS} restarts without losing an acknowledged webhook`, async () => {
		const all: Delivery[] = [];
		const recoveries: (number | null)[] = [];
		for (let trial = 1; trial <= TRIALS; trial++) {
			await vigil.ensureRunning();
			const load = startWebhookLoad(vigil.url(), {
				senders: SENDERS,
				tag: `restart${trial}`,
				timeoutMs: REQUEST_TIMEOUT_MS
			});
			await sleep(500);
			await db.stop();
			await sleep(DOWN_MS);
			await db.start();
			const back = Date.now();
			const recovered = vigil.alive()
				? await secondsUntilCreated(vigil.url(), `restart${trial}`, back, RECOVERY_LIMIT_S * 1000)
				: null;
			recoveries.push(recovered?.seconds ?? null);
			await sleep(300);
			all.push(...(await load.stop()));
			if (recovered) all.push(recovered.delivery);
		}

		const acknowledged = all.filter((d) => d.status >= 200 && d.status <= 299);
		const ids = acknowledged.map((d) => d.ticketId).filter((id): id is string => !!id);
		const found = await existingTickets(db.url, ids);
		const unavailable = all.filter((d) => d.status === 503);
		const good503 = count(
			unavailable,
			(d) => d.code === 'database_unavailable' && Number(d.retryAfter) > 0
		);
		const other = all.filter((d) => d.status !== 503 && (d.status < 200 || d.status > 299));
		const slowest = Math.max(...all.map((d) => d.doneAt - d.sentAt));
		const slowest503 = Math.max(0, ...unavailable.map((d) => d.doneAt - d.sentAt));
		const measured = recoveries.filter((r): r is number => r !== null);
		// Jobs survive the restarts too: no pending ticket without a job that will triage it, and
		// the backlog (offline triage, no Gemini key) drains by itself.
		const afterTrials = await pendingTriage(db.url);
		let triage = afterTrials;
		const drainStarted = Date.now();
		while (triage.pending > 0 && Date.now() - drainStarted < DRAIN_LIMIT_MS) {
			await sleep(1000);
			triage = await pendingTriage(db.url);
		}
		const drainSeconds = (Date.now() - drainStarted) / 1000;

		console.log(
			`[db-restart] trials=${TRIALS} crashes=${vigil.crashes.length} requests=${all.length} ` +
				`2xx=${acknowledged.length} tickets_found=${found.size}/${ids.length} ` +
				`503=${unavailable.length} (with Retry-After and code database_unavailable: ${good503}) ` +
				`other=${other.length}${other.length ? ` [${summarize(other)}]` : ''} ` +
				`recovery_s max=${measured.length ? Math.max(...measured).toFixed(2) : '-'} ` +
				`median=${median(measured).toFixed(2)} (not recovered: ${recoveries.length - measured.length}) ` +
				`slowest_answer_ms=${slowest} slowest_503_ms=${slowest503} ` +
				`triage: pending=${afterTrials.pending} orphaned=${afterTrials.orphaned} after the trials, ` +
				`pending=${triage.pending} orphaned=${triage.orphaned} ${drainSeconds.toFixed(1)} s later`
		);
		if (other.length) console.log(unhandledErrors(vigil.server().output()));
		for (const c of vigil.crashes)
			console.log(`[db-restart] crash code=${c.code} signal=${c.signal}\n${c.tail}`);

		expect(vigil.crashes).toEqual([]);
		expect(recoveries.every((r) => r !== null && r < RECOVERY_LIMIT_S)).toBe(true);
		expect(found.size).toBe(ids.length);
		expect(ids.length).toBe(acknowledged.length);
		expect(unavailable.length).toBeGreaterThan(0);
		expect(good503).toBe(unavailable.length);
		expect(other).toEqual([]);
		expect(slowest).toBeLessThan(REQUEST_TIMEOUT_MS);
		expect(afterTrials.orphaned).toBe(0);
		expect(triage.pending).toBe(0);
	});
});

function median(xs: number[]): number {
	if (!xs.length) return 0;
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.floor(s.length / 2)]!;
}
