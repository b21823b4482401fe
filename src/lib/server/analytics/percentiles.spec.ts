import { describe, expect, it } from 'vitest';
import { kthSmallest, percentileCont, roundedMean, roundHalfEven } from './percentiles.ts';

const runs = (...xs: number[][]) => xs.map((x) => Int32Array.from(x));

describe('percentiles over sorted runs', () => {
	it('finds every rank as a sort of all the values would', () => {
		const parts = runs([-5, 1, 1, 9], [], [0, 1, 30], [2]);
		const all = parts.flatMap((r) => [...r]).sort((a, b) => a - b);
		expect(all.map((_, k) => kthSmallest(parts, k))).toEqual(all);
	});

	it('interpolates between neighbours like percentile_cont, ties to even like round()', () => {
		// 60, 120, 300, 2000: median 210; p90 at 2.7 → 300 + 0.7 × 1700 = 1490.
		expect(percentileCont(runs([120, 2000], [60, 300]), 0.5)).toBe(210);
		expect(percentileCont(runs([120, 2000], [60, 300]), 0.9)).toBe(1490);
		// 1 and 4: 2.5 → 2; 1 and 6: 3.5 → 4.
		expect(percentileCont(runs([1], [4]), 0.5)).toBe(2);
		expect(percentileCont(runs([1], [6]), 0.5)).toBe(4);
		expect(percentileCont(runs([], []), 0.5)).toBeNull();
		expect(percentileCont(runs([7]), 0.9)).toBe(7);
	});

	it('rounds a double half to even and an exact mean half away from zero', () => {
		expect([0.5, 1.5, 2.5, -2.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, -2, 2, 3]);
		expect(roundedMean(5, 2)).toBe(3);
		expect(roundedMean(7, 2)).toBe(4);
		expect(roundedMean(-5, 2)).toBe(-3);
		expect(roundedMean(10, 3)).toBe(3);
	});
});
