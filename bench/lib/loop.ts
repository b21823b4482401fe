import { percentiles, type Percentiles } from './stats.ts';

/** What one closed-loop sample measured. Times are epoch milliseconds (this machine's clock). */
export interface LoopResult extends Percentiles {
	ok: number;
	/** Successful operations including the warm-up and the tail after the window. */
	okTotal: number;
	/** Failed operations by reason (HTTP status or error message); should stay empty. */
	failures: Record<string, number>;
	opsPerSec: number;
	seconds: number;
	windowStartMs: number;
	windowEndMs: number;
}

export interface LoopOptions {
	concurrency: number;
	warmupMs: number;
	durationMs: number;
}

/** `true` when the operation succeeded, else a short reason it is counted under. */
export type Operation = (seq: number) => Promise<true | string>;

export const epochNow = (): number => performance.timeOrigin + performance.now();

/**
 * Runs `concurrency` workers that each start the next operation as soon as the
 * previous one finishes. Only operations that complete inside the measurement
 * window (after the warm-up) count, so throughput is sustained, not burst.
 */
export async function closedLoop(opts: LoopOptions, op: Operation): Promise<LoopResult> {
	const start = performance.now();
	const windowStart = start + opts.warmupMs;
	const windowEnd = windowStart + opts.durationMs;
	const latencies: number[] = [];
	const failures: Record<string, number> = {};
	let seq = 0;
	let ok = 0;
	let okTotal = 0;

	async function worker(): Promise<void> {
		while (performance.now() < windowEnd) {
			const t0 = performance.now();
			let outcome: true | string;
			try {
				outcome = await op(seq++);
			} catch (err) {
				outcome = (err as Error).message.slice(0, 120);
			}
			const t1 = performance.now();
			if (outcome === true) okTotal++;
			if (t1 < windowStart || t1 > windowEnd) continue;
			if (outcome === true) {
				ok++;
				latencies.push(t1 - t0);
			} else failures[outcome] = (failures[outcome] ?? 0) + 1;
		}
	}
	await Promise.all(Array.from({ length: opts.concurrency }, worker));

	const seconds = opts.durationMs / 1000;
	return {
		ok,
		okTotal,
		failures,
		opsPerSec: ok / seconds,
		seconds,
		...percentiles(latencies),
		windowStartMs: performance.timeOrigin + windowStart,
		windowEndMs: performance.timeOrigin + windowEnd
	};
}
