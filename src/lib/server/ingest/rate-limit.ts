import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import type { Pool } from '../db/pool.ts';
import { log } from '../log.ts';
import { formatRateRule, type RateRule } from '#lib/contracts/rate-rule.ts';

/** Created by Migration20261129050000_ingest_backpressure; shared by every Vigil instance. */
export const INGEST_LIMITS_TABLE = 'ingest_rate_limits';

export type RateGate = { ok: true } | { ok: false; rule: RateRule; retryAfterS: number };

export interface IngestRateLimits {
	/**
	 * Counts one webhook against its key: refused (with the rule and the seconds to wait)
	 * when the key used up its rule's webhooks in the current second or minute. `override`
	 * is the key's own rule (set in the admin); null there means no limit for that key.
	 */
	take(keyId: string, override?: RateRule | null): Promise<RateGate>;
	stop(): void;
}

interface Waiter {
	resolve(gate: RateGate): void;
}

/**
 * Fixed-window counters in PostgreSQL (rate-limiter-flexible), so every instance counts the
 * same webhooks. Under a flood the counting must not cost a write per webhook: while one
 * upsert for a key is in flight, the webhooks arriving for that key wait and are counted
 * together by the next one (`consume(key, n)`), each told from its place in the count
 * whether it fits. A database failure lets the webhook through: ingest itself then answers
 * 503 if the database is really gone, and a limiter must not turn a blip into refusals.
 */
export function createIngestRateLimits(pool: Pool, defaultRule: RateRule | null): IngestRateLimits {
	const limiters = new Map<string, RateLimiterPostgres>();
	const limiter = (rule: RateRule) => {
		const name = formatRateRule(rule);
		let rl = limiters.get(name);
		if (!rl) {
			rl = new RateLimiterPostgres({
				storeClient: pool,
				storeType: 'pool',
				tableName: INGEST_LIMITS_TABLE,
				tableCreated: true,
				clearExpiredByTimeout: false,
				// Per rule: a key whose limit changes starts a fresh count under the new one.
				keyPrefix: `ingest:${name}`,
				points: rule.points,
				duration: rule.per === 's' ? 1 : 60
			});
			limiters.set(name, rl);
		}
		return rl;
	};

	const queues = new Map<string, { rule: RateRule; waiting: Waiter[]; busy: boolean }>();

	async function drain(id: string): Promise<void> {
		const q = queues.get(id)!;
		while (q.waiting.length > 0) {
			const batch = q.waiting.splice(0);
			const keyId = id.slice(id.indexOf('|') + 1);
			let res: RateLimiterRes | null = null;
			try {
				res = await limiter(q.rule).consume(keyId, batch.length);
			} catch (err) {
				if (err instanceof RateLimiterRes) res = err;
				else {
					log.warn({ err }, 'ingest rate limit not checked: letting webhooks through');
					// Those queued behind it would wait as long again on the same database.
					batch.push(...q.waiting.splice(0));
				}
			}
			batch.forEach((w, i) => {
				if (!res) return w.resolve({ ok: true });
				// This webhook's place in the window's count.
				const nth = res.consumedPoints - batch.length + i + 1;
				w.resolve(
					nth <= q.rule.points
						? { ok: true }
						: {
								ok: false,
								rule: q.rule,
								retryAfterS: Math.max(1, Math.ceil(res.msBeforeNext / 1000))
							}
				);
			});
		}
		q.busy = false;
		queues.delete(id);
	}

	const sweep = setInterval(() => {
		pool
			.query(`delete from ${INGEST_LIMITS_TABLE} where expire < $1`, [Date.now() - 60_000])
			.catch(() => {}); // Not critical: expired rows are reset on their next use.
	}, 5 * 60_000);
	sweep.unref();

	return {
		take(keyId, override) {
			const rule = override === undefined ? defaultRule : override;
			if (!rule) return Promise.resolve({ ok: true });
			const id = `${formatRateRule(rule)}|${keyId}`;
			return new Promise<RateGate>((resolve) => {
				let q = queues.get(id);
				if (!q) queues.set(id, (q = { rule, waiting: [], busy: false }));
				q.waiting.push({ resolve });
				if (!q.busy) {
					q.busy = true;
					void drain(id);
				}
			});
		},
		stop: () => clearInterval(sweep)
	};
}
