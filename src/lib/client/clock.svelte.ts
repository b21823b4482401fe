import { bestOffset, type ClockSample } from './skew.ts';

const TICK_MS = 250;
const RESAMPLE_MS = 5 * 60_000;
const MAX_SAMPLES = 6;

// Shared by every page of this browser tab, so a navigation keeps what was measured.
let samples: ClockSample[] = [];

async function measure(): Promise<void> {
	const sentAt = performance.now();
	const res = await fetch('/api/time', {
		cache: 'no-store',
		headers: { accept: 'application/json' }
	});
	const receivedAt = performance.now();
	if (!res.ok) return;
	const body: unknown = await res.json();
	const now = (body as { now?: unknown } | null)?.now;
	if (typeof now === 'number' && Number.isFinite(now))
		samples = [...samples, { sentAt, receivedAt, serverNow: now }].slice(-MAX_SAMPLES);
}

/**
 * The server's clock as seen from this browser, so every SLA timer counts
 * from the server's deadline even when the laptop's clock is minutes off.
 * It runs on the browser's monotonic clock, which a clock change cannot move.
 */
export class ServerClock {
	/** Server epoch milliseconds, refreshed four times a second. */
	now = $state(0);
	readonly #loadedAt: number;
	#offset: number | null = null;

	/** `serverNow` is the server's Date.now() from the page load: the first paint uses it as is. */
	constructor(serverNow: number) {
		this.now = serverNow;
		this.#loadedAt = serverNow;
	}

	#tick = (): void => {
		// Until the first measurement, the page load's own time is the best guess.
		this.#offset ??= this.#loadedAt - performance.now();
		this.now = Math.round(performance.now() + this.#offset);
	};

	#refine = async (): Promise<void> => {
		try {
			await measure();
		} catch {
			// Offline: keep the last offset; the next attempt will do.
		}
		this.#offset = bestOffset(samples) ?? this.#offset;
		this.#tick();
	};

	/** Starts ticking and measuring; returns the stop function (for $effect). */
	start(): () => void {
		this.#offset = bestOffset(samples);
		this.#tick();
		void this.#refine();
		// A few readings early: the one with the shortest round trip wins.
		const early = [1500, 4000].map((ms) => setTimeout(() => void this.#refine(), ms));
		const tick = setInterval(this.#tick, TICK_MS);
		const resample = setInterval(() => void this.#refine(), RESAMPLE_MS);
		// A sleeping laptop may pause the monotonic clock: measure afresh on return.
		const onVisible = () => {
			if (document.visibilityState !== 'visible') return;
			samples = [];
			void this.#refine();
		};
		document.addEventListener('visibilitychange', onVisible);
		return () => {
			early.forEach(clearTimeout);
			clearInterval(tick);
			clearInterval(resample);
			document.removeEventListener('visibilitychange', onVisible);
		};
	}
}
