import { describe, expect, it } from 'vitest';
import { DEFAULT_SLA, secondsBetween, slaDeadline, slaStatusAtAck } from './policy.ts';

describe('SLA policy', () => {
	const created = new Date('2026-01-26T14:35:22Z');

	it('gives P1 fifteen minutes and P4 a day by default', () => {
		expect(slaDeadline(created, 'P1', DEFAULT_SLA).toISOString()).toBe('2026-01-26T14:50:22.000Z');
		expect(slaDeadline(created, 'P4', DEFAULT_SLA).toISOString()).toBe('2026-01-27T14:35:22.000Z');
	});

	it('uses an admin-configured policy', () => {
		const policy = { ...DEFAULT_SLA, P2: 60 };
		expect(slaDeadline(created, 'P2', policy).getTime() - created.getTime()).toBe(60_000);
	});

	it('is Met when acknowledged on the deadline and Breached one second later', () => {
		const deadline = slaDeadline(created, 'P1', DEFAULT_SLA);
		expect(slaStatusAtAck(deadline, deadline, 'Pending')).toBe('Met');
		expect(slaStatusAtAck(deadline, new Date(deadline.getTime() + 1000), 'Pending')).toBe(
			'Breached'
		);
	});

	it('keeps a breach that the timer already recorded', () => {
		const deadline = slaDeadline(created, 'P1', DEFAULT_SLA);
		expect(slaStatusAtAck(deadline, created, 'Breached')).toBe('Breached');
	});

	it('never reports negative durations', () => {
		expect(secondsBetween(created, new Date(created.getTime() - 5000))).toBe(0);
		expect(secondsBetween(created, new Date(created.getTime() + 90_400))).toBe(90);
	});
});
