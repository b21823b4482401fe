import { describe, expect, it } from 'vitest';
import { prefixTsquery } from './queries.ts';

describe('prefixTsquery', () => {
	it('matches the words a term goes on after whole, its last word as a prefix', () => {
		expect(prefixTsquery('ADF-20261102T0')).toBe("(('adf' & '20261102t0':*) | 'adf-20261102t0':*)");
		expect(prefixTsquery('pl_load')).toBe("(('pl' & 'load':*) | 'pl_load':*)");
		expect(prefixTsquery('pipeline_317')).toBe("(('pipeline' & '317':*) | 'pipeline_317':*)");
		expect(prefixTsquery('host.example.com')).toBe(
			"(('host' & 'example' & 'com':*) | 'host.example.com':*)"
		);
	});

	it('keeps a one-word term a prefix however short, and quotes what it cannot trust', () => {
		expect(prefixTsquery('le')).toBe("'le':*");
		expect(prefixTsquery("LEDGER o'neil")).toBe("'ledger':* & (('o' & 'neil':*) | 'o''neil':*)");
		expect(prefixTsquery('  -- ')).toBeNull();
	});
});
