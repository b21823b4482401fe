import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_INGEST_KEY } from '../../support/db.ts';
import { fixture } from '../../support/fixtures.ts';

/** One webhook as the sender saw it. `status` is 0 when no answer came (refused, reset, timed out). */
export interface Delivery {
	runId: string;
	status: number;
	/** ms since the epoch, when the request was sent and when its answer (or failure) came */
	sentAt: number;
	doneAt: number;
	retryAfter: string | null;
	code: string | null;
	ticketId: string | null;
	failure: string | null;
}

const BODY = fixture('generic/airflow-task-failed.json');

/** Posts one generic webhook with a unique run_id; never throws. */
export async function sendWebhook(
	baseUrl: string,
	runId: string,
	timeoutMs = 15_000
): Promise<Delivery> {
	const sentAt = Date.now();
	try {
		const res = await fetch(`${baseUrl}/api/webhooks/generic`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-api-key': TEST_INGEST_KEY },
			body: JSON.stringify({ ...BODY, run_id: runId }),
			signal: AbortSignal.timeout(timeoutMs)
		});
		const text = await res.text();
		let json: { ticket_id?: string; error?: { code?: string } } = {};
		try {
			json = JSON.parse(text);
		} catch {
			// an HTML error page: kept as a failure below
		}
		return {
			runId,
			status: res.status,
			sentAt,
			doneAt: Date.now(),
			retryAfter: res.headers.get('retry-after'),
			code: json.error?.code ?? null,
			ticketId: json.ticket_id ?? null,
			failure: res.status >= 500 && !json.error ? text.slice(0, 200) : null
		};
	} catch (err) {
		const e = err as Error & { cause?: { code?: string } };
		return {
			runId,
			status: 0,
			sentAt,
			doneAt: Date.now(),
			retryAfter: null,
			code: null,
			ticketId: null,
			failure: e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.message)
		};
	}
}

export interface WebhookLoad {
	deliveries: Delivery[];
	/** Stops the senders and waits for the requests in flight. */
	stop(): Promise<Delivery[]>;
}

/**
 * `senders` loops posting webhooks back to back, each with a unique run_id (`tag`-sender-n),
 * pausing briefly after an answer that was not 2xx (as a sender honouring Retry-After would,
 * only shorter, to keep probing).
 */
export function startWebhookLoad(
	baseUrl: string,
	opts: { senders?: number; tag: string; timeoutMs?: number; pauseAfterFailureMs?: number }
): WebhookLoad {
	const deliveries: Delivery[] = [];
	let running = true;
	const senders = Array.from({ length: opts.senders ?? 20 }, async (_, s) => {
		for (let n = 0; running; n++) {
			const d = await sendWebhook(baseUrl, `${opts.tag}-${s}-${n}`, opts.timeoutMs);
			deliveries.push(d);
			if (d.status < 200 || d.status > 299) await sleep(opts.pauseAfterFailureMs ?? 50);
		}
	});
	return {
		deliveries,
		async stop() {
			running = false;
			await Promise.all(senders);
			return deliveries;
		}
	};
}

/** Posts a probe webhook every `everyMs` until one is 201; seconds from `since` to that answer. */
export async function secondsUntilCreated(
	baseUrl: string,
	tag: string,
	since: number,
	limitMs = 30_000,
	everyMs = 100
): Promise<{ seconds: number; delivery: Delivery } | null> {
	for (let n = 0; Date.now() - since < limitMs; n++) {
		const d = await sendWebhook(baseUrl, `${tag}-probe-${n}`, 5_000);
		if (d.status === 201) return { seconds: (d.doneAt - since) / 1000, delivery: d };
		await sleep(everyMs);
	}
	return null;
}

/** "n× status code" groups, for a summary line. */
export function summarize(ds: Delivery[]): string {
	const by = new Map<string, number>();
	for (const d of ds) {
		const k = `${d.status}${d.code ? ` ${d.code}` : ''}${d.failure ? ` ${d.failure.replace(/"errorId":"[^"]*"/, '').slice(0, 80)}` : ''}`;
		by.set(k, (by.get(k) ?? 0) + 1);
	}
	return [...by].map(([k, n]) => `${n}× ${k}`).join('; ');
}

export function count<T>(items: T[], pred: (t: T) => boolean): number {
	return items.reduce((n, t) => n + (pred(t) ? 1 : 0), 0);
}
