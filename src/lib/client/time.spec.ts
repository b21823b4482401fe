import { describe, expect, it } from 'vitest';
import { clockDuration, relativeTime, utcTime } from './time.ts';

describe('clockDuration', () => {
	it('shows minutes and two-digit seconds under an hour', () => {
		expect(clockDuration(0)).toBe('0:00');
		expect(clockDuration(7)).toBe('0:07');
		expect(clockDuration(192)).toBe('3:12');
		expect(clockDuration(899)).toBe('14:59');
	});

	it('adds hours and days with two-digit fields after them', () => {
		expect(clockDuration(3723)).toBe('1:02:03');
		expect(clockDuration(86_399)).toBe('23:59:59');
		expect(clockDuration(2 * 86_400 + 3 * 3600 + 4 * 60 + 5)).toBe('2d 03:04:05');
	});

	it('never shows a negative or fractional time', () => {
		expect(clockDuration(-5)).toBe('0:00');
		expect(clockDuration(59.9)).toBe('0:59');
	});
});

describe('relativeTime', () => {
	const at = '2026-10-14T05:00:00.000Z';
	const base = Date.parse(at);
	it('reads like a person would say it', () => {
		expect(relativeTime(at, base + 2000)).toBe('just now');
		expect(relativeTime(at, base + 42_000)).toBe('42s ago');
		expect(relativeTime(at, base + 3 * 60_000 + 59_000)).toBe('3m ago');
		expect(relativeTime(at, base + 5 * 3_600_000)).toBe('5h ago');
		expect(relativeTime(at, base + 2 * 86_400_000)).toBe('2d ago');
	});
	it('says "in" for a time still ahead', () => {
		expect(relativeTime(at, base - 180_000)).toBe('in 3m');
	});
});

describe('utcTime', () => {
	it('is the same text wherever it renders', () => {
		expect(utcTime('2026-10-14T05:12:33.123Z')).toBe('2026-10-14 05:12:33 UTC');
	});
});
