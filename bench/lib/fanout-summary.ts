import type { Accepted } from './sender.ts';
import { percentiles, type Percentiles } from './stats.ts';

export interface LatencyFigures extends Percentiles {
	n: number;
	min: number;
	max: number;
	/** Deliveries timed before the reference point (the server emits before its HTTP answer lands). */
	negative: number;
}

export interface Deliveries {
	/** Connected clients × accepted webhooks (warm-up included). */
	expected: number;
	received: number;
	missing: number;
	/** Accepted webhooks that at least one connected client never got. */
	ticketsWithMissing: number;
	/** Webhooks whose deliveries the figures cover (those after the warm-up). */
	measuredWebhooks: number;
	/** Client received − client got the 201. */
	fromAccepted: LatencyFigures;
	/** Client received − request sent. */
	fromSent: LatencyFigures;
	/** Per measured webhook: the 201 arrived − request sent. */
	answeredIn: LatencyFigures;
}

function figures(values: number[]): LatencyFigures {
	let min = Number.POSITIVE_INFINITY;
	let max = Number.NEGATIVE_INFINITY;
	let negative = 0;
	for (const v of values) {
		if (v < min) min = v;
		if (v > max) max = v;
		if (v < 0) negative++;
	}
	return { n: values.length, ...percentiles(values), min, max, negative };
}

/**
 * Latency of every (client, webhook) delivery. `received` maps a ticket id to
 * each client's receive time (null: never received); the first `warmup`
 * webhooks sent only count towards missing deliveries.
 */
export function summarizeDeliveries(
	accepted: Accepted[],
	received: Record<string, (number | null)[]>,
	connected: number,
	warmup: number
): Deliveries {
	const inOrder = [...accepted].sort((a, b) => a.sentAtMs - b.sentAtMs);
	const fromAccepted: number[] = [];
	const fromSent: number[] = [];
	const answeredIn: number[] = [];
	let got = 0;
	let ticketsWithMissing = 0;
	inOrder.forEach((a, seq) => {
		const times = (received[a.ticketId] ?? []).filter((t): t is number => t !== null);
		got += times.length;
		if (times.length < connected) ticketsWithMissing++;
		if (seq < warmup) return;
		answeredIn.push(a.acceptedAtMs - a.sentAtMs);
		for (const t of times) {
			fromAccepted.push(t - a.acceptedAtMs);
			fromSent.push(t - a.sentAtMs);
		}
	});
	const expected = connected * accepted.length;
	return {
		expected,
		received: got,
		missing: expected - got,
		ticketsWithMissing,
		measuredWebhooks: Math.max(0, accepted.length - warmup),
		fromAccepted: figures(fromAccepted),
		fromSent: figures(fromSent),
		answeredIn: figures(answeredIn)
	};
}
