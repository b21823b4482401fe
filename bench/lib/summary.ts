import type { LoopResult } from './loop.ts';
import { mean, median, percentiles, type Percentiles } from './stats.ts';

export interface Figures extends Percentiles {
	opsPerSec: number;
}

/** One round: Vigil bracketed by each baseline (before and after), so drift within the round cancels. */
export interface Round {
	vigil: LoopResult;
	sameTransaction: LoopResult[];
	plainInsert: LoopResult[];
	/** Server process CPU per accepted webhook during the Vigil sample (ms); null without /proc. */
	serverCpuMsPerWebhook: number | null;
	triage: {
		/** Triage jobs enqueued inside the measurement window. */
		jobs: number;
		/** Of those, how many had not started when the load stopped. */
		queuedAtLoadEnd: number;
		/** Time for the workers to clear what was still queued when the load stopped (ms); null past the limit. */
		drainMs: number | null;
	};
}

export interface Ratio {
	/** Vigil's throughput over the baseline's: below 1 means Vigil is slower. */
	throughput: number;
	/** Vigil's latency over the baseline's: above 1 means Vigil is slower. */
	p50: number;
	p95: number;
	p99: number;
}

export interface DelayFigures extends Percentiles {
	n: number;
	notStarted: number;
}

export interface Summary {
	vigil: Figures;
	sameTransaction: Figures;
	plainInsert: Figures;
	ratios: { vigilOverSameTransaction: Ratio; vigilOverPlainInsert: Ratio };
	perRound: { vigil: Figures; sameTransaction: Figures; plainInsert: Figures }[];
	serverCpuMsPerWebhook: number;
	non201: Record<string, number>;
	baselineFailures: Record<string, number>;
}

const figures = (r: LoopResult): Figures => ({
	opsPerSec: r.opsPerSec,
	p50: r.p50,
	p95: r.p95,
	p99: r.p99
});

/** The bracketing samples of one baseline averaged into the round's figure. */
function bracket(samples: LoopResult[]): Figures {
	return {
		opsPerSec: mean(samples.map((s) => s.opsPerSec)),
		p50: mean(samples.map((s) => s.p50)),
		p95: mean(samples.map((s) => s.p95)),
		p99: mean(samples.map((s) => s.p99))
	};
}

function medianFigures(all: Figures[]): Figures {
	return {
		opsPerSec: median(all.map((f) => f.opsPerSec)),
		p50: median(all.map((f) => f.p50)),
		p95: median(all.map((f) => f.p95)),
		p99: median(all.map((f) => f.p99))
	};
}

/** Median over rounds of the same-round ratio: comparing across rounds would measure the machine's drift. */
function medianRatio(pairs: { vigil: Figures; base: Figures }[]): Ratio {
	return {
		throughput: median(pairs.map((p) => p.vigil.opsPerSec / p.base.opsPerSec)),
		p50: median(pairs.map((p) => p.vigil.p50 / p.base.p50)),
		p95: median(pairs.map((p) => p.vigil.p95 / p.base.p95)),
		p99: median(pairs.map((p) => p.vigil.p99 / p.base.p99))
	};
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
	for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

export function summarize(rounds: Round[]): Summary {
	const perRound = rounds.map((r) => ({
		vigil: figures(r.vigil),
		sameTransaction: bracket(r.sameTransaction),
		plainInsert: bracket(r.plainInsert)
	}));
	const non201: Record<string, number> = {};
	const baselineFailures: Record<string, number> = {};
	for (const r of rounds) {
		addCounts(non201, r.vigil.failures);
		for (const s of [...r.sameTransaction, ...r.plainInsert])
			addCounts(baselineFailures, s.failures);
	}
	return {
		vigil: medianFigures(perRound.map((r) => r.vigil)),
		sameTransaction: medianFigures(perRound.map((r) => r.sameTransaction)),
		plainInsert: medianFigures(perRound.map((r) => r.plainInsert)),
		ratios: {
			vigilOverSameTransaction: medianRatio(
				perRound.map((r) => ({ vigil: r.vigil, base: r.sameTransaction }))
			),
			vigilOverPlainInsert: medianRatio(
				perRound.map((r) => ({ vigil: r.vigil, base: r.plainInsert }))
			)
		},
		perRound,
		serverCpuMsPerWebhook: median(
			rounds.flatMap((r) => (r.serverCpuMsPerWebhook === null ? [] : [r.serverCpuMsPerWebhook]))
		),
		non201,
		baselineFailures
	};
}

export function delayFigures(delays: number[], notStarted: number): DelayFigures {
	return { n: delays.length, notStarted, ...percentiles(delays) };
}
