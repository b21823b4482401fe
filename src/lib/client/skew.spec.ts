import { describe, expect, it } from 'vitest';
import { bestOffset, sampleOffset } from './skew.ts';

describe('sampleOffset', () => {
	it('places the server reading at the midpoint of the round trip', () => {
		// Browser's monotonic clock 1000 → 1200; the server said 1_700_000_000_100 in between.
		const offset = sampleOffset({ sentAt: 1000, receivedAt: 1200, serverNow: 1_700_000_000_100 });
		expect(offset).toBe(1_700_000_000_100 - 1100);
		// So "now" on the browser's clock at 1100 is the server's reading.
		expect(1100 + offset).toBe(1_700_000_000_100);
	});

	it('corrects a browser clock that is minutes off', () => {
		const serverEpoch = Date.parse('2026-10-14T05:00:00Z');
		const browserPerf = 50_000; // whatever the monotonic clock reads; only differences matter
		const offset = sampleOffset({
			sentAt: browserPerf,
			receivedAt: browserPerf + 80,
			serverNow: serverEpoch
		});
		expect(browserPerf + 40 + offset).toBe(serverEpoch);
		expect(browserPerf + 40 + 5000 + offset).toBe(serverEpoch + 5000);
	});
});

describe('bestOffset', () => {
	it('trusts the fastest round trip, whose error bound is smallest', () => {
		const slow = { sentAt: 0, receivedAt: 900, serverNow: 10_000 }; // midpoint 450
		const fast = { sentAt: 2000, receivedAt: 2040, serverNow: 12_500 }; // midpoint 2020
		expect(bestOffset([slow, fast])).toBe(12_500 - 2020);
		expect(bestOffset([fast, slow])).toBe(12_500 - 2020);
	});

	it('has nothing to say without a usable sample', () => {
		expect(bestOffset([])).toBeNull();
		expect(bestOffset([{ sentAt: 10, receivedAt: 5, serverNow: 1 }])).toBeNull();
	});
});
