/**
 * Many small statements of one kind, one round trip: calls that arrive while a statement
 * is out wait and go together in the next. Nothing waits on a timer, so a lone call is sent
 * at once; under load each statement carries whatever queued behind the one before. A
 * storm of webhooks then costs one key lookup or one NOTIFY per round trip instead of one
 * per webhook — every statement saved is a socket write, a wake-up of a PostgreSQL backend
 * and, for NOTIFY, a commit.
 *
 * Statements are sent one after another, so the order of the calls is kept. Each statement
 * starts after every call it answers was made.
 */
export interface CoalesceOptions {
	/** At most this many calls in one statement (parameters, payload size). */
	max?: number;
	/**
	 * When a statement fails, fail the calls queued behind it too, instead of trying them
	 * in the next: right when they would only wait as long again on the same database.
	 */
	failQueued?: boolean;
}

/**
 * `run` gets the batch in call order and answers one result per input, in the same order.
 */
export function coalescing<In, Out>(
	run: (batch: In[]) => Promise<Out[]>,
	{ max = Infinity, failQueued = false }: CoalesceOptions = {}
): (input: In) => Promise<Out> {
	interface Waiting {
		input: In;
		resolve(out: Out): void;
		reject(err: unknown): void;
	}
	const waiting: Waiting[] = [];
	let busy = false;
	const drain = async () => {
		busy = true;
		while (waiting.length > 0) {
			const batch = waiting.splice(0, max);
			try {
				const out = await run(batch.map((w) => w.input));
				batch.forEach((w, i) => w.resolve(out[i]!));
			} catch (err) {
				for (const w of failQueued ? [...batch, ...waiting.splice(0)] : batch) w.reject(err);
			}
		}
		busy = false;
	};
	return (input) =>
		new Promise<Out>((resolve, reject) => {
			waiting.push({ input, resolve, reject });
			if (!busy) void drain();
		});
}
