import { describe, expect, it } from 'vitest';
import { deadlineNote, slaTone, slaView } from './sla.ts';

const deadline = '2026-10-14T05:15:00.000Z';
const at = (msBeforeDeadline: number) => Date.parse(deadline) - msBeforeDeadline;
const open = {
	status: 'open' as const,
	sla_deadline: deadline,
	sla_status: 'Pending' as const,
	ack_seconds: null,
	// 8 minutes: the last 25 % is the last 2:00.
	sla_seconds: 480
};

describe('slaTone', () => {
	it('is green with more than the last 25 % of the SLA left', () => {
		expect(slaTone(120_001, 480)).toBe('green');
		expect(slaTone(15 * 60_000 + 1, 3600)).toBe('green');
		// A P1's 15 minutes: green until 3:45 is left, no longer at a fixed two minutes.
		expect(slaTone(225_001, 900)).toBe('green');
	});
	it("turns yellow in the last 25 % of the ticket's own SLA", () => {
		expect(slaTone(120_000, 480)).toBe('yellow');
		expect(slaTone(1, 480)).toBe('yellow');
		expect(slaTone(225_000, 900)).toBe('yellow');
		// A P4's 24 hours: yellow with 6 hours left.
		expect(slaTone(6 * 3600_000, 86_400)).toBe('yellow');
		expect(slaTone(6 * 3600_000 + 1, 86_400)).toBe('green');
	});
	it('is red from the deadline on', () => {
		expect(slaTone(0, 480)).toBe('red');
		expect(slaTone(-5000, 480)).toBe('red');
	});
});

describe('slaView for an open ticket', () => {
	it('counts down, rounding up so the last second still shows 0:01', () => {
		expect(slaView(open, at(14 * 60_000 + 59_500))).toEqual({
			kind: 'timer',
			tone: 'green',
			text: '15:00',
			caption: 'SLA left',
			digits: '15:00'
		});
		expect(slaView(open, at(500))).toMatchObject({ tone: 'yellow', text: '0:01' });
	});

	it('shows 2:00 in yellow and 2:01 in green for an 8-minute SLA', () => {
		expect(slaView(open, at(120_000))).toMatchObject({ tone: 'yellow', text: '2:00' });
		expect(slaView(open, at(120_500))).toMatchObject({ tone: 'green', text: '2:01' });
	});

	it('counts up in red once the deadline has passed', () => {
		expect(slaView(open, at(0))).toMatchObject({ tone: 'red', text: 'Breached +0:00' });
		expect(slaView(open, at(-192_400))).toMatchObject({
			tone: 'red',
			text: 'Breached +3:12',
			caption: 'Breached',
			digits: '+3:12'
		});
	});

	it('trusts the server when it has already marked the breach', () => {
		const view = slaView({ ...open, sla_status: 'Breached' }, at(800));
		expect(view).toMatchObject({ kind: 'timer', tone: 'red', text: 'Breached +0:00' });
	});
});

describe('slaView for an acknowledged ticket', () => {
	it('shows the verdict and the time to acknowledge instead of a timer', () => {
		const acked = { ...open, status: 'in_progress' as const, sla_status: 'Met' as const };
		expect(slaView({ ...acked, ack_seconds: 252 }, at(-999_999))).toEqual({
			kind: 'result',
			met: true,
			text: 'Met in 4m 12s'
		});
		expect(
			slaView({ ...acked, status: 'closed', sla_status: 'Breached', ack_seconds: 1900 }, 0)
		).toEqual({ kind: 'result', met: false, text: 'Breached in 31m 40s' });
	});
});

describe('deadlineNote', () => {
	const rel = () => 'in 29m';
	it('says how far away the deadline is while the SLA is undecided', () => {
		expect(deadlineNote(open, rel)).toBe('in 29m');
	});
	it('says met or breached once decided, never a countdown', () => {
		expect(deadlineNote({ ...open, sla_status: 'Met' }, rel)).toBe('met');
		expect(deadlineNote({ ...open, sla_status: 'Breached' }, rel)).toBe('breached');
	});
});
