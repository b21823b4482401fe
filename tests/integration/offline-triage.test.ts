import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { offlineBatcher } from '../../src/lib/server/triage/offline.ts';
import { startTestRuntime } from '../support/db.ts';
import { createTicket, getTicket } from '../support/tickets.ts';

let rt: Runtime;

beforeAll(async () => {
	// No Gemini connection: triage stays offline. Workers off, so the test finishes the jobs.
	rt = await startTestRuntime({}, { workers: false, poolSize: 4 });
});

afterAll(async () => {
	await rt?.stop();
});

describe('offline triage of a batch', () => {
	it('finishes every ticket of the batch once, in one go, and ignores one that is gone', async () => {
		// Pending as when a Gemini connection is configured whose model turns out unusable, or
		// tickets queued before an upgrade: their jobs finish offline.
		const withAi = { ...rt, hasConnection: (kind: string) => kind === 'gemini' };
		const tickets = await Promise.all([
			createTicket(withAi),
			createTicket(withAi),
			createTicket(withAi)
		]);
		expect(tickets.map((t) => t.triage_status)).toEqual(['pending', 'pending', 'pending']);
		const xids = async () =>
			(
				await rt.pool.query(`select distinct xmin::text as x from tickets where id = any($1)`, [
					tickets.map((t) => t.id)
				])
			).rows.map((r) => r.x);

		const finish = offlineBatcher(rt.pool, rt.boss);
		await Promise.all([...tickets.map((t) => finish(t.id)), finish('GEN-00000000T000000-gone00')]);
		const after = await Promise.all(tickets.map((t) => getTicket(rt, t.id)));
		expect(after.map((t) => t.triage_status)).toEqual([
			'offline_only',
			'offline_only',
			'offline_only'
		]);
		expect(after.map((t) => t.version)).toEqual(tickets.map((t) => t.version + 1));
		// One transaction wrote all three: one commit for the batch.
		expect(await xids()).toHaveLength(1);

		// A job retried after its batch committed changes nothing.
		await finish(tickets[0]!.id);
		expect((await getTicket(rt, tickets[0]!.id)).version).toBe(after[0]!.version);
	});
});
