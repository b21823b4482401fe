/**
 * Writes what one /mcp request did to the access log (calls.ts) and the metrics: the calls
 * it asked for (access-log.ts) with the outcome each got, read from the JSON-RPC answer.
 */
import { log } from '../log.ts';
import { mcpMetrics } from '../metrics.ts';
import { callOutcome, metricName, type CallRequest } from './access-log.ts';
import type { McpCallLog } from './calls.ts';

export interface CallOwner {
	userId: string;
	userEmail: string;
	tokenId: string | null;
	sessionId: string;
}

/** The answers of a JSON answer body by request id; an error without id applies to all. */
export function answersOf(text: string): { byId: Map<unknown, unknown>; whole: unknown } {
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return { byId: new Map(), whole: undefined };
	}
	const list = Array.isArray(parsed) ? parsed : [parsed];
	const byId = new Map<unknown, unknown>();
	for (const m of list)
		if (typeof m === 'object' && m !== null && 'id' in m) byId.set((m as { id: unknown }).id, m);
	return { byId, whole: byId.get(null) };
}

/** `known`: the tool, prompt and resource names the metrics may use as labels. */
export function callRecorder(calls: McpCallLog, known: Set<string>) {
	return async function record(
		asked: CallRequest[],
		answered: string,
		at: Date,
		ms: number,
		owner: CallOwner
	): Promise<void> {
		const { byId, whole } = answersOf(answered);
		const entries = asked.map(({ id, ...call }) => {
			const end = callOutcome(byId.get(id) ?? whole);
			const labels = { kind: call.kind, name: metricName(call, known) };
			mcpMetrics.calls.inc({ ...labels, outcome: end.outcome });
			mcpMetrics.seconds.observe(labels, ms / 1000);
			return { ...call, ...end, ...owner, at, durationMs: ms };
		});
		try {
			await calls.record(entries);
		} catch (err) {
			// The answer stands (a write is in the ticket's audit trail anyway); the gap is counted.
			mcpMetrics.logFailures.inc(entries.length);
			log.error({ err, userId: owner.userId }, 'mcp access log write failed');
		}
	};
}
