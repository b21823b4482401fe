import { describe, expect, it } from 'vitest';
import { splitSeconds, toSeconds } from './units.ts';

describe('SLA units', () => {
	it('shows whole hours as hours and the rest as minutes', () => {
		expect(splitSeconds(900)).toEqual({ amount: 15, unit: 'minutes' });
		expect(splitSeconds(7200)).toEqual({ amount: 2, unit: 'hours' });
		expect(splitSeconds(5400)).toEqual({ amount: 90, unit: 'minutes' });
		expect(splitSeconds(86_400)).toEqual({ amount: 24, unit: 'hours' });
	});

	it('reads minutes and hours, decimals with a point or a comma', () => {
		expect(toSeconds('15', 'minutes')).toBe(900);
		expect(toSeconds('1.5', 'hours')).toBe(5400);
		expect(toSeconds('0,5', 'hours')).toBe(1800);
	});

	it('refuses what is not a positive amount in a known unit', () => {
		for (const [amount, unit] of [
			['', 'minutes'],
			['-5', 'minutes'],
			['0', 'hours'],
			['ten', 'minutes'],
			['5', 'days'],
			['1e3', 'minutes']
		])
			expect(toSeconds(amount!, unit!), `${amount} ${unit}`).toBeNull();
	});
});
