import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import type { PgBoss } from 'pg-boss';
import { inTransaction, type Pool, type PoolClient } from '../db/pool.ts';
import { send } from '../jobs/boss.ts';
import { publish } from '../realtime/events.ts';
import { ingestSettings } from '../routing/cache.ts';
import { route } from '../routing/match.ts';
import { slaDeadline } from '../sla/policy.ts';
import { appendAudit, SYSTEM } from '../tickets/audit.ts';
import { newTicketId } from '../tickets/ids.ts';
import { TICKET_COLUMNS, toTicketDto } from '../tickets/rows.ts';
import { classifyOffline } from '../triage/classifier.ts';
import { parseFor } from './sources/registry.ts';
import type { FieldError, IngestEndpoint, NormalizedAlert } from './types.ts';

/** Ticket columns kept inside the server, not part of the API contract. */
type InternalColumn = 'dedup_key' | 'source_severity' | 'routing_rule_id';

export interface IngestRequest {
	endpoint: IngestEndpoint;
	/** The body exactly as received; stored whatever the outcome (in the same transaction as a new ticket), so a payload no parser understood can still be read later. */
	rawBody: string;
	headers: Record<string, string>;
	keyId: string | null;
	requestId: string | null;
}

export type IngestAnswer =
	| { status: 201; body: { status: 'created'; ticket_id: string } }
	| { status: 200; body: { status: 'duplicate_ignored'; ticket_id: string } }
	| { status: 200; body: { status: 'resolved_recorded'; ticket_id: string | null } }
	| {
			status: 400;
			body: { error: { code: 'invalid_payload'; message: string; details: FieldError[] } };
	  };

export interface IngestDeps {
	pool: Pool;
	boss: PgBoss;
	/** Whether a Databricks connection is configured: then enrichment runs before AI triage. */
	databricksEnabled: () => boolean;
}

/** Records a request Vigil refused before parsing (too large, wrong media type), so nothing is lost. */
export async function recordRejected(
	pool: Pool,
	req: IngestRequest,
	outcome: 'too_large' | 'unsupported_media_type',
	error: { code: string; message: string }
): Promise<void> {
	await pool.query(
		`insert into webhook_events (endpoint, request_id, key_id, headers, body, outcome, error)
		values ($1, $2, $3, $4, $5, $6, $7)`,
		[req.endpoint, req.requestId, req.keyId, req.headers, storable(req.rawBody), outcome, error]
	);
}

export async function ingest(deps: IngestDeps, req: IngestRequest): Promise<IngestAnswer> {
	const parsed = parseBody(req);
	if (!parsed.ok) {
		await storeEvent(deps.pool, req, 'invalid', null, {
			code: 'invalid_payload',
			details: parsed.errors
		});
		return {
			status: 400,
			body: {
				error: {
					code: 'invalid_payload',
					message: `Invalid ${req.endpoint} payload: ${parsed.errors.map((e) => e.field).join(', ')}`,
					details: parsed.errors
				}
			}
		};
	}
	const alert = parsed.alert;
	if (alert.condition === 'Resolved') return recordResolved(deps, req, alert);

	const settings = await ingestSettings(deps.pool);
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
	const id = newTicketId(alert.source, now);
	const enrich =
		alert.source === 'databricks' && alert.databricks !== null && deps.databricksEnabled();

	// Named by the contract's field names (plus the internal ones), so a column and its value
	// cannot drift apart; the rest of the ticket takes the table's defaults.
	const columns: Partial<Record<keyof TicketDto | InternalColumn, unknown>> = {
		id,
		source: alert.source,
		dedup_key: alert.dedupKey,
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
		recommendations: JSON.stringify(triage.recommendations),
		evidence: JSON.stringify(triage.evidence),
		confidence: triage.confidence,
		affected_entity: triage.affectedEntity,
		auto_heal_possible: triage.autoHealPossible,
		triage_status: 'pending',
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
		links: JSON.stringify(alert.links),
		labels: JSON.stringify(alert.labels)
	};

	const outcome = await inTransaction(deps.pool, async (tx) => {
		const inserted = await tx.query(
			`insert into tickets (${Object.keys(columns).join(', ')})
			values (${Object.keys(columns).map((_, i) => `$${i + 1}`)})
			on conflict (source, dedup_key) do nothing
			returning ${TICKET_COLUMNS}`,
			Object.values(columns)
		);
		const row = inserted.rows[0];
		if (!row) return duplicate(tx, req, alert);
		const ticket = toTicketDto(row);
		const audit = await appendAudit(tx, ticket, {
			action: 'Ticket Created',
			actor: SYSTEM,
			details: {
				endpoint: req.endpoint,
				format: alert.format,
				triage: 'offline',
				error_type: triage.errorType,
				category: triage.category
			}
		});
		// The jobs commit with the ticket or not at all: no ticket without its triage and timer.
		await send(
			deps.boss,
			enrich ? 'databricks.enrich-run' : 'triage.analyze',
			{ ticketId: ticket.id },
			{ tx }
		);
		await send(
			deps.boss,
			'sla.check-breach',
			{ ticketId: ticket.id, deadline: deadline.toISOString() },
			{ tx, startAfter: deadline }
		);
		await storeEvent(tx, req, 'created', ticket.id, null);
		return { kind: 'created' as const, ticket, audit };
	});

	if (outcome.kind === 'created') {
		publish('ticket:created', outcome.ticket);
		publish('audit:appended', outcome.audit);
		return { status: 201, body: { status: 'created', ticket_id: outcome.ticket.id } };
	}
	if (outcome.ticket) publish('ticket:updated', outcome.ticket);
	return { status: 200, body: { status: 'duplicate_ignored', ticket_id: outcome.ticketId } };
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
 * The loser of a race (or a redelivery) lands here. Counting deliveries on the
 * ticket tells the on-call engineer the source is retrying.
 */
async function duplicate(
	tx: PoolClient,
	req: IngestRequest,
	alert: NormalizedAlert
): Promise<{ kind: 'duplicate'; ticketId: string; ticket: TicketDto | null }> {
	const r = await tx.query(
		`update tickets set occurrences = occurrences + 1, version = version + 1, updated_at = now()
		where source = $1 and dedup_key = $2 returning ${TICKET_COLUMNS}`,
		[alert.source, alert.dedupKey]
	);
	const ticket = toTicketDto(r.rows[0]);
	await storeEvent(tx, req, 'duplicate', ticket.id, null);
	return { kind: 'duplicate', ticketId: ticket.id, ticket };
}

async function recordResolved(
	deps: IngestDeps,
	req: IngestRequest,
	alert: NormalizedAlert
): Promise<IngestAnswer> {
	const result = await inTransaction(deps.pool, async (tx) => {
		const r = await tx.query(
			`select ${TICKET_COLUMNS} from tickets where source = $1 and dedup_key = $2`,
			[alert.source, alert.dedupKey]
		);
		const ticket = r.rows[0] ? toTicketDto(r.rows[0]) : null;
		let audit: AuditEntryDto | null = null;
		if (ticket) {
			audit = await appendAudit(tx, ticket, {
				action: 'Alert Resolved at Source',
				actor: { name: 'Azure Monitor', source: 'system' },
				details: { endpoint: req.endpoint, format: alert.format, ticket_status: ticket.status }
			});
		}
		await storeEvent(tx, req, 'resolved', ticket?.id ?? null, null);
		return { ticketId: ticket?.id ?? null, audit };
	});
	if (result.audit) publish('audit:appended', result.audit);
	return { status: 200, body: { status: 'resolved_recorded', ticket_id: result.ticketId } };
}

async function storeEvent(
	db: Pool | PoolClient,
	req: IngestRequest,
	outcome: 'created' | 'duplicate' | 'resolved' | 'invalid',
	ticketId: string | null,
	error: unknown
): Promise<void> {
	await db.query(
		`insert into webhook_events (endpoint, request_id, key_id, headers, body, outcome, ticket_id, error)
		values ($1, $2, $3, $4, $5, $6, $7, $8)`,
		[
			req.endpoint,
			req.requestId,
			req.keyId,
			req.headers,
			storable(req.rawBody),
			outcome,
			ticketId,
			error
		]
	);
}

export async function ticketForRun(pool: Pool, runId: string): Promise<string | null> {
	const r = await pool.query(
		`select id from tickets where run_id = $1 or dedup_key = $1 order by created_at desc limit 1`,
		[runId]
	);
	return r.rows[0]?.id ?? null;
}

/** PostgreSQL text cannot hold NUL; keep such a body (visibly escaped) rather than lose it. */
function storable(raw: string): string {
	return raw.includes('\u0000') ? raw.replaceAll('\u0000', '\\u0000') : raw;
}
