import { PgBoss, type Job } from 'pg-boss';
import type { PoolClient } from '../db/pool.ts';
import { bossDb } from '../db/pool.ts';
import { log } from '../log.ts';
import { QUEUES, type QueueName, type QueuePayloads } from './queues.ts';

export type Boss = PgBoss;

export async function startBoss(url: string, opts: { spies?: boolean } = {}): Promise<PgBoss> {
	const boss = new PgBoss({
		connectionString: url,
		max: 5,
		useListenNotify: true,
		__test__enableSpies: opts.spies ?? false,
		application_name: 'vigil-jobs'
	});
	boss.on('error', (err: Error & { code?: string }) =>
		// 57P01: the server is shutting down (ours, at exit); pg-boss reconnects otherwise.
		err.code === '57P01'
			? log.debug({ err }, 'pg-boss connection closed')
			: log.error({ err }, 'pg-boss error')
	);
	await boss.start();
	for (const [name, spec] of Object.entries(QUEUES)) {
		await boss.createQueue(name, spec);
	}
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

export async function work<Q extends QueueName>(
	boss: PgBoss,
	queue: Q,
	handler: (data: QueuePayloads[Q], job: Job<QueuePayloads[Q]>) => Promise<void>,
	opts: { localConcurrency?: number } = {}
): Promise<void> {
	await boss.work<QueuePayloads[Q]>(
		queue,
		{
			localConcurrency: opts.localConcurrency ?? 2,
			pollingIntervalSeconds: 2,
			// A retried job gets no NOTIFY when its delay ends; without this it waits up to 30 s.
			notifyPollingIntervalSeconds: 2
		},
		async (jobs) => {
			for (const job of jobs) await handler(job.data, job);
		}
	);
}
