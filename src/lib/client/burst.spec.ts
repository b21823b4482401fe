import { describe, expect, it } from 'vitest';
import { burstMessage, type BurstTicket } from './burst.ts';

const t = (id: number, over: Partial<BurstTicket> = {}): BurstTicket => ({
	id: `GEN-${id}`,
	priority: 'P1',
	pipeline: `pl_${id}`,
	root_cause: `cause ${id}`,
	...over
});

describe('burstMessage', () => {
	it('says nothing for no tickets', () => {
		expect(burstMessage([])).toBeNull();
	});

	it('names a single ticket and opens it on click', () => {
		expect(burstMessage([t(1)])).toEqual({
			title: 'P1: pl_1',
			body: 'cause 1',
			ticketId: 'GEN-1',
			p1: true,
			tag: 'GEN-1'
		});
		expect(burstMessage([t(2, { priority: 'P2', missed: true })])).toMatchObject({
			body: 'Arrived while you were disconnected. cause 2',
			p1: false
		});
	});

	it('counts a burst of P1s as one message naming a few pipelines', () => {
		const m = burstMessage(Array.from({ length: 12 }, (_, i) => t(i)))!;
		expect(m.title).toBe('12 new P1 failures');
		expect(m.body).toBe('pl_0, pl_1, pl_2 and 9 more pipelines');
		expect(m).toMatchObject({ ticketId: null, p1: true, tag: 'vigil-burst' });
	});

	it('splits a mixed burst by priority and says when it arrived while disconnected', () => {
		const m = burstMessage([
			t(1, { missed: true }),
			t(2, { priority: 'P2', missed: true, pipeline: 'pl_1' }),
			t(3, { missed: true })
		])!;
		expect(m.title).toBe('3 new urgent failures (2 P1, 1 P2) while you were disconnected');
		expect(m.body).toBe('pl_1, pl_3');
		const p2s = burstMessage([t(1, { priority: 'P2' }), t(2, { priority: 'P2' })])!;
		expect(p2s).toMatchObject({ title: '2 new P2 failures', p1: false });
	});
});
