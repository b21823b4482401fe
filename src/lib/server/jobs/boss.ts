import { PgBoss, type Job } from 'pg-boss';
import { isConnectionError } from '../db/errors.ts';
import type { PoolClient, Statement } from '../db/pool.ts';
import { bossDb, DB_TIMEOUTS } from '../db/pool.ts';
import { log } from '../log.ts';
import { QUEUES, type QueueName, type QueuePayloads } from './queues.ts';

export type Boss = PgBoss;

/**
 * How often the supervisor fails jobs whose heartbeat lapsed (a dead worker's) or that outlived
 * expireInSeconds (pg-boss default: every 60 s). With 10 s heartbeats, a job a killed process
 * held is retried 10-15 s after the kill, on whichever instance is up.
 */
const SUPERVISE_SECONDS = 5;

/** Ready jobs in a queue above which its workers stop waiting between fetches. */
const BURST_BACKLOG = 10;

export async function startBoss(url: string, opts: { spies?: boolean } = {}): Promise<PgBoss> {
	const boss = new PgBoss({
		connectionString: url,
		max: 5,
		// pg-boss's own default is 10 s; a new connection to a database that hangs should fail
		// in as long as Vigil's own pool takes (its work then waits for the next poll).
		connectionTimeoutMillis: DB_TIMEOUTS.connectMs,
		useListenNotify: true,
		superviseIntervalSeconds: SUPERVISE_SECONDS,
		monitorIntervalSeconds: SUPERVISE_SECONDS,
		// The backlog the workers' burst mode reads (work below) is this fresh.
		queueCacheIntervalSeconds: SUPERVISE_SECONDS,
		__test__enableSpies: opts.spies ?? false,
		application_name: 'vigil-jobs'
	});
	// pg-boss keeps error listeners on its pool, its checked-out clients and its LISTEN client,
	// and reports every loss here; it reconnects by itself (the LISTEN client with backoff,
	// polling meanwhile). 57P01 is also what our own shutdown of the embedded database sends.
	boss.on('error', (err: Error & { code?: string }) =>
		isConnectionError(err)
			? log.warn({ code: err.code, msg: err.message }, 'pg-boss: database connection lost')
			: log.error({ err }, 'pg-boss error')
	);
	await boss.start();
	for (const [name, spec] of Object.entries(QUEUES)) {
		await boss.createQueue(name, spec);
		// createQueue leaves an existing queue as it was: bring its settings up to date.
		const { policy: _policy, ...settings } = spec;
		await boss.updateQueue(name, settings);
	}
	// A restarted instance frees the jobs its predecessor died holding at once (if their heartbeat
	// has lapsed by now) instead of at the first timed pass.
	boss
		.supervise()
		.catch((err: unknown) => log.warn({ err }, 'pg-boss: first supervise pass failed'));
	return boss;
}

export interface SendOptions {
	/** Enqueue inside this transaction: the job exists only if the transaction commits. */
	tx?: PoolClient;
	startAfter?: Date;
	singletonKey?: string;
}

export async function send<Q extends QueueName>(
	boss: PgBoss,
	queue: Q,
	data: QueuePayloads[Q],
	opts: SendOptions = {}
): Promise<string | null> {
	return boss.send(queue, data, {
		...(opts.tx ? { db: bossDb(opts.tx) } : {}),
		...(opts.startAfter ? { startAfter: opts.startAfter } : {}),
		...(opts.singletonKey ? { singletonKey: opts.singletonKey } : {})
	});
}

type JobInput<Q extends QueueName> = {
	data: QueuePayloads[Q];
	startAfter?: Date;
	singletonKey?: string;
};

const insertable = <Q extends QueueName>(jobs: JobInput<Q>[]) =>
	jobs.map((j) => ({
		data: j.data,
		...(j.startAfter ? { startAfter: j.startAfter } : {}),
		...(j.singletonKey ? { singletonKey: j.singletonKey } : {})
	}));

/**
 * Enqueues many jobs of one queue in one statement inside `tx` (pg-boss `insert`): a batch
 * of webhooks committed together costs one INSERT and one NOTIFY per queue, not one per job.
 */
export async function sendMany<Q extends QueueName>(
	boss: PgBoss,
	queue: Q,
	jobs: JobInput<Q>[],
	opts: { tx: PoolClient }
): Promise<void> {
	if (jobs.length === 0) return;
	await boss.insert(queue, insertable(jobs), { db: bossDb(opts.tx) });
}

/**
 * sendMany's statement, not sent: pg-boss writes its INSERT (and NOTIFY) for these jobs, and
 * the caller sends it in its own transaction together with other statements (sendTogether),
 * so the jobs cost no round trip of their own. Null for no jobs.
 */
export async function jobsStatement<Q extends QueueName>(
	boss: PgBoss,
	queue: Q,
	jobs: JobInput<Q>[]
): Promise<Statement | null> {
	if (jobs.length === 0) return null;
	const sent: Statement[] = [];
	await boss.insert(queue, insertable(jobs), {
		db: {
			executeSql: async (text: string, values?: unknown[]) => {
				sent.push({ text, values: values ?? [] });
				// What a plain insert answers: its rows only carry ids when they are asked for.
				return { rows: [] };
			}
		}
	});
	// pg-boss's insert is one statement; anything else is a pg-boss this code does not know.
	if (sent.length !== 1) throw new Error(`pg-boss insert wrote ${sent.length} statements`);
	return sent[0]!;
}

export interface WorkOptions {
	/** Workers polling this queue in this process (each holds one fetch at a time). */
	localConcurrency?: number;
	/**
	 * Jobs one fetch claims; they run side by side, so up to localConcurrency × batchSize
	 * handlers are in flight. Above 1, a worker whose fetch came back full fetches again at
	 * once (burstWhenBatchFull): a backlog is worked through back to back, never one job per
	 * poll, and a short fetch (the queue ran dry) returns the worker to NOTIFY / polling.
	 */
	batchSize?: number;
}

export async function work<Q extends QueueName>(
	boss: PgBoss,
	queue: Q,
	handler: (data: QueuePayloads[Q], job: Job<QueuePayloads[Q]>) => Promise<void>,
	opts: WorkOptions = {}
): Promise<void> {
	const batchSize = opts.batchSize ?? 1;
	await boss.work<QueuePayloads[Q]>(
		queue,
		{
			localConcurrency: opts.localConcurrency ?? 2,
			batchSize,
			pollingIntervalSeconds: 2,
			// A retried job gets no NOTIFY when its delay ends; without this it waits up to 30 s.
			notifyPollingIntervalSeconds: 2,
			// A worker takes one job per poll (or NOTIFY); with a backlog (after an outage, a
			// restart, a burst of failures) it fetches again at once until the backlog is gone.
			// The backlog figure is pg-boss's cache (refreshed every SUPERVISE_SECONDS), so a
			// backlog younger than that is only seen through burstWhenBatchFull (batchSize > 1).
			burstWhenReadyExceeds: BURST_BACKLOG,
			burstWhenBatchFull: batchSize > 1,
			// Each job of a batch settles on its own: one that throws is retried alone, the rest
			// of its batch completes.
			perJobResults: true
		},
		async (jobs) =>
			Promise.all(
				jobs.map(async (job) => {
					try {
						await handler(job.data, job);
						return { id: job.id, status: 'completed' as const };
					} catch (err) {
						return { id: job.id, status: 'failed' as const, output: err };
					}
				})
			)
	);
}
