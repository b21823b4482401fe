import type { TicketDto } from '../../src/lib/contracts/tickets.ts';
import { handleWebhook } from '../../src/lib/server/http/webhooks.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { TICKET_COLUMNS, toTicketDto } from '../../src/lib/server/tickets/rows.ts';
import { fixture } from './fixtures.ts';
import { webhookRequest } from './http.ts';

let seq = 0;

/** Creates a ticket through the real webhook path (generic schema), returning its row. */
export async function createTicket(
	rt: Runtime,
	over: Record<string, unknown> = {}
): Promise<TicketDto> {
	const body = {
		...fixture('generic/airflow-task-failed.json'),
		run_id: `run-${process.pid}-${Date.now()}-${seq++}`,
		...over
	};
	const res = await handleWebhook(rt, 'generic', webhookRequest('generic', body), null);
	const answer = await res.json();
	if (res.status !== 201) throw new Error(`ingest failed: ${res.status} ${JSON.stringify(answer)}`);
	return getTicket(rt, answer.ticket_id);
}

export async function getTicket(rt: Runtime, id: string): Promise<TicketDto> {
	const r = await rt.pool.query(`select ${TICKET_COLUMNS} from tickets where id = $1`, [id]);
	return toTicketDto(r.rows[0]);
}

export async function auditActions(rt: Runtime, id: string): Promise<string[]> {
	const r = await rt.pool.query(`select action from audit_log where ticket_id = $1 order by id`, [
		id
	]);
	return r.rows.map((row) => row.action);
}

/** Polls until `check` passes (for effects of background workers); fails after `ms`. */
export async function eventually<T>(
	fn: () => Promise<T>,
	check: (v: T) => boolean,
	ms = 15_000
): Promise<T> {
	const until = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (check(v)) return v;
		if (Date.now() > until)
			throw new Error(`condition not met within ${ms} ms; last value: ${JSON.stringify(v)}`);
		await new Promise((r) => setTimeout(r, 100));
	}
}
