/**
 * Retry with backoff, and a circuit breaker, for calls to outside services (today Gemini RCA and
 * Databricks enrichment). Built on cockatiel's policies; this module only fixes the house rules:
 *
 * - exponential backoff with equal jitter (half fixed, half random: workers spread apart, yet
 *   never retry at once), capped at `maxDelayMs`;
 * - a delay the server asked for (Retry-After, Gemini's RetryInfo) wins over the computed one,
 *   capped too, or, with `longRetryAfter: 'give-up'`, ends the retries so a job queue can
 *   reschedule instead of holding a worker;
 * - `sleep` and `random` can be injected, so tests see exactly which delays were chosen
 *   without waiting for them.
 *
 * Bottom layer: imports nothing from the rest of src/lib/server.
 */
import {
	BrokenCircuitError,
	CircuitState,
	ConsecutiveBreaker,
	circuitBreaker as cockatielBreaker,
	handleWhen,
	retry,
	type IBackoff,
	type IRetryBackoffContext
} from 'cockatiel';

/** Why an attempt failed: a thrown error, or a returned value judged a failure. */
export type RetryFailure<T> = { error: unknown } | { value: T };

export interface BackoffOptions {
	baseDelayMs: number;
	maxDelayMs: number;
	/** Source of jitter in [0, 1). */
	random: () => number;
}

/**
 * The wait after failed attempt `attempt` (1-based): exponential backoff with equal jitter;
 * a server-given retry delay wins; both capped at `maxDelayMs`.
 */
export function backoffMs(
	attempt: number,
	retryAfterMs: number | null | undefined,
	opts: BackoffOptions
): number {
	if (retryAfterMs !== null && retryAfterMs !== undefined) {
		return Math.min(retryAfterMs, opts.maxDelayMs);
	}
	const ceiling = Math.min(opts.baseDelayMs * 2 ** (attempt - 1), opts.maxDelayMs);
	return Math.round(ceiling / 2 + (opts.random() * ceiling) / 2);
}

export interface RetryOptions<T = unknown> {
	/** Calls in all, the first one included. Below 1 means 1; fractions round down. */
	maxAttempts: number;
	/** The first backoff's ceiling; it doubles per attempt. */
	baseDelayMs: number;
	/** Upper bound for one wait, a server-requested one included. */
	maxDelayMs: number;
	/** A thrown error worth another attempt. Any other error propagates at once. Default: none. */
	retryError?: (error: unknown) => boolean;
	/**
	 * A returned value that is a failure worth another attempt. When the attempts run out, the
	 * last such value is returned (not thrown). Default: none.
	 */
	retryResult?: (value: T) => boolean;
	/** The delay the server asked for with this failure, if any. */
	retryAfterMs?: (failure: RetryFailure<T>) => number | null | undefined;
	/**
	 * What a server-requested delay longer than `maxDelayMs` does: `'cap'` (default) waits
	 * `maxDelayMs`; `'give-up'` retries no more and hands the failure back at once.
	 */
	longRetryAfter?: 'cap' | 'give-up';
	/** Default: a real timer. */
	sleep?: ((ms: number) => Promise<void>) | undefined;
	/** Source of jitter in [0, 1). Default: Math.random. */
	random?: (() => number) | undefined;
}

export interface RetryPolicy<T = unknown> {
	/**
	 * Runs `fn` until it succeeds, fails in a way that is not retried, or the attempts run out.
	 * `fn` gets the 1-based attempt number.
	 */
	execute<R extends T>(fn: (attempt: number) => Promise<R> | R): Promise<R>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function retryPolicy<T = unknown>(opts: RetryOptions<T>): RetryPolicy<T> {
	const maxAttempts = Math.max(1, Math.floor(opts.maxAttempts) || 1);
	const sleep = opts.sleep ?? realSleep;
	const jitter = {
		baseDelayMs: opts.baseDelayMs,
		maxDelayMs: opts.maxDelayMs,
		random: opts.random ?? Math.random
	};
	const serverDelay = (failure: RetryFailure<T>) => opts.retryAfterMs?.(failure) ?? null;
	const tooLongToWait = (failure: RetryFailure<T>) => {
		if (opts.longRetryAfter !== 'give-up') return false;
		const requested = serverDelay(failure);
		return requested !== null && requested > opts.maxDelayMs;
	};
	const handled = handleWhen(
		(error) => opts.retryError?.(error) === true && !tooLongToWait({ error })
	).orWhenResult(
		(value) => opts.retryResult?.(value as T) === true && !tooLongToWait({ value: value as T })
	);

	return {
		execute<R extends T>(fn: (attempt: number) => Promise<R> | R): Promise<R> {
			// cockatiel's own wait is a timer that cannot be injected, so it is told to wait 0 ms
			// and the chosen delay is slept here, before the next attempt, with `sleep`.
			let pendingMs = 0;
			const backoff: IBackoff<IRetryBackoffContext<unknown>> = {
				duration: 0,
				next(context) {
					const failure = context.result as RetryFailure<T>;
					pendingMs = backoffMs(context.attempt, serverDelay(failure), jitter);
					return backoff;
				}
			};
			// cockatiel counts retries, not calls.
			const policy = retry(handled, { maxAttempts: maxAttempts - 1, backoff });
			return policy.execute(async ({ attempt }) => {
				if (attempt > 0) await sleep(pendingMs);
				return fn(attempt + 1);
			});
		}
	};
}

export type CircuitBreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
	/** Failures in a row that open the circuit. */
	consecutiveFailures: number;
	/** How long an open circuit refuses calls before it lets one probe call through. */
	cooldownMs: number;
	/**
	 * Errors that count as failures (default: all). Other errors pass through without counting
	 * while closed, and count as a successful probe while half-open (the service answered).
	 */
	isFailure?: (error: unknown) => boolean;
	onStateChange?: (state: CircuitBreakerState) => void;
}

export interface CircuitBreaker {
	/**
	 * `closed`: calls pass. `open`: calls fail at once with `BrokenCircuitError`; the first call
	 * after the cooldown becomes the probe. `half-open`: the probe is running; other calls wait
	 * for its verdict. A successful probe closes the circuit, a failed one opens it again.
	 */
	readonly state: CircuitBreakerState;
	execute<R>(fn: () => Promise<R> | R): Promise<R>;
}

export { BrokenCircuitError };

function stateName(state: CircuitState): CircuitBreakerState {
	if (state === CircuitState.Closed) return 'closed';
	if (state === CircuitState.HalfOpen) return 'half-open';
	return 'open'; // Open, or Isolated (held open by hand)
}

/**
 * A consecutive-failure breaker: it opens after `consecutiveFailures` failures in a row and
 * half-opens for one probe after `cooldownMs` (measured with Date.now, so fake timers work).
 * Combine with retries by running each attempt through it and not retrying BrokenCircuitError.
 */
export function circuitBreaker(opts: CircuitBreakerOptions): CircuitBreaker {
	const isFailure = opts.isFailure ?? (() => true);
	const breaker = cockatielBreaker(handleWhen(isFailure), {
		halfOpenAfter: opts.cooldownMs,
		breaker: new ConsecutiveBreaker(opts.consecutiveFailures)
	});
	const { onStateChange } = opts;
	if (onStateChange) breaker.onStateChange((state) => onStateChange(stateName(state)));
	return {
		get state() {
			return stateName(breaker.state);
		},
		execute: (fn) => breaker.execute(() => fn())
	};
}
