import type { Source } from '#lib/contracts/tickets.ts';
import type { SanitizeNote } from './storable.ts';

/** The ticket's origin; also decides the ticket id prefix (ADF- / DBX- / GEN-). */
export type TicketSource = Source;

/** The webhook endpoint a request arrived on (`/api/webhooks/<endpoint>`). */
export type IngestEndpoint = 'azure-monitor' | 'databricks' | 'generic';

/** One bad field in a webhook body, named by its JSON path (`data.essentials.alertId`). */
export interface FieldError {
	field: string;
	message: string;
}

/**
 * What every alert source is turned into. Parsers are pure: no I/O, no clock
 * except what the payload says.
 */
export interface NormalizedAlert {
	source: TicketSource;
	/** Which shape the parser recognised, e.g. `azure-common-metric`, `logic-app`, `databricks-task`. */
	format: string;
	/** Dedup key, unique per source: the run id, or the alert's own id when there is no run id. */
	dedupKey: string;
	/**
	 * The run across its attempts: a later attempt (a Databricks repair of the same run id, a
	 * task retry under the same parent run, a generic `attempt`) has its own dedupKey but this
	 * key, and counts as an attempt on the run's ticket. Equal to dedupKey for the first attempt.
	 */
	runKey: string;
	/** The attempt number the source states (1-based), when it states one. */
	attempt: number | null;
	/**
	 * What a success is matched on, and what a failure's ticket is found by for it: the
	 * Databricks job, the Azure alert id and its rule + target, the generic pipeline.
	 */
	recoveryKeys: string[];
	/** The failed (or, for a success, the succeeded) run in its scheduler; http(s) only. */
	runUrl: string | null;
	runId: string | null;
	pipeline: string;
	/** Data factory name / Databricks workspace, when known. */
	resource: string | null;
	/** Error text as received ('' when the payload carries none, e.g. Databricks webhooks). */
	errorMessage: string;
	errorCode: string | null;
	/** ADF FailureType (UserError, SystemError, …) when given. */
	failureType: string | null;
	occurredAt: Date | null;
	/**
	 * Fired for a failure; Resolved when the source reports success (Azure's monitorCondition
	 * Resolved, a Databricks jobs.on_success, a generic status "succeeded").
	 */
	condition: 'Fired' | 'Resolved';
	/** Azure alert severity (Sev0–Sev4) when given. */
	sourceSeverity: string | null;
	/** Named links (run page, alert portal link, …). */
	links: Record<string, string>;
	labels: Record<string, string>;
	/** Present for Databricks alerts: what enrichment needs to call the Jobs API. */
	databricks: DatabricksRef | null;
}

export interface DatabricksRef {
	workspaceId: string | null;
	jobId: string | null;
	runId: string;
	parentRunId: string | null;
	taskKey: string | null;
}

export type ParseResult =
	{ ok: true; alert: NormalizedAlert } | { ok: false; errors: FieldError[] };

/** One alert source: a pure parser plus a cheap check of whether a body is its shape. */
export interface AlertSource {
	/** Short stable name, e.g. `azure-common-alert`. */
	name: string;
	endpoint: IngestEndpoint;
	/** True when the body looks like this source's shape (used to pick a parser per endpoint). */
	matches(body: unknown): boolean;
	parse(body: unknown): ParseResult;
}

export interface IngestRequest {
	endpoint: IngestEndpoint;
	/** The body exactly as received; stored whatever the outcome (in the same transaction as a new ticket), so a payload no parser understood can still be read later. */
	rawBody: string;
	headers: Record<string, string>;
	keyId: string | null;
	requestId: string | null;
	/** How the body arrived, when it was not simply `rawBody` as UTF-8. */
	received?: ReceivedBody;
}

/** Kept with the raw event: how the body arrived and what reading it changed. */
export interface ReceivedBody {
	/** Bytes on the wire (the declared Content-Length when the read stopped early). */
	bytes: number;
	/** Its Content-Encoding; rawBody is the decoded body when Vigil could decode it. */
	encoding: string | null;
	/** rawBody is only the head of the body. */
	truncated: boolean;
	notes: SanitizeNote[];
}
