import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
	backoffMs,
	BrokenCircuitError,
	circuitBreaker,
	retryPolicy,
	type CircuitBreakerState,
	type RetryOptions
} from './retry.ts';

class Transient extends Error {
	constructor(readonly retryAfterMs: number | null = null) {
		super('transient');
	}
}
class Permanent extends Error {}

describe('backoffMs', () => {
	const opts = { baseDelayMs: 1_000, maxDelayMs: 8_000 };

	it('doubles per attempt, jitters within the upper half, and stops at the cap', () => {
		expect(backoffMs(1, null, { ...opts, random: () => 0 })).toBe(500);
		expect(backoffMs(1, null, { ...opts, random: () => 1 })).toBe(1_000);
		expect(backoffMs(3, null, { ...opts, random: () => 1 })).toBe(4_000);
		expect(backoffMs(10, null, { ...opts, random: () => 1 })).toBe(8_000);
	});

	it('honours a server-requested delay up to the cap', () => {
		expect(backoffMs(1, 3_000, { ...opts, random: () => 0 })).toBe(3_000);
		expect(backoffMs(1, 30_000, { ...opts, random: () => 0 })).toBe(8_000);
	});

	it('treats an undefined server delay like none', () => {
		expect(backoffMs(2, undefined, { ...opts, random: () => 0.5 })).toBe(1_500);
	});
});

describe('retryPolicy', () => {
	let sleeps: number[];
	const base = (): RetryOptions => ({
		maxAttempts: 4,
		baseDelayMs: 100,
		maxDelayMs: 1_000,
		retryError: (err) => err instanceof Transient,
		retryAfterMs: (failure) =>
			'error' in failure && failure.error instanceof Transient ? failure.error.retryAfterMs : null,
		random: () => 0.5,
		sleep: async (ms) => {
			sleeps.push(ms);
		}
	});

	/** A call that fails with `failures` in turn, then returns 'done'. */
	function script(...failures: Error[]) {
		const calls: number[] = [];
		const fn = async (attempt: number) => {
			calls.push(attempt);
			const failure = failures.shift();
			if (failure) throw failure;
			return 'done';
		};
		return { fn, calls };
	}

	beforeEach(() => {
		sleeps = [];
	});

	it('returns the first success without sleeping', async () => {
		const { fn, calls } = script();

		await expect(retryPolicy(base()).execute(fn)).resolves.toBe('done');

		expect(calls).toEqual([1]);
		expect(sleeps).toEqual([]);
	});

	it('retries retryable errors with exponential, equally jittered backoff', async () => {
		const { fn, calls } = script(new Transient(), new Transient(), new Transient());

		await expect(retryPolicy(base()).execute(fn)).resolves.toBe('done');

		expect(calls).toEqual([1, 2, 3, 4]);
		// Ceilings 100, 200, 400 ms: half fixed plus random() = 0.5 of the other half.
		expect(sleeps).toEqual([75, 150, 300]);
	});

	it('throws the last error when the attempts run out', async () => {
		const last = new Transient();
		const { fn, calls } = script(new Transient(), new Transient(), last, new Transient());

		await expect(retryPolicy({ ...base(), maxAttempts: 3 }).execute(fn)).rejects.toBe(last);

		expect(calls).toEqual([1, 2, 3]);
		expect(sleeps).toHaveLength(2);
	});

	it('does not retry other errors', async () => {
		const permanent = new Permanent('no');
		const { fn, calls } = script(permanent);

		await expect(retryPolicy(base()).execute(fn)).rejects.toBe(permanent);

		expect(calls).toEqual([1]);
		expect(sleeps).toEqual([]);
	});

	it('makes one attempt for maxAttempts of 1 or less, and rounds fractions down', async () => {
		for (const maxAttempts of [1, 0, -3, Number.NaN]) {
			const { fn, calls } = script(new Transient(), new Transient());
			await expect(retryPolicy({ ...base(), maxAttempts }).execute(fn)).rejects.toBeInstanceOf(
				Transient
			);
			expect(calls).toEqual([1]);
		}
		const { fn, calls } = script(new Transient(), new Transient(), new Transient());
		await expect(retryPolicy({ ...base(), maxAttempts: 2.9 }).execute(fn)).rejects.toBeInstanceOf(
			Transient
		);
		expect(calls).toEqual([1, 2]);
	});

	it('waits a server-requested delay instead of the backoff, capped at maxDelayMs', async () => {
		const { fn } = script(new Transient(400), new Transient(5_000));

		await expect(retryPolicy(base()).execute(fn)).resolves.toBe('done');

		expect(sleeps).toEqual([400, 1_000]);
	});

	it("with longRetryAfter 'give-up', hands a longer server delay back at once", async () => {
		const tooLong = new Transient(1_001);
		const { fn, calls } = script(new Transient(1_000), tooLong);

		await expect(retryPolicy({ ...base(), longRetryAfter: 'give-up' }).execute(fn)).rejects.toBe(
			tooLong
		);

		expect(calls).toEqual([1, 2]);
		expect(sleeps).toEqual([1_000]);
	});

	describe('on returned values', () => {
		type Outcome = { ok: true } | { ok: false; reason: string; retryAfterMs: number | null };
		const fail = (reason: string, retryAfterMs: number | null = null): Outcome => ({
			ok: false,
			reason,
			retryAfterMs
		});
		const options = (over: Partial<RetryOptions<Outcome>> = {}): RetryOptions<Outcome> => ({
			maxAttempts: 3,
			baseDelayMs: 1_000,
			maxDelayMs: 60_000,
			retryResult: (o) => !o.ok && o.reason !== 'fatal',
			retryAfterMs: (failure) =>
				'value' in failure && !failure.value.ok ? failure.value.retryAfterMs : null,
			random: () => 0.5,
			sleep: async (ms) => {
				sleeps.push(ms);
			},
			...over
		});

		it('retries a failed outcome and returns the success', async () => {
			const answers: Outcome[] = [fail('busy', 26_000), fail('busy'), { ok: true }];

			const outcome = await retryPolicy(options()).execute(async () => answers.shift()!);

			expect(outcome).toEqual({ ok: true });
			expect(sleeps).toEqual([26_000, 1_500]);
		});

		it('returns the last failed outcome when the attempts run out', async () => {
			const answers: Outcome[] = [fail('busy'), fail('busy'), fail('still busy')];

			const outcome = await retryPolicy(options()).execute(async () => answers.shift()!);

			expect(outcome).toEqual(fail('still busy'));
			expect(sleeps).toEqual([750, 1_500]);
		});

		it('returns an outcome that is not retryable at once', async () => {
			const answers: Outcome[] = [fail('fatal'), { ok: true }];

			const outcome = await retryPolicy(options()).execute(async () => answers.shift()!);

			expect(outcome).toEqual(fail('fatal'));
			expect(sleeps).toEqual([]);
		});

		it('lets errors that are not retryable through', async () => {
			const bug = new TypeError('bug');

			await expect(
				retryPolicy(options()).execute(async () => {
					throw bug;
				})
			).rejects.toBe(bug);
		});
	});

	it('keeps the backoff of concurrent executions apart', async () => {
		const policy = retryPolicy({ ...base(), random: () => 0 });
		const a = script(new Transient(300));
		const b = script(new Transient(), new Transient());

		await Promise.all([policy.execute(a.fn), policy.execute(b.fn)]);

		expect([...sleeps].sort((x, y) => x - y)).toEqual([50, 100, 300]);
	});

	it('sleeps for real by default', async () => {
		const { fn, calls } = script(new Transient(20));
		const started = performance.now();

		await retryPolicy({ ...base(), sleep: undefined }).execute(fn);

		expect(calls).toEqual([1, 2]);
		expect(performance.now() - started).toBeGreaterThanOrEqual(15);
	});
});

describe('circuitBreaker', () => {
	const failing = async (): Promise<string> => {
		throw new Transient();
	};
	const ok = async () => 'ok';

	beforeEach(() => {
		vi.useFakeTimers({ now: 0 });
	});
	afterEach(() => {
		vi.useRealTimers();
	});

	it('opens after the given failures in a row and then refuses calls', async () => {
		const changes: CircuitBreakerState[] = [];
		const breaker = circuitBreaker({
			consecutiveFailures: 3,
			cooldownMs: 10_000,
			onStateChange: (s) => changes.push(s)
		});
		const called = vi.fn(ok);

		for (let i = 0; i < 2; i++) await expect(breaker.execute(failing)).rejects.toThrow(Transient);
		expect(breaker.state).toBe('closed');
		await expect(breaker.execute(failing)).rejects.toThrow(Transient);
		expect(breaker.state).toBe('open');

		await expect(breaker.execute(called)).rejects.toBeInstanceOf(BrokenCircuitError);
		expect(called).not.toHaveBeenCalled();
		expect(changes).toEqual(['open']);
	});

	it('a success resets the count of failures in a row', async () => {
		const breaker = circuitBreaker({ consecutiveFailures: 2, cooldownMs: 1_000 });

		await expect(breaker.execute(failing)).rejects.toThrow();
		await expect(breaker.execute(ok)).resolves.toBe('ok');
		await expect(breaker.execute(failing)).rejects.toThrow();

		expect(breaker.state).toBe('closed');
	});

	it('lets one probe through after the cooldown; its success closes the circuit', async () => {
		const changes: CircuitBreakerState[] = [];
		const breaker = circuitBreaker({
			consecutiveFailures: 1,
			cooldownMs: 10_000,
			onStateChange: (s) => changes.push(s)
		});
		await expect(breaker.execute(failing)).rejects.toThrow();

		vi.advanceTimersByTime(9_999);
		await expect(breaker.execute(ok)).rejects.toBeInstanceOf(BrokenCircuitError);
		expect(breaker.state).toBe('open');

		vi.advanceTimersByTime(1);
		let during: CircuitBreakerState | undefined;
		await expect(
			breaker.execute(async () => {
				during = breaker.state;
				return 'probe';
			})
		).resolves.toBe('probe');

		expect(during).toBe('half-open');
		expect(breaker.state).toBe('closed');
		expect(changes).toEqual(['open', 'half-open', 'closed']);
	});

	it('a failed probe opens the circuit for another cooldown', async () => {
		const breaker = circuitBreaker({ consecutiveFailures: 2, cooldownMs: 5_000 });
		for (let i = 0; i < 2; i++) await expect(breaker.execute(failing)).rejects.toThrow();

		vi.advanceTimersByTime(5_000);
		await expect(breaker.execute(failing)).rejects.toThrow(Transient);
		expect(breaker.state).toBe('open');

		vi.advanceTimersByTime(4_999);
		await expect(breaker.execute(ok)).rejects.toBeInstanceOf(BrokenCircuitError);
		vi.advanceTimersByTime(1);
		await expect(breaker.execute(ok)).resolves.toBe('ok');
		expect(breaker.state).toBe('closed');
	});

	it('counts only the errors isFailure accepts', async () => {
		const breaker = circuitBreaker({
			consecutiveFailures: 1,
			cooldownMs: 1_000,
			isFailure: (err) => err instanceof Transient
		});

		await expect(
			breaker.execute(async () => {
				throw new Permanent('not the service’s fault');
			})
		).rejects.toThrow(Permanent);
		expect(breaker.state).toBe('closed');

		await expect(breaker.execute(failing)).rejects.toThrow(Transient);
		expect(breaker.state).toBe('open');
	});

	it('combines with retries: each attempt passes the breaker, a broken circuit is not retried', async () => {
		vi.useRealTimers();
		const breaker = circuitBreaker({ consecutiveFailures: 2, cooldownMs: 60_000 });
		const sleeps: number[] = [];
		const policy = retryPolicy({
			maxAttempts: 5,
			baseDelayMs: 10,
			maxDelayMs: 100,
			retryError: (err) => err instanceof Transient,
			random: () => 0,
			sleep: async (ms) => {
				sleeps.push(ms);
			}
		});
		const calls = vi.fn(failing);

		await expect(policy.execute(() => breaker.execute(calls))).rejects.toBeInstanceOf(
			BrokenCircuitError
		);

		expect(calls).toHaveBeenCalledTimes(2);
		expect(sleeps).toEqual([5, 10]);
	});
});
