import { describe, expect, it } from 'vitest';
import { coalescing } from './coalesce.ts';

/** A statement runner whose statements finish only when the test says so. */
function gatedRunner() {
	const sent: number[][] = [];
	const gates: { open(): void; fail(err: Error): void }[] = [];
	const run = (batch: number[]) =>
		new Promise<string[]>((resolve, reject) => {
			sent.push(batch);
			gates.push({ open: () => resolve(batch.map((n) => `r${n}`)), fail: reject });
		});
	return { sent, gates, run };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('coalescing', () => {
	it('sends a lone call at once, and what arrives meanwhile together in the next statement, in order', async () => {
		const r = gatedRunner();
		const call = coalescing(r.run);
		const first = call(1);
		expect(r.sent).toEqual([[1]]);
		const later = [call(2), call(3), call(4)];
		expect(r.sent).toHaveLength(1);
		r.gates[0]!.open();
		expect(await first).toBe('r1');
		await tick();
		expect(r.sent).toEqual([[1], [2, 3, 4]]);
		r.gates[1]!.open();
		expect(await Promise.all(later)).toEqual(['r2', 'r3', 'r4']);
	});

	it('splits a long queue at max', async () => {
		const r = gatedRunner();
		const call = coalescing(r.run, { max: 2 });
		const all = [1, 2, 3, 4, 5].map((n) => call(n));
		for (let i = 0; i < 3; i++) {
			await tick();
			r.gates[i]!.open();
		}
		expect(await Promise.all(all)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
		expect(r.sent).toEqual([[1], [2, 3], [4, 5]]);
	});

	it('fails only the failed statement’s calls; the queued ones go in the next', async () => {
		const r = gatedRunner();
		const call = coalescing(r.run);
		const first = call(1);
		const second = call(2);
		r.gates[0]!.fail(new Error('connection lost'));
		await expect(first).rejects.toThrow('connection lost');
		await tick();
		r.gates[1]!.open();
		expect(await second).toBe('r2');
	});

	it('with failQueued, fails the calls queued behind a failed statement too', async () => {
		const r = gatedRunner();
		const call = coalescing(r.run, { failQueued: true });
		const first = call(1);
		const second = call(2);
		r.gates[0]!.fail(new Error('database unavailable'));
		await expect(first).rejects.toThrow('database unavailable');
		await expect(second).rejects.toThrow('database unavailable');
		expect(r.sent).toEqual([[1]]);
		// The next call starts afresh.
		const third = call(3);
		r.gates[1]!.open();
		expect(await third).toBe('r3');
	});
});
