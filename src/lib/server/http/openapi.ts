import {
	OpenAPIRegistry,
	OpenApiGeneratorV31,
	type RouteConfig
} from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { ApiErrorBody, AuditEntry, Role, Stats, Ticket } from '#lib/contracts/schemas.ts';
import { BOARD_LAYOUTS } from '#lib/contracts/words.ts';
import { AuditFilters } from '../audit/queries.ts';
import { IngestKeyBody, IngestKeyLimitBody } from '../auth/ingest-keys.ts';
import { PreferencesBody } from '../auth/preferences.ts';
import { ApiTokenBody, SESSION_COOKIE } from '../auth/sessions.ts';
import { LoginBody, RoleBody, SignupBody } from '../auth/users.ts';
import { CONNECTION_KINDS } from '../connections/entities.ts';
import { CONNECTION_BODIES } from '../connections/settings.ts';
import { GenericBody } from '../ingest/sources/generic.ts';
import { EVENT_DIRECTIONS, EVENT_STATES, EventFilters, StatsWindow } from '../jira/events.ts';
import { McpCallFilters } from '../mcp/calls.ts';
import { ConflictDecision, ReconcileSettingsInput } from '../jira/reconcile.ts';
import { StatusMappingInput, StatusProjectQuery } from '../jira/statuses.ts';
import { RuleCreateBody, RuleUpdateBody } from '../routing/rules.ts';
import { RecoveryModeSchema as RecoveryMode, RecoverySettingsBody } from '../recovery/settings.ts';
import { SlaPolicyBody } from '../routing/sla-policy.ts';
import { GROUPING_KEYS, GroupingBody } from '../incidents/settings.ts';
import { TicketFilters } from '../tickets/queries.ts';
import { BULK_ACTIONS, BULK_MAX, BulkActionBody, SKIP_REASONS } from '../tickets/bulk.ts';
import { TicketActionBody } from './ticket-actions.ts';

/**
 * /api/openapi.json, generated from the schemas the API really uses: the
 * ticket contract (src/lib/contracts) for answers, and the zod schemas the
 * routes validate their input with for parameters and bodies. A route method
 * missing here fails openapi.spec.ts.
 */

const json = (schema: z.ZodType, description = 'OK') => ({
	description,
	content: { 'application/json': { schema } }
});
const jsonBody = (schema: z.ZodType, description?: string) => ({
	required: true,
	...(description ? { description } : {}),
	content: { 'application/json': { schema } }
});
const error = (description: string) => json(ApiErrorBody, description);
const done = (description: string) => ({ description });

const signedIn = {
	400: error('Invalid input; details name each bad field'),
	401: error('Not signed in')
};
const responder = { ...signedIn, 403: error('Needs the responder role') };
const admin = { ...signedIn, 403: error('Needs the admin role') };

const idParam = (what: string) => z.object({ id: z.string().meta({ description: `${what} id` }) });
const kindParam = z.object({ kind: z.enum(CONNECTION_KINDS) });
/** Admin answers are the capability's own views; described, not pinned, to keep them free to grow. */
const view = (description: string) => z.object({}).catchall(z.unknown()).meta({ description });

const page = (item: z.ZodType, id: string) =>
	z
		.object({
			items: z.array(item),
			next_cursor: z
				.string()
				.nullable()
				.meta({ description: 'Pass back as cursor; null on the last page' })
		})
		.meta({ id });
const TicketPage = page(Ticket, 'TicketPage');
const AuditPage = page(AuditEntry, 'AuditPage');
const TicketDetail = z
	.object({ ticket: Ticket, timeline: z.array(AuditEntry).meta({ description: 'Oldest first' }) })
	.meta({ id: 'TicketDetail' });
const User = z
	.object({ id: z.string(), email: z.string(), name: z.string(), role: Role })
	.meta({ id: 'User' });
const WebhookAnswer = z
	.object({
		status: z.enum(['created', 'duplicate_ignored', 'attempt_recorded', 'resolved_recorded']),
		ticket_id: z.string().nullable().optional(),
		attempt: z
			.number()
			.int()
			.optional()
			.meta({ description: 'attempt_recorded: the attempt of the run that failed' }),
		recovered: z.boolean().optional().meta({
			description:
				'resolved_recorded (a success reported by the source): whether a ticket was marked or resolved'
		}),
		action: z.enum(['marked', 'resolved']).optional(),
		reason: z.string().optional().meta({ description: 'Why nothing was recovered' })
	})
	.meta({ id: 'WebhookAnswer' });
const RecoverySettingsAnswer = z
	.object({
		recovery: z.object({ adf: RecoveryMode, databricks: RecoveryMode, generic: RecoveryMode })
	})
	.meta({ id: 'RecoverySettings' });
const SlaPolicyAnswer = z.object({
	policy: SlaPolicyBody,
	applies_to: z.literal('new tickets').meta({
		description: 'A ticket keeps the deadline it was created with'
	})
});
const LifecycleAnswer = z.object({ status: z.enum(['changed', 'unchanged']), ticket: Ticket });
const BulkItem = z
	.discriminatedUnion('outcome', [
		z.object({ id: z.string(), outcome: z.literal('done'), ticket: Ticket }),
		z.object({
			id: z.string(),
			outcome: z.literal('skipped'),
			reason: z.enum(SKIP_REASONS),
			ticket: Ticket.optional().meta({ description: 'As it is now; absent when not found' })
		}),
		z.object({ id: z.string(), outcome: z.literal('failed'), message: z.string() })
	])
	.meta({ id: 'BulkItemResult' });
const BulkAnswer = z
	.object({
		action: z.enum(BULK_ACTIONS),
		done: z.number().int(),
		skipped: z.number().int(),
		failed: z.number().int(),
		results: z.array(BulkItem).meta({ description: 'One per distinct id, in the order given' })
	})
	.meta({ id: 'BulkActionAnswer' });
const ticketQuery = TicketFilters.omit({ cursor: true, limit: true });
const auditQuery = AuditFilters.omit({ cursor: true, limit: true });

const AzureMonitorAlert = z.object({}).catchall(z.unknown()).meta({
	id: 'AzureMonitorAlert',
	description:
		'Azure Monitor common alert schema (metric alert on PipelineFailedRuns, log search alerts V1/V2 over ADFPipelineRun), or the simplified Logic App JSON: PipelineName, PipelineRunId, ErrorMessage, optional DataFactoryName, FailureType, Timestamp'
});
const DatabricksAlert = z.object({}).catchall(z.unknown()).meta({
	id: 'DatabricksAlert',
	description:
		'Databricks job notification webhook for a failed run (notification-destination and standard shapes): job name, job id, run id, run page URL, error text when present'
});

type Op = Omit<RouteConfig, 'method' | 'path'>;
const paths: Record<string, Partial<Record<RouteConfig['method'], Op>>> = {};
const op = (method: RouteConfig['method'], path: string, config: Op) =>
	void ((paths[path] ??= {})[method] = config);

const webhook = (path: string, summary: string, schema: z.ZodType) =>
	op('post', path, {
		tags: ['webhooks'],
		summary,
		security: [{ ingestKey: [] }],
		request: { body: jsonBody(schema, 'At most 1 MiB; unknown extra fields are kept') },
		responses: {
			201: json(WebhookAnswer, 'Ticket created'),
			200: json(WebhookAnswer, 'Duplicate of an existing run, or a Resolved alert recorded'),
			400: error('Invalid payload; details name each bad field'),
			401: error('Missing or invalid x-api-key'),
			413: error('Body over 1 MiB'),
			415: error('Content-Type is not application/json'),
			429: error(
				'The key is over its rate limit (details.limit); nothing stored, retry after Retry-After seconds'
			),
			503: error(
				'Too many webhooks in flight (ingest_busy) or the database is unavailable; nothing stored, retry after Retry-After seconds'
			)
		}
	});
webhook(
	'/api/webhooks/azure-monitor',
	'Azure Monitor / Logic App alert for a failed ADF pipeline',
	AzureMonitorAlert
);
webhook('/api/webhooks/databricks', 'Databricks job failure notification', DatabricksAlert);
webhook(
	'/api/webhooks/generic',
	'Any other scheduler (Airflow, dbt, CI)',
	GenericBody.meta({ id: 'GenericAlert' })
);
op('get', '/api/tickets/exists/{run_id}', {
	tags: ['webhooks'],
	summary: 'Logic App pre-check: is there a ticket for this run?',
	security: [{ ingestKey: [] }],
	request: { params: z.object({ run_id: z.string().min(1).max(500) }) },
	responses: {
		200: json(z.object({ exists: z.boolean(), ticket_id: z.string().optional() })),
		400: error('Bad run id'),
		401: error('Missing or invalid x-api-key')
	}
});
op('post', '/api/webhooks/jira', {
	tags: ['webhooks'],
	summary: 'Jira webhook (issue updated / deleted, comment created / updated); applied by a job',
	security: [],
	request: {
		query: z.object({
			secret: z
				.string()
				.meta({ description: 'The webhook secret (Jira Cloud cannot send headers)' })
		}),
		body: jsonBody(
			z
				.object({ webhookEvent: z.string(), issue: z.object({ key: z.string() }).optional() })
				.catchall(z.unknown()),
			'As Jira sends it; X-Atlassian-Webhook-Identifier deduplicates, X-Hub-Signature is verified when present'
		)
	},
	responses: {
		200: json(
			z.object({
				status: z.enum(['accepted', 'duplicate', 'ignored']),
				delivery: z.number().int().nullable()
			}),
			'Stored (or a repeat of a stored delivery)'
		),
		400: error('Not a JSON object'),
		401: error('Missing or wrong secret, or a signature that does not match'),
		413: error('Body over 1 MiB'),
		503: error('Jira or its webhook secret is not configured')
	}
});
op('post', '/api/slack/events', {
	tags: ['webhooks'],
	summary: "Slack's interactivity requests (Acknowledge / Resolve buttons), signed by Slack",
	security: [],
	request: {
		body: {
			required: true,
			content: {
				'application/x-www-form-urlencoded': { schema: z.object({ payload: z.string() }) }
			}
		}
	},
	responses: {
		200: done('Acknowledged; the action runs in a job'),
		400: error('Not a Slack payload'),
		401: error('Missing, wrong or stale X-Slack-Signature'),
		405: error('Only POST'),
		413: error('Body over 256 KiB'),
		503: error('Slack is not configured')
	}
});

op('post', '/api/auth/login', {
	tags: ['auth'],
	summary: 'Start a session (sets the cookie)',
	security: [],
	request: { body: jsonBody(LoginBody) },
	responses: {
		200: json(z.object({ user: User })),
		400: error('Invalid input'),
		401: error('Wrong e-mail or password'),
		429: error('Too many attempts from this address or for this account; see Retry-After')
	}
});
op('post', '/api/auth/logout', {
	tags: ['auth'],
	summary: 'End the session',
	responses: { 204: done('Signed out') }
});
op('post', '/api/auth/signup', {
	tags: ['auth'],
	summary: 'Create an account (allowed e-mail domains only); sign in next',
	description:
		'The same 202 whether or not the address already had an account, so the answer does not tell who has one.',
	security: [],
	request: { body: jsonBody(SignupBody) },
	responses: {
		202: json(
			z.object({ status: z.literal('accepted'), message: z.string() }),
			'If the address was free, the account exists now'
		),
		400: error('Refused: e-mail domain not allowed, or a password that is too weak'),
		429: error('Too many sign-ups from this address or for this e-mail; see Retry-After')
	}
});
op('get', '/api/tokens', {
	tags: ['tokens'],
	summary: 'Your personal API tokens',
	responses: {
		200: json(z.object({ tokens: z.array(view('A token, without its secret')) })),
		...signedIn
	}
});
op('post', '/api/tokens', {
	tags: ['tokens'],
	summary: 'Create a personal API token (shown once)',
	request: { body: jsonBody(ApiTokenBody) },
	responses: {
		201: json(z.object({ id: z.string(), name: z.string(), token: z.string() })),
		...signedIn
	}
});
op('delete', '/api/tokens/{id}', {
	tags: ['tokens'],
	summary: 'Revoke a token',
	request: { params: idParam('Token') },
	responses: { 204: done('Revoked'), ...signedIn, 404: error('No active token') }
});

const PreferencesAnswer = z
	.object({
		board_layout: z.enum(BOARD_LAYOUTS).nullable().meta({
			description: "The board's layout: cards, or the compact table; null until first chosen"
		})
	})
	.meta({ id: 'Preferences' });
op('get', '/api/preferences', {
	tags: ['preferences'],
	summary: 'Your own settings, the same on every browser you sign in on',
	responses: { 200: json(PreferencesAnswer), ...signedIn }
});
op('put', '/api/preferences', {
	tags: ['preferences'],
	summary: 'Change your own settings',
	request: { body: jsonBody(PreferencesBody) },
	responses: { 200: json(PreferencesAnswer), ...signedIn }
});

op('get', '/api/tickets', {
	tags: ['tickets'],
	summary: 'List tickets, newest first',
	request: { query: TicketFilters },
	responses: { 200: json(TicketPage), ...signedIn }
});
op('get', '/api/tickets/{id}', {
	tags: ['tickets'],
	summary: 'One ticket with its audit timeline',
	request: { params: idParam('Ticket') },
	responses: { 200: json(TicketDetail), ...signedIn, 404: error('No such ticket') }
});
for (const [action, summary] of [
	['acknowledge', 'Acknowledge (idempotent)'],
	['resolve', 'Resolve; acknowledges first when needed (idempotent)'],
	['reopen', 'Reopen a closed ticket (idempotent)'],
	[
		'split',
		'Take a grouped failure out of its incident: standalone, with its own SLA clock, Slack alert and Jira issue (idempotent)'
	]
] as const)
	op('post', `/api/tickets/{id}/${action}`, {
		tags: ['tickets'],
		summary,
		request: {
			params: idParam('Ticket'),
			body: {
				required: false,
				description: 'Optional; an empty body is the same as {}',
				content: { 'application/json': { schema: TicketActionBody } }
			}
		},
		responses: { 200: json(LifecycleAnswer), ...responder, 404: error('No such ticket') }
	});
op('post', '/api/tickets/bulk', {
	tags: ['tickets'],
	summary: `Acknowledge or resolve up to ${BULK_MAX} tickets at once`,
	description:
		'Each ticket is changed as the single action would change it, in its own transaction and audited on its own (with the note and via: bulk). A ticket already in that state, or not found, is skipped with a reason; the others go ahead.',
	request: { body: jsonBody(BulkActionBody) },
	responses: { 200: json(BulkAnswer), ...responder }
});
op('get', '/api/audit', {
	tags: ['audit'],
	summary: 'Audit entries, newest first',
	request: { query: AuditFilters },
	responses: { 200: json(AuditPage), ...signedIn }
});
op('get', '/api/stats', {
	tags: ['tickets'],
	summary: 'Counts, MTTA, MTTR, SLA breaches, total audits',
	responses: { 200: json(Stats), ...signedIn }
});
op('get', '/api/time', {
	tags: ['meta'],
	summary: "The server's clock (ms since the epoch), for skew-corrected SLA timers",
	responses: { 200: json(z.object({ now: z.number().int() })), 401: error('Not signed in') }
});
const csv = (description: string) => ({
	description,
	content: { 'text/csv': { schema: z.string() } }
});
op('get', '/api/export/tickets.csv', {
	tags: ['exports'],
	summary: 'All tickets matching the filters, streamed',
	request: { query: ticketQuery },
	responses: { 200: csv('Ticket CSV'), ...signedIn }
});
op('get', '/api/export/audit.csv', {
	tags: ['exports'],
	summary: 'The audit trail matching the filters, streamed',
	request: { query: auditQuery },
	responses: { 200: csv('Audit CSV'), ...signedIn }
});
op('get', '/api/export/mcp-calls.csv', {
	tags: ['exports'],
	summary: 'The MCP access log matching the filters, streamed (admins)',
	request: { query: McpCallFilters.omit({ cursor: true, limit: true }) },
	responses: { 200: csv('MCP access log CSV'), ...admin }
});
op('get', '/api/openapi.json', {
	tags: ['meta'],
	summary: 'This document',
	responses: { 200: json(view('OpenAPI 3.1 document')), 401: error('Not signed in') }
});

op('get', '/api/admin/ingest-keys', {
	tags: ['admin'],
	summary: 'List webhook API keys (prefix and last use only)',
	responses: { 200: json(z.object({ keys: z.array(view('A webhook key')) })), ...admin }
});
op('post', '/api/admin/ingest-keys', {
	tags: ['admin'],
	summary: 'Create a webhook API key (shown once)',
	request: { body: jsonBody(IngestKeyBody) },
	responses: {
		201: json(z.object({ id: z.string(), name: z.string(), prefix: z.string(), key: z.string() })),
		...admin
	}
});
op('patch', '/api/admin/ingest-keys/{id}', {
	tags: ['admin'],
	summary:
		"Set a webhook key's own rate limit (`100/s`, `6000/min`, `off`; null follows VIGIL_INGEST_RATE_LIMIT)",
	request: { params: idParam('Key'), body: jsonBody(IngestKeyLimitBody) },
	responses: { 200: json(view('A webhook key')), ...admin, 404: error('No active key') }
});
op('delete', '/api/admin/ingest-keys/{id}', {
	tags: ['admin'],
	summary: 'Revoke a webhook API key',
	request: { params: idParam('Key') },
	responses: { 204: done('Revoked'), ...admin, 404: error('No active key') }
});
op('get', '/api/admin/mcp-calls', {
	tags: ['admin'],
	summary:
		'The MCP access log: every tool call, resource read and prompt an assistant made with a personal API token, newest first',
	request: { query: McpCallFilters },
	responses: { 200: json(page(view('An MCP call'), 'McpCallPage')), ...admin }
});
op('get', '/api/admin/routing-rules', {
	tags: ['admin'],
	summary: 'List routing rules in order',
	responses: { 200: json(z.object({ rules: z.array(view('A routing rule')) })), ...admin }
});
op('post', '/api/admin/routing-rules', {
	tags: ['admin'],
	summary: 'Create a rule',
	request: { body: jsonBody(RuleCreateBody) },
	responses: { 201: json(view('The rule')), ...admin }
});
op('put', '/api/admin/routing-rules/{id}', {
	tags: ['admin'],
	summary: 'Change a rule; fields left out keep their value',
	request: { params: idParam('Rule'), body: jsonBody(RuleUpdateBody) },
	responses: { 200: json(view('The rule')), ...admin, 404: error('No such rule') }
});
op('delete', '/api/admin/routing-rules/{id}', {
	tags: ['admin'],
	summary: 'Delete a rule (not the default one)',
	request: { params: idParam('Rule') },
	responses: { 204: done('Deleted'), ...admin, 404: error('No such rule') }
});
op('get', '/api/admin/sla-policy', {
	tags: ['admin'],
	summary: 'SLA seconds per priority',
	responses: { 200: json(SlaPolicyAnswer), ...admin }
});
op('put', '/api/admin/sla-policy', {
	tags: ['admin'],
	summary: 'Change SLA seconds per priority',
	request: { body: jsonBody(SlaPolicyBody) },
	responses: { 200: json(SlaPolicyAnswer), ...admin }
});
const GroupingAnswer = z.object({
	enabled: z.boolean(),
	keys: z.array(z.enum(GROUPING_KEYS)),
	window_minutes: z.number().int(),
	updated_at: z.string(),
	updated_by: z.string().nullable()
});
op('get', '/api/admin/incident-grouping', {
	tags: ['admin'],
	summary: 'Incident grouping: on or off, the keys (resource, fingerprint) and the window',
	responses: { 200: json(GroupingAnswer), ...admin }
});
op('put', '/api/admin/incident-grouping', {
	tags: ['admin'],
	summary: 'Change incident grouping',
	request: { body: jsonBody(GroupingBody) },
	responses: { 200: json(GroupingAnswer), ...admin }
});
op('get', '/api/admin/recovery', {
	tags: ['admin'],
	summary: 'What a success reported by each source does: off, mark (recovered) or resolve',
	responses: { 200: json(RecoverySettingsAnswer), ...admin }
});
op('put', '/api/admin/recovery', {
	tags: ['admin'],
	summary: 'Change the recovery mode of one or more sources',
	request: { body: jsonBody(RecoverySettingsBody) },
	responses: { 200: json(RecoverySettingsAnswer), ...admin }
});
op('get', '/api/admin/connections', {
	tags: ['admin'],
	summary: 'Jira, Slack, Gemini, Databricks: settings (no secrets) and health',
	responses: { 200: json(z.object({ connections: z.array(view('A connection')) })), ...admin }
});
op('put', '/api/admin/connections/{kind}', {
	tags: ['admin'],
	summary: 'Configure a connection; secrets are encrypted at rest',
	request: {
		params: kindParam,
		body: jsonBody(
			z.union(Object.values(CONNECTION_BODIES)),
			'The settings of that kind of connection'
		)
	},
	responses: { 200: json(view('The connection')), ...admin, 404: error('No such connection') }
});
op('post', '/api/admin/connections/{kind}/test', {
	tags: ['admin'],
	summary: 'Test a connection and record its health',
	request: { params: kindParam },
	responses: {
		200: json(
			z.object({
				status: z.enum(['healthy', 'failing']),
				error: z.string().optional(),
				latency_ms: z.number()
			})
		),
		...admin,
		409: error('Not configured, or not testable')
	}
});
const JiraEvent = z
	.object({
		id: z.number().int(),
		direction: z.enum(EVENT_DIRECTIONS),
		event: z
			.string()
			.nullable()
			.meta({ description: 'The webhook event, or the call Vigil made (create issue, …)' }),
		issue_key: z.string().nullable(),
		ticket_id: z.string().nullable(),
		state: z.enum(EVENT_STATES),
		outcome: z
			.string()
			.nullable()
			.meta({ description: 'What processing made of it, or the error' }),
		attempts: z.number().int(),
		http_status: z.number().int().nullable(),
		duration_ms: z.number().int().nullable(),
		received_at: z.string(),
		processed_at: z.string().nullable(),
		lag_seconds: z.number().nullable(),
		job_queue: z.string().nullable(),
		can_retry: z.boolean(),
		can_replay: z.boolean()
	})
	.meta({ id: 'JiraEvent' });
const JiraEventAction = z.object({
	event: JiraEvent,
	queued: z
		.string()
		.nullable()
		.meta({ description: 'The job queued; null when the same job was already waiting' })
});
const eventActionDoc = (summary: string) => ({
	tags: ['admin'],
	summary,
	request: { params: idParam('Jira event') },
	responses: {
		200: json(JiraEventAction),
		...admin,
		404: error('No such event'),
		409: error('Not in a state for this (pending, not failed, or nothing stored to process)')
	}
});
op('get', '/api/admin/jira/events', {
	tags: ['admin'],
	summary: 'The Jira event log: deliveries, polled issues and calls to Jira, newest first',
	request: { query: EventFilters },
	responses: { 200: json(page(JiraEvent, 'JiraEventPage')), ...admin }
});
op('get', '/api/admin/jira/events/stats', {
	tags: ['admin'],
	summary: 'Counts by state and processing lag p50 / p95 for a window (default the last 24 h)',
	request: { query: StatsWindow },
	responses: { 200: json(view('Jira event stats')), ...admin }
});
op(
	'post',
	'/api/admin/jira/events/{id}/retry',
	eventActionDoc('Retry a failed event: process the delivery again, or queue the call’s job again')
);
op(
	'post',
	'/api/admin/jira/events/{id}/replay',
	eventActionDoc('Replay any stored event (idempotent: what is already so does not change)')
);
op('get', '/api/admin/connections/jira/poll', {
	tags: ['admin'],
	summary:
		'Polling Jira for updated issues: watermark, last poll (when, pages, issues, new changes, JQL), last error, next poll',
	responses: {
		200: json(
			z.object({
				poll: view('The polling state; null before the first poll').nullable()
			})
		),
		...admin
	}
});
op('get', '/api/admin/jira/statuses', {
	tags: ['admin'],
	summary:
		"A project's Jira statuses (default the connection's project), the Vigil state each means (its category's unless mapped) and the status each Vigil action moves an issue to",
	request: { query: StatusProjectQuery.partial() },
	responses: {
		200: json(view('Jira status mapping')),
		...admin,
		404: error('No such project in Jira'),
		503: error('Jira is not configured')
	}
});
op('put', '/api/admin/jira/statuses', {
	tags: ['admin'],
	summary:
		'Save the status mapping: checked against the project (known statuses; each action to a status of its category)',
	request: { body: jsonBody(StatusMappingInput) },
	responses: {
		200: json(view('Jira status mapping')),
		...admin,
		503: error('Jira is not configured')
	}
});
op('get', '/api/admin/jira/reconciliation', {
	tags: ['admin'],
	summary:
		"Reconciliation: the conflict policy, its schedule, the last run's outcome and the conflicts",
	responses: { 200: json(view('Reconciliation settings, last run and conflicts')), ...admin }
});
op('put', '/api/admin/jira/reconciliation', {
	tags: ['admin'],
	summary: 'Set the conflict policy and how often reconciliation runs',
	request: { body: jsonBody(ReconcileSettingsInput) },
	responses: { 200: json(view('Reconciliation settings')), ...admin }
});
op('post', '/api/admin/jira/reconciliation/run', {
	tags: ['admin'],
	summary: 'Reconcile now: queue one run (a run already queued takes the request)',
	responses: { 202: json(z.object({ queued: z.boolean() })), ...admin }
});
op('post', '/api/admin/jira/conflicts/{id}', {
	tags: ['admin'],
	summary:
		'Resolve a manual conflict: both sides are read again and the chosen one wins (gone when they agree by now)',
	request: { params: idParam('Jira conflict'), body: jsonBody(ConflictDecision) },
	responses: {
		200: json(z.object({ outcome: z.enum(['repaired', 'gone']), message: z.string() })),
		...admin,
		404: error('No such conflict'),
		409: error('Already resolved'),
		502: error('Jira could not be read or refused the repair'),
		503: error('Jira is not configured')
	}
});
op('get', '/api/admin/users', {
	tags: ['admin'],
	summary: 'List accounts',
	responses: { 200: json(z.object({ users: z.array(User) })), ...admin }
});
op('patch', '/api/admin/users/{id}', {
	tags: ['admin'],
	summary: 'Change an account (role)',
	request: { params: idParam('User'), body: jsonBody(RoleBody) },
	responses: { 200: json(User), ...admin, 404: error('No such user'), 409: error('Last admin') }
});

let generated: ReturnType<OpenApiGeneratorV31['generateDocument']> | null = null;

function generate() {
	const registry = new OpenAPIRegistry();
	registry.registerComponent('securitySchemes', 'session', {
		type: 'apiKey',
		in: 'cookie',
		name: SESSION_COOKIE
	});
	registry.registerComponent('securitySchemes', 'bearer', {
		type: 'http',
		scheme: 'bearer',
		description: 'Personal API token'
	});
	registry.registerComponent('securitySchemes', 'ingestKey', {
		type: 'apiKey',
		in: 'header',
		name: 'x-api-key'
	});
	for (const [path, methods] of Object.entries(paths))
		for (const [method, config] of Object.entries(methods))
			registry.registerPath({ ...config, method: method as RouteConfig['method'], path });
	return new OpenApiGeneratorV31(registry.definitions).generateDocument({
		openapi: '3.1.0',
		info: {
			title: 'Vigil',
			version: '0.1.0',
			description:
				'Incident console for data pipelines. Errors are {"error": {"code", "message", "details"}}.'
		},
		security: [{ session: [] }, { bearer: [] }]
	});
}

/** The document for this origin; generated once, since the schemas never change at run time. */
export function openApiDocument(origin: string) {
	generated ??= generate();
	return { ...generated, servers: [{ url: origin }] };
}
