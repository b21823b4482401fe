/** The measured phases: rounds of baseline / Vigil / baseline, and the light-load triage probe. */
import type pg from 'pg';
import { plainInsert, sameTransaction } from './baselines.ts';
import type { CapturedIngest } from './capture.ts';
import { cpuSeconds } from './cpu.ts';
import type { LoopOptions, LoopResult } from './loop.ts';
import { runSender } from './run-sender.ts';
import type { RunningServer } from './server.ts';
import { delayFigures, type DelayFigures, type Round } from './summary.ts';
import {
	drainTriage,
	queueDelays,
	triageJobsBetween,
	triageJobsFor,
	waitForTriageIdle
} from './triage-delay.ts';

export interface PhaseContext {
	server: RunningServer;
	pool: pg.Pool;
	apiKey: string;
	loop: LoopOptions;
	log: (line: string) => void;
}

const DRAIN_LIMIT_MS = 300_000;

async function vigilLoad(
	ctx: PhaseContext
): Promise<{ result: LoopResult; cpuMsPerWebhook: number | null }> {
	const before = cpuSeconds(ctx.server.pid);
	const out = await runSender({
		baseUrl: ctx.server.baseUrl,
		apiKey: ctx.apiKey,
		mode: 'load',
		intervalMs: 0,
		...ctx.loop
	});
	const after = cpuSeconds(ctx.server.pid);
	if (!('load' in out)) throw new Error('sender answered without load figures');
	const cpu =
		before !== null && after !== null && out.load.okTotal > 0
			? ((after - before) * 1000) / out.load.okTotal
			: null;
	return { result: out.load, cpuMsPerWebhook: cpu };
}

async function drain(ctx: PhaseContext): Promise<number | null> {
	const ms = await drainTriage(ctx.pool, DRAIN_LIMIT_MS);
	if (ms === null)
		ctx.log(`!!! triage backlog not cleared after ${DRAIN_LIMIT_MS / 1000} s; continuing`);
	return ms;
}

export interface RoundsOutcome {
	rounds: Round[];
	/** started_on − created_on of every triage job enqueued during the Vigil samples (ms). */
	loadDelays: number[];
}

/** Each round runs same-tx, plain, Vigil, plain, same-tx: both baselines bracket Vigil in time. */
export async function runRounds(
	ctx: PhaseContext,
	captured: CapturedIngest,
	count: number
): Promise<RoundsOutcome> {
	const rounds: Round[] = [];
	const loadDelays: number[] = [];
	for (let i = 1; i <= count; i++) {
		const step = (what: string) => ctx.log(`round ${i}/${count}: ${what}`);
		step('same-transaction baseline');
		const same1 = await sameTransaction(ctx.pool, captured, ctx.loop);
		step('one-row INSERT baseline');
		const plain1 = await plainInsert(ctx.pool, ctx.loop);
		step('Vigil');
		const vigil = await vigilLoad(ctx);
		const jobsAtEnd = await triageJobsBetween(
			ctx.pool,
			vigil.result.windowStartMs,
			vigil.result.windowEndMs
		);
		const queuedAtLoadEnd = jobsAtEnd.filter(
			(j) => j.startedMs === null || j.startedMs > vigil.result.windowEndMs
		).length;
		step(
			`${vigil.result.opsPerSec.toFixed(0)} webhooks/s; clearing ${queuedAtLoadEnd} queued triage jobs`
		);
		const drainMs = await drain(ctx);
		const jobs = await triageJobsBetween(
			ctx.pool,
			vigil.result.windowStartMs,
			vigil.result.windowEndMs
		);
		loadDelays.push(...queueDelays(jobs));
		step('one-row INSERT baseline');
		const plain2 = await plainInsert(ctx.pool, ctx.loop);
		step('same-transaction baseline');
		const same2 = await sameTransaction(ctx.pool, captured, ctx.loop);
		rounds.push({
			vigil: vigil.result,
			sameTransaction: [same1, same2],
			plainInsert: [plain1, plain2],
			serverCpuMsPerWebhook: vigil.cpuMsPerWebhook,
			triage: { jobs: jobs.length, queuedAtLoadEnd, drainMs }
		});
	}
	return { rounds, loadDelays };
}

export interface LightOutcome {
	intervalMs: number;
	queue: DelayFigures;
	acceptedToStart: DelayFigures;
	failures: Record<string, number>;
}

/**
 * One webhook every `intervalMs` on an empty queue with parked workers: the
 * delay NOTIFY wake-up gives, with no queueing behind other jobs.
 */
export async function runLight(
	ctx: PhaseContext,
	opts: { intervalMs: number; durationMs: number; parkMs: number }
): Promise<LightOutcome> {
	if ((await waitForTriageIdle(ctx.pool, 60_000)) === null)
		throw new Error('triage queue not empty before the light phase');
	// Long enough that every worker has finished its start-up fetch and sits in its poll wait.
	await new Promise((r) => setTimeout(r, opts.parkMs));
	ctx.log(`light load: 1 webhook every ${opts.intervalMs} ms for ${opts.durationMs / 1000} s`);
	const out = await runSender({
		baseUrl: ctx.server.baseUrl,
		apiKey: ctx.apiKey,
		mode: 'paced',
		concurrency: 1,
		warmupMs: 0,
		intervalMs: opts.intervalMs,
		durationMs: opts.durationMs
	});
	if (!('paced' in out)) throw new Error('sender answered without paced figures');
	// Only what the webhooks themselves woke counts: no extra wake-ups here, just a wait.
	await waitForTriageIdle(ctx.pool, 90_000);
	const { accepted, failures } = out.paced;
	const jobs = await triageJobsFor(
		ctx.pool,
		accepted.map((a) => a.ticketId)
	);
	const acceptedAt = new Map(accepted.map((a) => [a.ticketId, a.acceptedAtMs]));
	const started = jobs.filter((j) => j.startedMs !== null);
	const notStarted = accepted.length - started.length;
	return {
		intervalMs: opts.intervalMs,
		queue: delayFigures(queueDelays(jobs), notStarted),
		acceptedToStart: delayFigures(
			started.map((j) => j.startedMs! - acceptedAt.get(j.ticketId)!),
			notStarted
		),
		failures
	};
}
