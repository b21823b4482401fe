import { describe, expect, it } from 'vitest';
import { breakParts } from './breaks.ts';

describe('breakParts', () => {
	it('splits after each separator, keeping it on the left part', () => {
		expect(breakParts('pl_orders_daily.load-job/v2')).toEqual([
			'pl_',
			'orders_',
			'daily.',
			'load-',
			'job/',
			'v2'
		]);
	});
	it('keeps a run of separators together and never loses a character', () => {
		const name = '__init__..x--y';
		expect(breakParts(name).join('')).toBe(name);
		expect(breakParts(name)).toEqual(['__', 'init__..', 'x--', 'y']);
	});
	it('leaves text without separators whole', () => {
		expect(breakParts('OrdersDaily')).toEqual(['OrdersDaily']);
		expect(breakParts('')).toEqual(['']);
	});
});
