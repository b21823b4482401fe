/**
 * One clock reading: when the request left and the answer came back on the
 * browser's monotonic clock (performance.now()), and the server's epoch time
 * taken in between.
 */
export interface ClockSample {
	sentAt: number;
	receivedAt: number;
	serverNow: number;
}

/**
 * What to add to the browser's monotonic clock to get the server's epoch time.
 * The server read its clock somewhere in the round trip; the midpoint is the
 * best guess, off by at most half the round trip.
 */
export function sampleOffset(s: ClockSample): number {
	return s.serverNow - (s.sentAt + s.receivedAt) / 2;
}

/** The offset from the sample with the shortest round trip (the tightest bound); null without samples. */
export function bestOffset(samples: readonly ClockSample[]): number | null {
	let best: ClockSample | null = null;
	for (const s of samples) {
		if (s.receivedAt < s.sentAt) continue;
		if (!best || s.receivedAt - s.sentAt < best.receivedAt - best.sentAt) best = s;
	}
	return best ? sampleOffset(best) : null;
}
