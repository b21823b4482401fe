import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import type { PgBoss } from 'pg-boss';
import { asDatabaseUnavailable } from '../db/errors.ts';
import type { GinMerger } from '../db/gin-merges.ts';
import { inTransactionTogether, type Pool, type Statement } from '../db/pool.ts';
import { jobsStatement } from '../jobs/boss.ts';
import { log } from '../log.ts';
import {
	outletJobStatements,
	OUTLETS_CTE,
	PENDING_IF_CONFIGURED
} from '../tickets/after-triage.ts';
import { auditsOfInsertedTickets, SYSTEM } from '../tickets/audit.ts';
import { TICKET_COLUMNS, toAuditDto, toTicketDto } from '../tickets/rows.ts';
import { eventsOfInsertedTickets } from './raw-events.ts';
import type { Sanitizer } from './storable.ts';
import type { IngestRequest } from './types.ts';

/** A new failure, ready to be written: everything decided, nothing stored yet. */
export interface NewFailure {
	req: IngestRequest;
	/** The ticket row by column name (ingest.ts builds it); `id`, `source` and `dedup_key` among them. */
	columns: Record<string, unknown>;
	/** Details of its "Ticket Created" entry. */
	details: Record<string, unknown>;
	/**
	 * Its first job: enrichment when Databricks is configured, else AI triage; null when it is
	 * born triaged (offline), and its Slack alert and Jira issue are queued with it instead.
	 */
	firstJob: 'triage.analyze' | 'databricks.enrich-run' | null;
	deadline: Date;
	s: Sanitizer;
}

export type BatchOutcome =
	| { kind: 'created'; ticket: TicketDto; audit: AuditEntryDto }
	/** Its run already has a ticket (committed before, or earlier in the same batch). */
	| { kind: 'conflict' }
	/** The batch could not be written as one; this failure is to be written on its own. */
	| { kind: 'alone' };

export interface IngestBatcher {
	/** Resolves once the failure's ticket is committed (or was not written, saying why). */
	submit(failure: NewFailure): Promise<BatchOutcome>;
}

export interface BatcherOptions {
	/** Most failures in one transaction. */
	maxBatch?: number;
	/** Most body bytes in one transaction: a few 1 MiB bodies fill a batch on their own. */
	maxBytes?: number;
	/**
	 * Batches committing at once: while one is out, the next fills. Fewer means larger
	 * batches (fewer statements a webhook) and more waiting behind one. Since a batch takes
	 * two round trips, one at a time did best at every load measured (bench/README.md,
	 * "One batch at a time"): with 50 senders 1.02-1.25x the webhooks of two per second,
	 * a quarter less PostgreSQL CPU each (two batches inserting side by side contend for
	 * the same index pages) and a lower p99; ahead at 10 and 200 senders too. A second
	 * batch did not help through a slow WAL flush either: both wait on the same flush.
	 */
	maxInFlight?: number;
}

/** BatcherOptions.maxInFlight's default; the runtime sizes the batches' pool by it. */
export const INGEST_BATCHES_IN_FLIGHT = 1;

export interface BatcherDeps {
	/** The batches' own pool, pipelined (createPool's `pipeline`). */
	pool: Pool;
	boss: PgBoss;
	/** Told after each batch commits: its text-index entries are merged beside, not in, the next INSERT. */
	ginMerger?: GinMerger;
}

interface Entry {
	failure: NewFailure;
	bytes: number;
	resolve(outcome: BatchOutcome): void;
	reject(err: unknown): void;
}

/**
 * Group commit: concurrent new failures share one transaction (one INSERT per table, one
 * pg-boss INSERT and NOTIFY per queue, one WAL flush), so a storm costs PostgreSQL a few
 * statements per batch rather than seven round trips and a commit per webhook. Nothing is
 * answered before its batch commits. No timer: a batch leaves as soon as fewer than
 * maxInFlight are committing, and whatever arrives meanwhile waits for the next one, so a
 * lone webhook is not delayed and a storm fills batches by itself.
 */
export function createIngestBatcher(deps: BatcherDeps, opts: BatcherOptions = {}): IngestBatcher {
	const maxBatch = opts.maxBatch ?? 64;
	const maxBytes = opts.maxBytes ?? 8 * 1024 * 1024;
	const maxInFlight = opts.maxInFlight ?? INGEST_BATCHES_IN_FLIGHT;
	let pending: Entry[] = [];
	let inFlight = 0;
	let scheduled = false;
	// The failures waiting behind a batch the database failed (gone, hanging past its
	// timeouts) fail with it rather than wait as long again in a batch of their own.
	const failPending = (err: unknown) => {
		for (const e of pending.splice(0)) e.reject(err);
	};

	const kick = () => {
		if (scheduled || inFlight >= maxInFlight || pending.length === 0) return;
		scheduled = true;
		// Next turn of the event loop: the requests that arrived together leave together.
		setImmediate(flush);
	};
	const flush = () => {
		scheduled = false;
		if (inFlight >= maxInFlight || pending.length === 0) return;
		let n = 0;
		let bytes = 0;
		while (n < pending.length && n < maxBatch && (n === 0 || bytes + pending[n]!.bytes <= maxBytes))
			bytes += pending[n++]!.bytes;
		const batch = pending.slice(0, n);
		pending = pending.slice(n);
		inFlight++;
		void commit(deps, batch, failPending).finally(() => {
			inFlight--;
			kick();
		});
		kick();
	};

	return {
		submit: (failure) =>
			new Promise<BatchOutcome>((resolve, reject) => {
				pending.push({ failure, bytes: failure.req.rawBody.length, resolve, reject });
				kick();
			})
	};
}

async function commit(
	deps: BatcherDeps,
	batch: Entry[],
	failPending: (err: unknown) => void
): Promise<void> {
	// Ticket ids are random per second: two alike in one statement would leave one without a
	// ticket and without a conflict to explain it. The second is written on its own.
	const ids = new Set<unknown>();
	const together: Entry[] = [];
	for (const e of batch) {
		if (ids.has(e.failure.columns.id)) e.resolve({ kind: 'alone' });
		else {
			ids.add(e.failure.columns.id);
			together.push(e);
		}
	}
	try {
		const outcomes = await writeBatch(
			deps,
			together.map((e) => e.failure)
		);
		together.forEach((e, i) => e.resolve(outcomes[i]!));
		deps.ginMerger?.wrote();
	} catch (err) {
		const unavailable = asDatabaseUnavailable(err);
		if (unavailable) {
			for (const e of together) e.reject(unavailable);
			failPending(unavailable);
			return;
		}
		// One payload PostgreSQL refuses (a data exception), or a deadlock with another
		// instance's batch, must not fail the others: each is written again on its own, where
		// a bad one is answered 422 and the rest are stored.
		log.warn(
			{ err, size: together.length },
			'ingest batch not written together; writing each on its own'
		);
		for (const e of together) e.resolve({ kind: 'alone' });
	}
}

/**
 * Answers in the order of `failures`, in two round trips whatever the batch's size
 * (inTransactionTogether, on the batcher's pipelined pool): BEGIN goes with the tickets, their
 * audit entries, raw events and breach timers; COMMIT with the jobs that need to know which
 * tickets were inserted. One statement after the other they were seven, and on these machines
 * each round trip to a backend waiting for its next statement cost more CPU than the statement
 * (bench/README.md, "Round trips").
 */
async function writeBatch(
	deps: { pool: Pool; boss: PgBoss },
	failures: NewFailure[]
): Promise<BatchOutcome[]> {
	// Keys in one order in every batch, so two batches inserting the same runs (two
	// instances, or two batches in flight) wait on each other instead of deadlocking.
	const order = failures
		.map((f) => ({ f, key: `${f.columns.source}\u0000${f.columns.dedup_key}` }))
		.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
	const names = Object.keys(failures[0]!.columns);
	let p = 0;
	// Born triaged, a failure goes on to its Slack alert and Jira issue at once: it is inserted
	// pending for each outlet configured (read by the INSERT itself), and one job INSERT per
	// queue below starts them all. A failure that is triaged later starts them from its triage.
	const rows = order.map(({ f }) => {
		const outlets =
			f.firstJob === null
				? [PENDING_IF_CONFIGURED('slack'), PENDING_IF_CONFIGURED('jira')]
				: ['null', 'null'];
		return `(${[...names.map(() => `$${++p}`), ...outlets].join(', ')})`;
	});
	const values = order.flatMap(({ f }) => names.map((n) => f.columns[n] ?? null));
	// One breach timer per deadline in the batch, not per ticket: each marks every ticket due
	// by then. A job row per ticket cost a storm ~13 % of its throughput (bench/README). Taken
	// from every failure, not only those inserted, so it goes with the INSERT: a timer for a
	// failure answered as a redelivery finds nothing more to mark than without it.
	const deadlines = [...new Set(failures.map((f) => f.deadline.toISOString()))];
	const timers = await jobsStatement(
		deps.boss,
		'sla.check-breach',
		deadlines.map((deadline) => ({ data: { deadline }, startAfter: new Date(deadline) }))
	);
	// A run has one ticket (dedup key and run key unique per source): a failure whose run
	// already has one, committed or earlier in this statement, inserts nothing and is
	// answered as a redelivery or a new attempt by the single-webhook path. The audit entries
	// and raw events that go with the INSERT are written for the tickets it inserted only.
	const opening: Statement[] = [
		{
			text: `${OUTLETS_CTE}
			insert into tickets (${names.join(', ')}, slack_status, jira_status) values ${rows.join(', ')}
			on conflict do nothing
			returning ${TICKET_COLUMNS}`,
			values
		},
		auditsOfInsertedTickets(
			{ action: 'Ticket Created', actor: SYSTEM },
			failures.map((f) => ({ ticketId: f.columns.id as string, details: f.details }))
		),
		eventsOfInsertedTickets(
			failures.map((f) => ({
				req: f.req,
				outcome: 'created' as const,
				ticketId: f.columns.id as string,
				error: null,
				s: f.s
			}))
		),
		...(timers ? [timers] : [])
	];
	return inTransactionTogether(deps.pool, opening, async (_tx, [inserted, audited]) => {
		const tickets = new Map<string, TicketDto>();
		for (const row of inserted!.rows) tickets.set(row.id, toTicketDto(row));
		const auditOf = new Map(audited!.rows.map((row) => [row.ticket_id as string, toAuditDto(row)]));
		const created = failures.filter((f) => tickets.has(f.columns.id as string));
		const ticketOf = (f: NewFailure) => tickets.get(f.columns.id as string)!;
		const pending = (status: 'slack_status' | 'jira_status') =>
			created
				.map(ticketOf)
				.filter((t) => t[status] === 'pending')
				.map((t) => t.id);
		// The jobs commit with the tickets or not at all: no ticket without its triage, alert
		// and issue. These name tickets, so they wait for the INSERT's answer and go with COMMIT.
		const [outlets, ...firstJobs] = await Promise.all([
			outletJobStatements(deps.boss, {
				slack: pending('slack_status'),
				jira: pending('jira_status')
			}),
			...(['triage.analyze', 'databricks.enrich-run'] as const).map((queue) =>
				jobsStatement(
					deps.boss,
					queue,
					created
						.filter((f) => f.firstJob === queue)
						.map((f) => ({ data: { ticketId: ticketOf(f).id } }))
				)
			)
		]);
		return {
			result: failures.map((f): BatchOutcome => {
				const ticket = tickets.get(f.columns.id as string);
				return ticket
					? { kind: 'created', ticket, audit: auditOf.get(ticket.id)! }
					: { kind: 'conflict' };
			}),
			closing: [...outlets, ...firstJobs.filter((s) => s !== null)]
		};
	});
}
