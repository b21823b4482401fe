import { SESSION_COOKIE } from '../auth/sessions.ts';

/** A hand-written OpenAPI 3.1 description of Vigil's API and webhooks (SPEC §1, §12). */

type Json = Record<string, unknown>;

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const str = (extra: Json = {}): Json => ({ type: 'string', ...extra });
const nullable = (type: string, extra: Json = {}): Json => ({ type: [type, 'null'], ...extra });
const dateTime = str({ format: 'date-time' });
const enumOf = (...values: string[]): Json => ({ type: 'string', enum: values });
const object = (properties: Json, required: string[] = Object.keys(properties)): Json => ({
	type: 'object',
	properties,
	required
});

const json = (schema: Json, description = 'OK'): Json => ({
	description,
	content: { 'application/json': { schema } }
});
const error = (description: string): Json => json(ref('Error'), description);
const body = (schema: Json, description?: string): Json => ({
	required: true,
	...(description ? { description } : {}),
	content: { 'application/json': { schema } }
});
const path = (name: string, description: string): Json => ({
	name,
	in: 'path',
	required: true,
	description,
	schema: str()
});
const query = (name: string, description: string, schema: Json = str()): Json => ({
	name,
	in: 'query',
	required: false,
	description,
	schema
});

const signedIn = { '401': error('Not signed in'), '400': error('Invalid input') };
const responder = { ...signedIn, '403': error('Needs the responder role') };
const admin = { ...signedIn, '403': error('Needs the admin role') };
const csv = (description: string): Json => ({
	description,
	content: { 'text/csv': { schema: str() } }
});

const ticketFilters = [
	query('status', 'open, in_progress, closed; a comma list is allowed'),
	query('q', 'Search: ticket id prefix, pipeline, root cause, run id, Jira key'),
	query('severity', 'Critical, High, Medium, Low; comma list allowed'),
	query('priority', 'P1, P2, P3, P4; comma list allowed'),
	query('team', 'Exact FinOps team'),
	query('source', 'adf, databricks, generic; comma list allowed'),
	query('sla_status', 'Pending, Met, Breached; comma list allowed')
];
const auditFilters = [
	query('action', 'Exact action name; comma list allowed'),
	query('q', 'Search across all columns (word prefixes)'),
	query('ticket_id', 'Entries of one ticket')
];
const paging = [
	query('cursor', 'next_cursor of the previous page'),
	query('limit', 'Page size, 1–200 (default 50)', { type: 'integer', minimum: 1, maximum: 200 })
];

const webhook = (summary: string, schema: Json): Json => ({
	post: {
		tags: ['webhooks'],
		summary,
		security: [{ ingestKey: [] }],
		requestBody: body(schema, 'At most 1 MiB; unknown extra fields are kept'),
		responses: {
			'201': json(ref('WebhookAnswer'), 'Ticket created'),
			'200': json(
				ref('WebhookAnswer'),
				'Duplicate of an existing run, or a Resolved alert recorded'
			),
			'400': error('Invalid payload; details name each bad field'),
			'401': error('Missing or invalid x-api-key'),
			'413': error('Body over 1 MiB'),
			'415': error('Content-Type is not application/json')
		}
	}
});

const lifecycle = (summary: string): Json => ({
	post: {
		tags: ['tickets'],
		summary,
		parameters: [path('id', 'Ticket id')],
		responses: {
			'200': json(object({ status: enumOf('changed', 'unchanged'), ticket: ref('Ticket') })),
			...responder,
			'404': error('No such ticket')
		}
	}
});

const ok = (tag: string, summary: string, schema: Json, extra: Json = {}): Json => ({
	tags: [tag],
	summary,
	...extra,
	responses: { '200': json(schema), ...signedIn, ...((extra.responses as Json) ?? {}) }
});
const adminOp = (summary: string, extra: Json = {}, status = '200'): Json => ({
	tags: ['admin'],
	summary,
	...extra,
	responses: {
		[status]: status === '204' ? { description: 'Done' } : json({ type: 'object' }),
		...admin,
		...(extra.parameters ? { '404': error('Not found') } : {})
	}
});
const loose = (description: string): Json => body({ type: 'object', description });

const ticketSchema = object({
	id: str({ examples: ['ADF-20250126T143522-abc123'] }),
	source: enumOf('adf', 'databricks', 'generic'),
	format: str(),
	pipeline: str(),
	run_id: nullable('string'),
	resource: nullable('string', { description: 'Data factory or workspace' }),
	status: enumOf('open', 'in_progress', 'closed'),
	severity: enumOf('Critical', 'High', 'Medium', 'Low'),
	priority: enumOf('P1', 'P2', 'P3', 'P4'),
	category: str(),
	error_type: str(),
	error_code: nullable('string'),
	failure_type: nullable('string'),
	error_message: str(),
	root_cause: str(),
	recommendations: { type: 'array', items: str() },
	evidence: { type: 'array', items: str() },
	confidence: enumOf('Very High', 'High', 'Medium', 'Low'),
	affected_entity: nullable('string'),
	auto_heal_possible: { type: 'boolean' },
	triage_source: enumOf('offline', 'ai'),
	triage_status: enumOf('pending', 'done', 'fallback', 'offline_only'),
	triage_error: nullable('string'),
	rca_model: nullable('string'),
	rca_latency_ms: nullable('integer'),
	rca_total_tokens: nullable('integer'),
	enrichment_status: { enum: ['pending', 'done', 'failed', null] },
	enrichment_error: nullable('string'),
	sla_seconds: { type: 'integer' },
	sla_deadline: dateTime,
	sla_status: enumOf('Pending', 'Met', 'Breached'),
	occurred_at: nullable('string', { format: 'date-time' }),
	created_at: dateTime,
	updated_at: dateTime,
	acknowledged_at: nullable('string', { format: 'date-time' }),
	acknowledged_by: nullable('string'),
	ack_seconds: nullable('integer'),
	resolved_at: nullable('string', { format: 'date-time' }),
	resolved_by: nullable('string'),
	mttr_seconds: nullable('integer'),
	team: nullable('string'),
	owner: nullable('string'),
	cost_center: nullable('string'),
	jira_key: nullable('string'),
	jira_url: nullable('string'),
	slack_channel: nullable('string'),
	slack_ts: nullable('string'),
	slack_status: { type: ['string', 'null'], enum: ['pending', 'posted', 'failed', null] },
	slack_error: nullable('string'),
	links: { type: 'object', additionalProperties: str() },
	labels: { type: 'object', additionalProperties: str() },
	occurrences: { type: 'integer' },
	version: { type: 'integer' }
});

const auditSchema = object({
	id: { type: 'integer' },
	at: dateTime,
	ticket_id: nullable('string'),
	pipeline: nullable('string'),
	run_id: nullable('string'),
	action: str({ examples: ['Ticket Created', 'Acknowledged', 'Resolved', 'SLA Breached'] }),
	actor_name: str(),
	actor_source: enumOf('system', 'dashboard', 'slack', 'jira', 'api'),
	time_taken_seconds: nullable('integer'),
	mttr_seconds: nullable('integer'),
	sla_status: nullable('string'),
	rca_summary: nullable('string', { description: 'First 200 characters of the root cause' }),
	team: nullable('string'),
	owner: nullable('string'),
	jira_key: nullable('string'),
	details: { type: 'object' }
});

const schemas: Json = {
	Error: object({
		error: object(
			{ code: str(), message: str(), details: { description: 'Often [{field, message}]' } },
			['code', 'message']
		)
	}),
	Ticket: ticketSchema,
	AuditEntry: auditSchema,
	TicketPage: object({
		items: { type: 'array', items: ref('Ticket') },
		next_cursor: nullable('string')
	}),
	AuditPage: object({
		items: { type: 'array', items: ref('AuditEntry') },
		next_cursor: nullable('string')
	}),
	TicketDetail: object({
		ticket: ref('Ticket'),
		timeline: { type: 'array', items: ref('AuditEntry') }
	}),
	Stats: object({
		open: { type: 'integer' },
		in_progress: { type: 'integer' },
		closed: { type: 'integer' },
		sla_breached: { type: 'integer' },
		mtta_seconds: nullable('integer'),
		mttr_seconds: nullable('integer'),
		total_audits: { type: 'integer' }
	}),
	User: object({
		id: str(),
		email: str(),
		name: str(),
		role: enumOf('viewer', 'responder', 'admin')
	}),
	WebhookAnswer: object(
		{
			status: enumOf('created', 'duplicate_ignored', 'resolved_recorded'),
			ticket_id: nullable('string')
		},
		['status']
	),
	GenericAlert: {
		...object(
			{
				source: str({ examples: ['airflow'] }),
				pipeline: str(),
				run_id: str(),
				error_message: str(),
				occurred_at: str({ format: 'date-time' }),
				links: { type: 'object', additionalProperties: str({ format: 'uri' }) },
				labels: { type: 'object', additionalProperties: str() }
			},
			['source', 'pipeline', 'run_id', 'error_message']
		),
		additionalProperties: true
	},
	AzureMonitorAlert: {
		description:
			'Azure Monitor common alert schema (metric alert on PipelineFailedRuns, log search alerts V1/V2 over ADFPipelineRun), or the simplified Logic App JSON: PipelineName, PipelineRunId, ErrorMessage, optional DataFactoryName, FailureType, Timestamp',
		type: 'object'
	},
	DatabricksAlert: {
		description:
			'Databricks job notification webhook for a failed run (notification-destination and standard shapes): job name, job id, run id, run page URL, error text when present',
		type: 'object'
	}
};

const paths: Json = {
	'/api/webhooks/azure-monitor': webhook(
		'Azure Monitor / Logic App alert for a failed ADF pipeline',
		ref('AzureMonitorAlert')
	),
	'/api/webhooks/databricks': webhook(
		'Databricks job failure notification',
		ref('DatabricksAlert')
	),
	'/api/webhooks/generic': webhook('Any other scheduler (Airflow, dbt, CI)', ref('GenericAlert')),
	'/api/tickets/exists/{run_id}': {
		get: {
			tags: ['webhooks'],
			summary: 'Logic App pre-check: is there a ticket for this run?',
			security: [{ ingestKey: [] }],
			parameters: [path('run_id', 'Pipeline run id')],
			responses: {
				'200': json(object({ exists: { type: 'boolean' }, ticket_id: str() }, ['exists'])),
				'400': error('Bad run id'),
				'401': error('Missing or invalid x-api-key')
			}
		}
	},
	'/api/auth/login': {
		post: {
			tags: ['auth'],
			summary: 'Start a session (sets the cookie)',
			security: [],
			requestBody: body(object({ email: str(), password: str() })),
			responses: {
				'200': json(object({ user: ref('User') })),
				'400': error('Invalid input'),
				'401': error('Wrong e-mail or password')
			}
		}
	},
	'/api/auth/logout': {
		post: {
			tags: ['auth'],
			summary: 'End the session',
			responses: { '204': { description: 'Signed out' } }
		}
	},
	'/api/auth/signup': {
		post: {
			tags: ['auth'],
			summary: 'Create an account (allowed e-mail domains only); starts a session',
			security: [],
			requestBody: body(
				object({ email: str(), name: str(), password: str({ minLength: 12 }) }, [
					'email',
					'password'
				])
			),
			responses: {
				'201': json(object({ user: ref('User') })),
				'400': error('Refused'),
				'409': error('Account exists')
			}
		}
	},
	'/api/tokens': {
		get: ok(
			'tokens',
			'Your personal API tokens',
			object({ tokens: { type: 'array', items: { type: 'object' } } })
		),
		post: {
			tags: ['tokens'],
			summary: 'Create a personal API token (shown once)',
			requestBody: body(object({ name: str() })),
			responses: { '201': json(object({ id: str(), name: str(), token: str() })), ...signedIn }
		}
	},
	'/api/tokens/{id}': {
		delete: {
			tags: ['tokens'],
			summary: 'Revoke a token',
			parameters: [path('id', 'Token id')],
			responses: { '204': { description: 'Revoked' }, ...signedIn, '404': error('No active token') }
		}
	},
	'/api/tickets': {
		get: ok('tickets', 'List tickets, newest first', ref('TicketPage'), {
			parameters: [...ticketFilters, ...paging]
		})
	},
	'/api/tickets/{id}': {
		get: ok('tickets', 'One ticket with its audit timeline (oldest first)', ref('TicketDetail'), {
			parameters: [path('id', 'Ticket id')],
			responses: { '404': error('No such ticket') }
		})
	},
	'/api/tickets/{id}/acknowledge': lifecycle('Acknowledge (idempotent)'),
	'/api/tickets/{id}/resolve': lifecycle('Resolve; acknowledges first when needed (idempotent)'),
	'/api/tickets/{id}/reopen': lifecycle('Reopen a closed ticket (idempotent)'),
	'/api/audit': {
		get: ok('audit', 'Audit entries, newest first', ref('AuditPage'), {
			parameters: [...auditFilters, ...paging]
		})
	},
	'/api/stats': {
		get: ok('tickets', 'Counts, MTTA, MTTR, SLA breaches, total audits', ref('Stats'))
	},
	'/api/export/tickets.csv': {
		get: {
			tags: ['exports'],
			summary: 'All tickets matching the filters, streamed',
			parameters: ticketFilters,
			responses: { '200': csv('Ticket CSV'), ...signedIn }
		}
	},
	'/api/export/audit.csv': {
		get: {
			tags: ['exports'],
			summary: 'The audit trail matching the filters, streamed',
			parameters: auditFilters,
			responses: { '200': csv('Audit CSV'), ...signedIn }
		}
	},
	'/api/openapi.json': {
		get: {
			tags: ['meta'],
			summary: 'This document',
			responses: { '200': json({ type: 'object' }), '401': error('Not signed in') }
		}
	},
	'/api/admin/ingest-keys': {
		get: adminOp('List webhook API keys (prefix only)'),
		post: adminOp(
			'Create a webhook API key (shown once)',
			{ requestBody: loose('{ name }') },
			'201'
		)
	},
	'/api/admin/ingest-keys/{id}': {
		delete: adminOp('Revoke a webhook API key', { parameters: [path('id', 'Key id')] }, '204')
	},
	'/api/admin/routing-rules': {
		get: adminOp('List routing rules in order'),
		post: adminOp(
			'Create a rule',
			{
				requestBody: loose(
					'name, position, field (pipeline|resource|any), match_type (keyword|regex), pattern, team, owner, cost_center, slack_channel, jira_project, enabled'
				)
			},
			'201'
		)
	},
	'/api/admin/routing-rules/{id}': {
		put: adminOp('Replace a rule', {
			parameters: [path('id', 'Rule id')],
			requestBody: loose('Same fields as on create')
		}),
		delete: adminOp(
			'Delete a rule (not the default one)',
			{ parameters: [path('id', 'Rule id')] },
			'204'
		)
	},
	'/api/admin/sla-policy': {
		get: adminOp('SLA seconds per priority'),
		put: adminOp('Change SLA seconds per priority', {
			requestBody: loose('{ P1, P2, P3, P4 } in seconds')
		})
	},
	'/api/admin/connections': {
		get: adminOp('Jira, Slack, Gemini, Databricks: settings (no secrets) and health')
	},
	'/api/admin/connections/{kind}': {
		put: adminOp('Configure a connection; secrets are encrypted at rest', {
			parameters: [
				{ ...path('kind', 'Connection'), schema: enumOf('jira', 'slack', 'gemini', 'databricks') }
			],
			requestBody: loose('Settings and secrets of that connection')
		})
	},
	'/api/admin/connections/{kind}/test': {
		post: adminOp('Test a connection and record its health', {
			parameters: [
				{ ...path('kind', 'Connection'), schema: enumOf('jira', 'slack', 'gemini', 'databricks') }
			]
		})
	},
	'/api/admin/users': { get: adminOp('List accounts') },
	'/api/admin/users/{id}': {
		patch: adminOp('Change an account (role)', {
			parameters: [path('id', 'User id')],
			requestBody: loose('{ role }')
		})
	}
};

export function openApiDocument(origin: string): Json {
	return {
		openapi: '3.1.0',
		info: {
			title: 'Vigil',
			version: '0.1.0',
			description:
				'Incident console for data pipelines. Errors are {"error": {"code", "message", "details"}}.'
		},
		servers: [{ url: origin }],
		security: [{ session: [] }, { bearer: [] }],
		paths,
		components: {
			schemas,
			securitySchemes: {
				session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
				bearer: { type: 'http', scheme: 'bearer', description: 'Personal API token' },
				ingestKey: { type: 'apiKey', in: 'header', name: 'x-api-key' }
			}
		}
	};
}
