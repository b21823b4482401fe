import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import type { PgBoss } from 'pg-boss';
import { inTransaction, type Pool, type PoolClient } from '../db/pool.ts';
import { send } from '../jobs/boss.ts';
import { publish } from '../events.ts';
import { findIncident, groupKeys, type IncidentMatch } from '../incidents/grouping.ts';
import { groupingSettings } from '../incidents/settings.ts';
import { ingestSettings } from '../routing/cache.ts';
import { route } from '../routing/match.ts';
import { getRecoverySettings } from '../recovery/settings.ts';
import { slaDeadline } from '../sla/policy.ts';
import { appendAudit, SYSTEM } from '../tickets/audit.ts';
import { recoverLocked } from '../tickets/recovery.ts';
import { newTicketId } from '../tickets/ids.ts';
import { TICKET_COLUMNS, toTicketDto } from '../tickets/rows.ts';
import { enqueueAfterTriage } from '../tickets/after-triage.ts';
import { classifyOffline } from '../triage/classifier.ts';
import { log } from '../log.ts';
import { databricksRunUrl } from './run-links.ts';
import { parseFor } from './sources/registry.ts';
import type { IngestBatcher, NewFailure } from './batch.ts';
import { storeEvent } from './raw-events.ts';
import { escapeUnstorable, Sanitizer, storableKey } from './storable.ts';
import type { FieldError, IngestRequest, NormalizedAlert } from './types.ts';

/** Ticket columns kept inside the server, not part of the API contract. */
type InternalColumn =
	| 'dedup_key'
	| 'source_severity'
	| 'routing_rule_id'
	| 'group_resource'
	| 'group_fingerprint'
	| 'run_key'
	| 'attempt_keys'
	| 'recovery_keys';

export type IngestAnswer =
	| { status: 201; body: { status: 'created'; ticket_id: string } }
	| { status: 200; body: { status: 'duplicate_ignored'; ticket_id: string } }
	| { status: 200; body: { status: 'attempt_recorded'; ticket_id: string; attempt: number } }
	| {
			status: 200;
			body: {
				status: 'resolved_recorded';
				ticket_id: string | null;
				/** Whether the success marked or resolved a ticket; if not, `reason` says why. */
				recovered: boolean;
				action?: 'marked' | 'resolved';
				reason?: string;
			};
	  }
	| {
			status: 400;
			body: { error: { code: 'invalid_payload'; message: string; details: FieldError[] } };
	  }
	| { status: 422; body: { error: { code: 'unstorable_payload'; message: string } } };

export interface IngestDeps {
	pool: Pool;
	boss: PgBoss;
	/** Whether a Databricks connection is configured: then enrichment runs before AI triage. */
	databricksEnabled: () => boolean;
	/**
	 * Whether a Gemini connection is configured (cached like databricksEnabled). Without one
	 * and without enrichment, triage is the offline classifier's, done here: the ticket is
	 * born triaged, with no triage job to wait for.
	 */
	aiEnabled?: () => boolean;
	/** The configured Databricks workspace host, for the run page link; null when none. */
	databricksHost?: () => Promise<string | null>;
	/** Group commit of concurrent new failures; without it each webhook has its own transaction. */
	batcher?: IngestBatcher;
	/** Names a new ticket (tickets/ids.ts by default; a test passes one that repeats itself). */
	newTicketId?: typeof newTicketId;
}

/** Ids a failure may draw before a still-taken one is an error (each retry: 1 in 2·10⁹). */
const ID_DRAWS = 4;

/**
 * Records a request Vigil refused before parsing (too large, wrong media type or
 * content encoding, undecodable body), so nothing is lost.
 */
export async function recordRejected(
	pool: Pool,
	req: IngestRequest,
	outcome: 'too_large' | 'unsupported_media_type' | 'invalid',
	error: { code: string; message: string }
): Promise<void> {
	await storeEvent(pool, { req, outcome, ticketId: null, error, s: new Sanitizer() });
}

/**
 * PostgreSQL's data exceptions (class 22) and program limits (class 54): what a
 * payload's content could still provoke, should a value slip past the escaping
 * and hashing below. Such a request is refused (422) and recorded, never a 5xx.
 */
function isContentError(err: unknown): err is Error {
	const code = (err as { code?: unknown } | null)?.code;
	return typeof code === 'string' && /^(22|54)[0-9A-Z]{3}$/.test(code);
}

export async function ingest(deps: IngestDeps, req: IngestRequest): Promise<IngestAnswer> {
	try {
		return await ingestBody(deps, req);
	} catch (err) {
		if (!isContentError(err)) throw err;
		const message = `PostgreSQL cannot store this payload: ${(err as Error).message}`;
		log.warn({ err, endpoint: req.endpoint, requestId: req.requestId }, 'webhook unstorable');
		const error = { code: 'unstorable_payload' as const, message };
		await storeEvent(deps.pool, {
			req,
			outcome: 'invalid',
			ticketId: null,
			error,
			s: new Sanitizer()
		});
		return { status: 422, body: { error } };
	}
}

async function ingestBody(deps: IngestDeps, req: IngestRequest): Promise<IngestAnswer> {
	const s = new Sanitizer();
	const parsed = parseBody(req);
	if (!parsed.ok) {
		const details = shortErrors(parsed.errors, s);
		await storeEvent(deps.pool, {
			req,
			outcome: 'invalid',
			ticketId: null,
			error: { code: 'invalid_payload', details },
			s
		});
		return {
			status: 400,
			body: {
				error: {
					code: 'invalid_payload',
					message: `Invalid ${req.endpoint} payload: ${details.map((e) => e.field).join(', ')}`,
					details
				}
			}
		};
	}
	const alert = storableAlert(await withRunUrl(deps, parsed.alert), s);
	if (alert.condition === 'Resolved') return recordSuccess(deps, req, alert, s);

	const [settings, grouping] = await Promise.all([
		ingestSettings(deps.pool),
		groupingSettings(deps.pool)
	]);
	const now = new Date();
	const triage = classifyOffline({
		source: alert.source,
		pipeline: alert.pipeline,
		resource: alert.resource,
		errorMessage: alert.errorMessage,
		errorCode: alert.errorCode,
		failureType: alert.failureType
	});
	const routed = route(settings.rules, { pipeline: alert.pipeline, resource: alert.resource });
	const deadline = slaDeadline(now, triage.priority, settings.sla);
	const id = (deps.newTicketId ?? newTicketId)(alert.source, now);
	const keys = groupKeys(alert);
	const enrich =
		alert.source === 'databricks' && alert.databricks !== null && deps.databricksEnabled();
	// Nothing more to learn later (no AI, no error to fetch first): triage finishes with the
	// ticket, and the Slack alert and Jira issue are queued in its transaction. A storm then
	// costs no triage job, no second write of each ticket and no second broadcast.
	const triaged = !enrich && deps.aiEnabled?.() === false;

	// Named by the contract's field names (plus the internal ones), so a column and its value
	// cannot drift apart; the rest of the ticket takes the table's defaults.
	const json = (value: unknown) => JSON.stringify(s.json(value, 'ticket_escaped'));
	const columns: Partial<Record<keyof TicketDto | InternalColumn, unknown>> = {
		id,
		source: alert.source,
		dedup_key: alert.dedupKey,
		run_key: alert.runKey,
		attempt_keys: alert.runKey === alert.dedupKey ? [] : [alert.dedupKey],
		attempts: alert.attempt ?? 1,
		recovery_keys: alert.recoveryKeys,
		run_url: alert.runUrl,
		format: alert.format,
		pipeline: alert.pipeline,
		run_id: alert.runId,
		resource: alert.resource,
		severity: triage.severity,
		priority: triage.priority,
		category: triage.category,
		error_type: triage.errorType,
		error_code: alert.errorCode,
		failure_type: alert.failureType,
		source_severity: alert.sourceSeverity,
		error_message: alert.errorMessage,
		root_cause: triage.rootCause,
		recommendations: json(triage.recommendations),
		evidence: json(triage.evidence),
		confidence: triage.confidence,
		affected_entity: triage.affectedEntity,
		auto_heal_possible: triage.autoHealPossible,
		triage_status: triaged ? 'offline_only' : 'pending',
		enrichment_status: enrich ? 'pending' : null,
		sla_seconds: settings.sla[triage.priority],
		sla_deadline: deadline,
		occurred_at: alert.occurredAt,
		created_at: now,
		updated_at: now,
		team: routed.team,
		owner: routed.owner,
		cost_center: routed.costCenter,
		routing_rule_id: routed.ruleId,
		slack_channel: routed.slackChannel,
		links: json(alert.links),
		labels: json(alert.labels),
		group_resource: keys.resource?.name ?? null,
		group_fingerprint: keys.fingerprint
	};
	// Triage quotes the alert's texts, and a cut may fall inside a surrogate pair.
	for (const [name, value] of Object.entries(columns) as [keyof typeof columns, unknown][])
		if (typeof value === 'string') columns[name] = s.text(value, 'ticket_escaped');

	const failure: NewFailure = {
		req,
		columns,
		details: {
			endpoint: req.endpoint,
			format: alert.format,
			triage: 'offline',
			error_type: triage.errorType,
			category: triage.category,
			...(s.notes.size ? { sanitized: s.list() } : {})
		},
		firstJob: enrich ? 'databricks.enrich-run' : triaged ? null : 'triage.analyze',
		deadline,
		s
	};
	// Grouping takes advisory locks and may wait for the incident's first failure to commit:
	// such a failure is written in a transaction of its own, never holding up a batch.
	const batched = deps.batcher && !grouping.enabled ? await deps.batcher.submit(failure) : null;
	const outcome =
		batched?.kind === 'created'
			? batched
			: await writeAlone(deps, failure, alert, (tx) => findIncident(tx, grouping, keys, now));

	if (outcome.kind === 'created') {
		// Again after commit: the send inside the transaction is dropped when a recount is
		// already queued, and that recount may start before this child commits and miss it
		// (a storm of 200 showed 197). Queued now, a recount either is new or has not started,
		// so it counts this child. The one in the transaction stays: it survives a crash here.
		if (outcome.ticket.incident_id)
			await send(
				deps.boss,
				'incidents.recount',
				{ incidentId: outcome.ticket.incident_id },
				{ singletonKey: outcome.ticket.incident_id }
			).catch((err: unknown) => log.warn({ err }, 'incident recount not queued after commit'));
		publish('ticket:created', outcome.ticket);
		publish('audit:appended', outcome.audit);
		return { status: 201, body: { status: 'created', ticket_id: outcome.ticket.id } };
	}
	publish('ticket:updated', outcome.ticket);
	if (outcome.kind === 'attempt') {
		publish('audit:appended', outcome.audit);
		return {
			status: 200,
			body: { status: 'attempt_recorded', ticket_id: outcome.ticket.id, attempt: outcome.attempt }
		};
	}
	return { status: 200, body: { status: 'duplicate_ignored', ticket_id: outcome.ticket.id } };
}

type Written =
	| { kind: 'created'; ticket: TicketDto; audit: AuditEntryDto }
	| { kind: 'duplicate'; ticket: TicketDto }
	| { kind: 'attempt'; ticket: TicketDto; audit: AuditEntryDto; attempt: number };

/**
 * One new failure in a transaction of its own: a failure that may join an incident, a
 * later delivery of a run that has a ticket (a redelivery, a retry, the loser of a race),
 * and whatever a batch could not write together.
 */
async function writeAlone(
	deps: IngestDeps,
	f: NewFailure,
	alert: NormalizedAlert,
	findMatch: (tx: PoolClient) => Promise<IncidentMatch | null>
): Promise<Written> {
	const { req, s } = f;
	return inTransaction(deps.pool, async (tx) => {
		// A failure sharing its cause with an open incident joins it (incidents/grouping.ts).
		const match = await findMatch(tx);
		let insertColumns = match
			? { ...f.columns, incident_id: match.incident.id, grouped_reason: match.reason }
			: f.columns;
		let row: Record<string, unknown> | undefined;
		for (let draw = 1; !row; draw++) {
			// A run has one ticket: the dedup key and the run key are both unique per source, so
			// the first delivery of a run inserts and every later one (a redelivery, a retry, the
			// loser of a race) finds that ticket, waiting only while its insert commits.
			const inserted = await tx.query(
				`insert into tickets (${Object.keys(insertColumns).join(', ')})
				values (${Object.keys(insertColumns).map((_, i) => `$${i + 1}`)})
				on conflict do nothing
				returning ${TICKET_COLUMNS}`,
				Object.values(insertColumns)
			);
			row = inserted.rows[0];
			if (row) break;
			// Locked, so two deliveries of one new attempt count it once.
			const same = await tx.query(
				`select ${TICKET_COLUMNS}, dedup_key, attempt_keys from tickets
				where source = $1 and (dedup_key = $2 or run_key = $3)
				order by (dedup_key = $2) desc limit 1 for update`,
				[alert.source, alert.dedupKey, alert.runKey]
			);
			const run = same.rows[0];
			if (run) {
				const seen = run.dedup_key === alert.dedupKey || run.attempt_keys.includes(alert.dedupKey);
				return seen ? duplicate(tx, req, run.id, s) : attempt(tx, req, toTicketDto(run), alert, s);
			}
			// No ticket of this run: the id was taken. Ids are random per source and second, and
			// at 1,000 tickets a second two collide about once an hour; the failure draws again
			// rather than being answered 500 with its raw event unstored.
			if (draw >= ID_DRAWS)
				throw new Error(`ticket ids ${String(insertColumns.id)} and ${draw - 1} before were taken`);
			insertColumns = {
				...insertColumns,
				id: (deps.newTicketId ?? newTicketId)(alert.source, new Date())
			};
		}
		const ticket = toTicketDto(row);
		const audit = await appendAudit(tx, ticket, {
			action: 'Ticket Created',
			actor: SYSTEM,
			// The incident first: the timeline shows the first few details, and it matters most.
			details: match
				? { incident_id: match.incident.id, reason: match.reason, ...f.details }
				: f.details
		});
		// The jobs commit with the ticket or not at all: no ticket without its triage and timer.
		// A ticket born triaged has its Slack alert and Jira issue queued instead (none for a
		// grouped failure: its incident tells them).
		if (f.firstJob) await send(deps.boss, f.firstJob, { ticketId: ticket.id }, { tx });
		const told = f.firstJob ? ticket : await enqueueAfterTriage(tx, deps.boss, ticket);
		// A grouped failure runs on its incident's clock: no breach timer of its own; the
		// incident counts it (and may take its priority) in a job queued with it.
		if (match)
			await send(
				deps.boss,
				'incidents.recount',
				{ incidentId: match.incident.id },
				{ tx, singletonKey: match.incident.id }
			);
		else
			await send(
				deps.boss,
				'sla.check-breach',
				{ ticketId: ticket.id, deadline: f.deadline.toISOString() },
				{ tx, startAfter: f.deadline }
			);
		await storeEvent(tx, { req, outcome: 'created', ticketId: ticket.id, error: null, s });
		return { kind: 'created' as const, ticket: told, audit };
	});
}

/** Databricks notifications carry no run page: it is built from the configured workspace host. */
async function withRunUrl(deps: IngestDeps, alert: NormalizedAlert): Promise<NormalizedAlert> {
	if (alert.runUrl || !alert.databricks || !deps.databricksHost) return alert;
	const host = await deps.databricksHost();
	return {
		...alert,
		runUrl: databricksRunUrl(host, alert.databricks.jobId, alert.databricks.runId)
	};
}

function parseBody(req: IngestRequest) {
	let body: unknown;
	try {
		body = JSON.parse(req.rawBody);
	} catch (err) {
		return {
			ok: false as const,
			errors: [{ field: '(body)', message: `malformed JSON: ${(err as Error).message}` }]
		};
	}
	return parseFor(req.endpoint, body);
}

/**
 * A redelivery of a delivery already counted (or the loser of a race) lands here.
 * Counting deliveries on the ticket tells the on-call engineer the source is retrying.
 */
async function duplicate(
	tx: PoolClient,
	req: IngestRequest,
	ticketId: string,
	s: Sanitizer
): Promise<{ kind: 'duplicate'; ticket: TicketDto }> {
	const r = await tx.query(
		`update tickets set occurrences = occurrences + 1, version = version + 1, updated_at = now()
		where id = $1 returning ${TICKET_COLUMNS}`,
		[ticketId]
	);
	const ticket = toTicketDto(r.rows[0]);
	await storeEvent(tx, { req, outcome: 'duplicate', ticketId: ticket.id, error: null, s });
	return { kind: 'duplicate', ticket };
}

/**
 * A later attempt of a run that already has a ticket (a repair, a task retry, a
 * re-run): counted on that ticket instead of opening another. The run failed
 * again, so an earlier recovery no longer holds; the link follows the newest attempt.
 */
async function attempt(
	tx: PoolClient,
	req: IngestRequest,
	t: TicketDto,
	alert: NormalizedAlert,
	s: Sanitizer
): Promise<{ kind: 'attempt'; ticket: TicketDto; audit: AuditEntryDto; attempt: number }> {
	// Without a number, the run's plain first delivery is attempt 1 (arriving after a retry
	// that won the race); any other unnumbered attempt (a repair) is the next one.
	const n = alert.attempt ?? (alert.dedupKey === alert.runKey ? 1 : t.attempts + 1);
	const r = await tx.query(
		`update tickets set attempts = greatest(attempts, $2), last_attempt_at = now(),
			attempt_keys = array_append(attempt_keys, $3), run_url = coalesce($4, run_url),
			recovered_at = null, recovered_run_id = null, version = version + 1, updated_at = now()
		where id = $1 returning ${TICKET_COLUMNS}`,
		[t.id, n, alert.dedupKey, alert.runUrl]
	);
	const ticket = toTicketDto(r.rows[0]);
	const audit = await appendAudit(tx, ticket, {
		action: 'Attempt Failed',
		actor: SYSTEM,
		details: {
			summary: `Attempt ${n} failed`,
			attempt: n,
			run_id: alert.runId,
			...(alert.runUrl ? { run_url: alert.runUrl } : {}),
			...(alert.errorMessage ? { error: alert.errorMessage.slice(0, 500) } : {})
		}
	});
	await storeEvent(tx, { req, outcome: 'attempt', ticketId: ticket.id, error: null, s });
	return { kind: 'attempt', ticket, audit, attempt: n };
}

const REPORTER: Record<NormalizedAlert['source'], string> = {
	adf: 'Azure Monitor',
	databricks: 'Databricks',
	generic: 'Scheduler'
};

/**
 * The source reports success (Azure Resolved, Databricks jobs.on_success, generic
 * status succeeded): per the source's recovery setting, the latest open ticket of
 * the same job / alert / pipeline is marked recovered or resolved. A success never
 * creates a ticket; with nothing to match it is only stored, and the answer says why.
 */
async function recordSuccess(
	deps: IngestDeps,
	req: IngestRequest,
	alert: NormalizedAlert,
	s: Sanitizer
): Promise<IngestAnswer> {
	const mode = (await getRecoverySettings(deps.pool))[alert.source];
	const result = await inTransaction(deps.pool, async (tx) => {
		if (mode === 'off') {
			await storeEvent(tx, { req, outcome: 'resolved', ticketId: null, error: null, s });
			return {
				ticket: null,
				audits: [],
				related: [],
				reason: `recovery is off for ${alert.source}`
			};
		}
		// Marking again changes nothing; resolving still closes a ticket that was only marked.
		const r = await tx.query(
			`select ${TICKET_COLUMNS} from tickets
			where source = $1 and status <> 'closed' and recovery_keys && $2::text[]
				${mode === 'mark' ? 'and recovered_at is null' : ''}
			order by created_at desc, id desc limit 1 for update`,
			[alert.source, alert.recoveryKeys]
		);
		const open = r.rows[0] ? toTicketDto(r.rows[0]) : null;
		const done = open
			? await recoverLocked(tx, open, mode, {
					reporter:
						alert.source === 'generic'
							? (alert.labels.source ?? REPORTER.generic)
							: REPORTER[alert.source],
					runId: alert.runId,
					runUrl: alert.runUrl
				})
			: null;
		await storeEvent(tx, {
			req,
			outcome: 'resolved',
			ticketId: done?.ticket.id ?? null,
			error: null,
			s
		});
		return done
			? { ...done, reason: null }
			: {
					ticket: null,
					audits: [],
					related: [],
					reason:
						alert.recoveryKeys.length === 0
							? 'this payload names no job, alert or pipeline to recover'
							: `no open ticket ${mode === 'mark' ? 'waiting for recovery ' : ''}for this ${
									alert.source === 'databricks'
										? 'job'
										: alert.source === 'adf'
											? 'alert'
											: 'pipeline'
								}`
				};
	});
	if (result.ticket) {
		publish('ticket:updated', result.ticket);
		// Resolving an incident resolves its children.
		for (const t of result.related) publish('ticket:updated', t);
		for (const a of result.audits) publish('audit:appended', a);
		return {
			status: 200,
			body: {
				status: 'resolved_recorded',
				ticket_id: result.ticket.id,
				recovered: true,
				action: mode === 'resolve' ? 'resolved' : 'marked'
			}
		};
	}
	return {
		status: 200,
		body: {
			status: 'resolved_recorded',
			ticket_id: null,
			recovered: false,
			reason: result.reason ?? 'nothing to recover'
		}
	};
}

/** The run pre-check: by run id, or by dedup key (stored hashed when long, as at ingest). */
export async function ticketForRun(pool: Pool, runId: string): Promise<string | null> {
	const r = await pool.query(
		`select id from tickets where run_id = $1 or dedup_key = $2 order by created_at desc limit 1`,
		[escapeUnstorable(runId), storableKey(runId).key]
	);
	return r.rows[0]?.id ?? null;
}

/**
 * The alert as it can be stored: every sender-given text escaped, the dedup key
 * hashed when long or unstorable. Routing, triage and dedup all work on this.
 */
function storableAlert(a: NormalizedAlert, s: Sanitizer): NormalizedAlert {
	const key = storableKey(a.dedupKey);
	if (key.hashed) s.notes.add('dedup_key_hashed');
	const note = 'ticket_escaped';
	return {
		...a,
		dedupKey: key.key,
		runKey: storableKey(a.runKey).key,
		recoveryKeys: a.recoveryKeys.map((k) => storableKey(k).key),
		runUrl: s.nullable(a.runUrl, note),
		runId: s.nullable(a.runId, note),
		pipeline: s.text(a.pipeline, note),
		resource: s.nullable(a.resource, note),
		errorMessage: s.text(a.errorMessage, note),
		errorCode: s.nullable(a.errorCode, note),
		failureType: s.nullable(a.failureType, note),
		sourceSeverity: s.nullable(a.sourceSeverity, note),
		links: s.json(a.links, note),
		labels: s.json(a.labels, note),
		databricks: a.databricks && s.json(a.databricks, note)
	};
}

/** Error details as answered and stored: at most MAX_ERRORS, each cut to a readable length. */
const MAX_ERRORS = 50;

function shortErrors(errors: FieldError[], s: Sanitizer): FieldError[] {
	const cut = (text: string, max: number) => {
		const safe = s.text(text, 'error_shortened');
		if (safe.length <= max) return safe;
		s.notes.add('error_shortened');
		const head = safe.slice(0, max);
		return `${/[\ud800-\udbff]$/.test(head) ? head.slice(0, -1) : head}…`;
	};
	const out = errors
		.slice(0, MAX_ERRORS)
		.map((e) => ({ field: cut(e.field, 200), message: cut(e.message, 500) }));
	if (errors.length > MAX_ERRORS) {
		s.notes.add('error_shortened');
		out.push({ field: '(more)', message: `${errors.length - MAX_ERRORS} more errors not listed` });
	}
	return out;
}
