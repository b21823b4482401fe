import { describe, expect, it } from 'vitest';
import { formatRateRule, parseRateRule } from './rate-rule.ts';

describe('rate rules', () => {
	it('reads per second and per minute in their usual spellings', () => {
		expect(parseRateRule('100/s')).toEqual({ points: 100, per: 's' });
		expect(parseRateRule(' 20 / second ')).toEqual({ points: 20, per: 's' });
		expect(parseRateRule('6000/MIN')).toEqual({ points: 6000, per: 'min' });
		expect(parseRateRule('5/m')).toEqual({ points: 5, per: 'min' });
	});

	it('reads empty and off as no limit, and anything else as not a rule', () => {
		expect(parseRateRule(undefined)).toBeNull();
		expect(parseRateRule('')).toBeNull();
		expect(parseRateRule('off')).toBeNull();
		for (const bad of ['0/s', '10/hour', '10', 'fast', '-1/s', '1.5/s'])
			expect(parseRateRule(bad), bad).toBeUndefined();
	});

	it('writes a rule the way the ingest_keys column stores it', () => {
		expect(formatRateRule(parseRateRule('20 / sec')!)).toBe('20/s');
		expect(formatRateRule(parseRateRule('300/minute')!)).toBe('300/min');
	});
});
