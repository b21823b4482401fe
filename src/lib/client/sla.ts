import type { TicketDto } from '#lib/contracts/tickets.ts';
import { formatDuration } from '#lib/format/duration.ts';
import { clockDuration } from './time.ts';

export type SlaTone = 'green' | 'yellow' | 'red';

/** The timer warns in the last quarter of the ticket's own SLA (a P1's 15 min: the last 3:45). */
export const SLA_WARN_SHARE = 0.25;

/** The warning window of an SLA of `slaSeconds`, in ms. */
export const slaWarnMs = (slaSeconds: number): number => slaSeconds * 1000 * SLA_WARN_SHARE;

/** More than the last 25 % of the SLA left green, within it yellow, ≤ 0 (deadline reached) red. */
export function slaTone(remainingMs: number, slaSeconds: number): SlaTone {
	if (remainingMs <= 0) return 'red';
	return remainingMs <= slaWarnMs(slaSeconds) ? 'yellow' : 'green';
}

export type SlaView =
	| { kind: 'timer'; tone: SlaTone; text: string; caption: string; digits: string }
	| { kind: 'result'; met: boolean; text: string };

type SlaFields = Pick<
	TicketDto,
	'status' | 'sla_deadline' | 'sla_status' | 'ack_seconds' | 'sla_seconds'
>;

/**
 * What the SLA widget shows at server time `nowMs`. Open tickets tick: a
 * countdown (rounded up, so "0:01" is the last second before the breach) or,
 * once breached, the time since the deadline counting up. Acknowledged
 * tickets show the verdict fixed at acknowledgement.
 */
export function slaView(t: SlaFields, nowMs: number): SlaView {
	if (t.status !== 'open') {
		const met = t.sla_status !== 'Breached';
		const verdict = met ? 'Met' : 'Breached';
		return {
			kind: 'result',
			met,
			text: t.ack_seconds === null ? verdict : `${verdict} in ${formatDuration(t.ack_seconds)}`
		};
	}
	const remaining = Date.parse(t.sla_deadline) - nowMs;
	// The server's verdict wins over a clock that has not quite reached the deadline.
	if (remaining <= 0 || t.sla_status === 'Breached') {
		const digits = `+${clockDuration(Math.max(0, Math.floor(-remaining / 1000)))}`;
		return { kind: 'timer', tone: 'red', text: `Breached ${digits}`, caption: 'Breached', digits };
	}
	const digits = clockDuration(Math.ceil(remaining / 1000));
	return {
		kind: 'timer',
		tone: slaTone(remaining, t.sla_seconds),
		text: digits,
		caption: 'SLA left',
		digits
	};
}

/**
 * What follows the deadline on the ticket page: how far away it is while the SLA is
 * undecided; once met or breached the deadline is history, and "(in 29m)" beside a
 * closed ticket would read as if the clock still ran.
 */
export function deadlineNote(
	t: Pick<SlaFields, 'sla_deadline' | 'sla_status'>,
	relative: (iso: string) => string
): string {
	return t.sla_status === 'Pending' ? relative(t.sla_deadline) : t.sla_status.toLowerCase();
}
