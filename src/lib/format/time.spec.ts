import { describe, expect, it } from 'vitest';
import { formatDateTime, formatDuration, formatPercent, formatRelative } from './time.ts';

describe('formatDuration', () => {
	it.each([
		[null, '—'],
		[0, '0 s'],
		[59.4, '59 s'],
		[60, '1 min'],
		[3599, '59 min'],
		[3600, '1 h 00 min'],
		[3900, '1 h 05 min'],
		[86_400, '1 d'],
		[3 * 86_400 + 4 * 3600 + 120, '3 d 4 h']
	])('%s s reads %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));
});

describe('formatRelative', () => {
	const now = Date.parse('2026-01-26T12:00:00Z');
	it.each([
		['2026-01-26T11:59:30Z', 'just now'],
		['2026-01-26T11:55:00Z', '5 min ago'],
		['2026-01-26T09:00:00Z', '3 h ago'],
		['2026-01-24T12:00:00Z', '2 d ago'],
		['2026-01-01T12:00:00Z', '2026-01-01']
	])('%s reads %s', (iso, text) => expect(formatRelative(iso, now)).toBe(text));
});

describe('formatDateTime', () => {
	it('prints UTC without the zone dance', () => {
		expect(formatDateTime('2026-01-26T04:05:06.789Z')).toBe('2026-01-26 04:05:06');
		expect(formatDateTime('garbage')).toBe('—');
	});
});

describe('formatPercent', () => {
	it('never rounds a breach up to 100 %', () => {
		expect(formatPercent(0.996)).toBe('99 %');
		expect(formatPercent(1)).toBe('100 %');
		expect(formatPercent(0.754)).toBe('75 %');
		expect(formatPercent(null)).toBe('—');
	});
});
