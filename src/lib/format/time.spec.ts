import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, formatPercent, formatRelative } from './time.ts';

describe('formatDuration', () => {
	it.each([
		[null, '—'],
		[undefined, '—'],
		[Number.NaN, '—'],
		[59.4, '59s'],
		[3900, '1h 5m']
	])('%s s reads %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));
});

describe('formatRelative', () => {
	it('accepts dates as well as ISO text', () => {
		const now = Date.parse('2026-01-26T12:00:00Z');
		expect(formatRelative(new Date('2026-01-26T11:55:00Z'), now)).toBe('5m ago');
		expect(formatRelative('2026-01-26T09:00:00Z', now)).toBe('3h ago');
	});
});

describe('formatDateTime', () => {
	it('prints UTC, sortable', () => {
		expect(formatDateTime('2026-01-26T04:05:06.789Z')).toBe('2026-01-26 04:05:06');
		expect(formatDateTime('garbage')).toBe('—');
	});
});

describe('formatPercent', () => {
	it('never rounds a miss up to 100 %', () => {
		expect(formatPercent(0.996)).toBe('99 %');
		expect(formatPercent(1)).toBe('100 %');
		expect(formatPercent(0.754)).toBe('75 %');
		expect(formatPercent(0)).toBe('0 %');
		expect(formatPercent(null)).toBe('—');
	});
});
