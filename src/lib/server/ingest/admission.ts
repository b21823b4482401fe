/**
 * A cap on the webhooks this instance works on at once. Past `concurrency`, webhooks wait
 * in line (up to `queue` of them); past that they are turned away at once, before their key
 * is checked or their body read, so a flood costs a few microseconds per refused request
 * and the pool's connections, the event loop and the CPU stay with what is admitted, the
 * health checks and the board.
 */
export interface Admission {
	/** A slot, or null when the line is full (answer 503 and Retry-After). Release it once done. */
	enter(): Promise<(() => void) | null>;
	readonly inFlight: number;
	readonly waiting: number;
}

export function createAdmission(concurrency: number, queue: number): Admission {
	let inFlight = 0;
	const line: (() => void)[] = [];

	const release = () => {
		const next = line.shift();
		if (next) next();
		else inFlight--;
	};
	const once = () => {
		let done = false;
		return () => {
			if (done) return;
			done = true;
			release();
		};
	};

	return {
		enter() {
			if (inFlight < concurrency) {
				inFlight++;
				return Promise.resolve(once());
			}
			if (line.length >= queue) return Promise.resolve(null);
			// The slot passes straight from the webhook leaving to the one first in line.
			return new Promise((resolve) => line.push(() => resolve(once())));
		},
		get inFlight() {
			return inFlight;
		},
		get waiting() {
			return line.length;
		}
	};
}
