import { describe, expect, it } from 'vitest';
import { createAdmission } from './admission.ts';

describe('ingest admission', () => {
	it('admits up to the cap, queues up to the line, refuses the rest at once', async () => {
		const a = createAdmission(2, 1);
		const first = await a.enter();
		const second = await a.enter();
		expect(first).toBeTypeOf('function');
		expect(second).toBeTypeOf('function');
		let thirdIn = false;
		const third = a.enter().then((leave) => ((thirdIn = true), leave));
		expect(await a.enter()).toBeNull();
		expect({ inFlight: a.inFlight, waiting: a.waiting }).toEqual({ inFlight: 2, waiting: 1 });

		first!();
		const leave3 = await third;
		expect(thirdIn).toBe(true);
		expect({ inFlight: a.inFlight, waiting: a.waiting }).toEqual({ inFlight: 2, waiting: 0 });
		// Leaving twice frees one slot, not two.
		first!();
		expect(a.inFlight).toBe(2);
		second!();
		leave3!();
		expect(a.inFlight).toBe(0);
	});
});
