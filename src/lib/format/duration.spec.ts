import { describe, expect, it } from 'vitest';
import { formatDuration } from './duration.ts';

describe('formatDuration', () => {
	// The default, 'natural' style.
	it('uses at most two units', () => {
		expect(formatDuration(45)).toBe('45s');
		expect(formatDuration(252)).toBe('4m 12s');
		expect(formatDuration(300)).toBe('5m');
		expect(formatDuration(7500)).toBe('2h 5m');
		expect(formatDuration(7200)).toBe('2h');
		expect(formatDuration(3 * 86_400 + 4 * 3600 + 59)).toBe('3d 4h');
	});

	it('leaves out a zero second unit and pads nothing', () => {
		expect([0, 59.4, 60, 61, 3600, 3660, 86_400, 90_000].map((s) => formatDuration(s))).toEqual([
			'0s',
			'59s',
			'1m',
			'1m 1s',
			'1h',
			'1h 1m',
			'1d',
			'1d 1h'
		]);
	});

	it('rounds to whole seconds and never reads negative', () => {
		expect(formatDuration(59.5)).toBe('1m');
		expect(formatDuration(-30)).toBe('0s');
	});

	it.each([null, undefined, Number.NaN, Number.POSITIVE_INFINITY])('reads %s as a dash', (s) => {
		expect(formatDuration(s)).toBe('—');
		expect(formatDuration(s, { style: 'padded' })).toBe('—');
	});

	describe("the 'padded' style (Slack)", () => {
		const padded = (s: number | null) => formatDuration(s, { style: 'padded' });

		it('always shows the second unit, minutes and seconds as two digits', () => {
			expect([45, 192, 3720, 183600, null].map(padded)).toEqual([
				'45s',
				'3m 12s',
				'1h 02m',
				'2d 3h',
				'—'
			]);
			expect([300, 7200, 2 * 86_400, 3 * 3600 + 7 * 60].map(padded)).toEqual([
				'5m 00s',
				'2h 00m',
				'2d 0h',
				'3h 07m'
			]);
		});
	});
});
