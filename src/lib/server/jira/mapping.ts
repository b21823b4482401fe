import { z } from 'zod';
import { TICKET_FIELDS, type TicketDto } from '#lib/contracts/schemas.ts';
import type { Pool } from '../db/pool.ts';
import { ApiError, invalidField, invalidFields } from '../errors.ts';
import { toTicketDto } from '../tickets/rows.ts';
import type { CreateIssueFields, JiraFieldMeta, JiraIssueTypeMeta } from './client.ts';
import { siteKey, type JiraConfig, type JiraHandle, type JiraLookup } from './connection.ts';
import {
	createFields,
	FieldRules,
	validateRules,
	type FieldMapping,
	type FieldProblem,
	type FieldRule
} from './fields.ts';

/**
 * Field mappings as stored (jira_field_mappings), createmeta discovery through
 * the connection's rate limit and breaker, and the preview of a create. The
 * payload of every create comes from `issueCreateFields`, the preview's from
 * the same `createFields` with the same inputs.
 */

export const ProjectKey = z
	.string()
	.trim()
	.min(1, 'a project key is required')
	.max(50)
	.regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a Jira project key (letters, digits, _)');
export const IssueTypeId = z
	.string()
	.trim()
	.min(1, 'an issue type is required')
	.max(50)
	.regex(/^\d+$/, 'an issue type id from createmeta');

export const MappingInput = z.object({
	projectKey: ProjectKey,
	issueTypeId: IssueTypeId,
	rules: FieldRules
});
export type MappingInput = z.infer<typeof MappingInput>;

/** A saved mapping, named as the list of saved mappings names it. */
export const MappingRef = z.object({
	projectKey: ProjectKey,
	issueTypeName: z.string().trim().min(1, 'an issue type is required').max(255)
});

export interface StoredMapping extends FieldMapping {
	updatedAt: Date;
	updatedBy: string | null;
}

const rowToMapping = (r: Record<string, unknown>): StoredMapping => ({
	projectKey: r.project_key as string,
	issueTypeId: r.issue_type_id as string,
	issueTypeName: r.issue_type_name as string,
	rules: r.rules as FieldRule[],
	fields: r.fields as JiraFieldMeta[],
	updatedAt: r.updated_at as Date,
	updatedBy: (r.updated_by as string | null) ?? null
});

/**
 * The mapping of a project's issue type (by name, as routing rules and the connection name it)
 * on the connection's site (siteKey): ids and allowed values of another site mean nothing here.
 */
export async function loadMapping(
	pool: Pool,
	site: string,
	projectKey: string,
	issueTypeName: string
): Promise<StoredMapping | null> {
	const r = await pool.query(
		`select * from jira_field_mappings
		where site = $1 and upper(project_key) = upper($2) and lower(issue_type_name) = lower($3)`,
		[site, projectKey, issueTypeName]
	);
	return r.rows[0] ? rowToMapping(r.rows[0]) : null;
}

export async function listMappings(pool: Pool, site: string): Promise<StoredMapping[]> {
	const r = await pool.query(
		`select * from jira_field_mappings where site = $1
		order by upper(project_key), lower(issue_type_name)`,
		[site]
	);
	return r.rows.map(rowToMapping);
}

async function handleOf(jira: JiraLookup): Promise<JiraHandle> {
	const handle = await jira();
	if (!handle)
		throw new ApiError(
			409,
			'not_configured',
			'Jira is not configured: set up the connection first'
		);
	return handle;
}

export async function discoverIssueTypes(
	jira: JiraLookup,
	projectKey: string
): Promise<JiraIssueTypeMeta[]> {
	const handle = await handleOf(jira);
	return handle.call('createmeta issue types', (api) => api.createMetaIssueTypes(projectKey));
}

export async function discoverFields(
	jira: JiraLookup,
	projectKey: string,
	issueTypeId: string
): Promise<{ issueType: JiraIssueTypeMeta; fields: JiraFieldMeta[] }> {
	const handle = await handleOf(jira);
	const types = await handle.call('createmeta issue types', (api) =>
		api.createMetaIssueTypes(projectKey)
	);
	const issueType = types.find((t) => t.id === issueTypeId);
	if (!issueType)
		throw invalidField(
			'issueTypeId',
			`project ${projectKey} has no issue type ${issueTypeId} (it has ${types.map((t) => `${t.name} (${t.id})`).join(', ') || 'none'})`
		);
	const fields = await handle.call('createmeta fields', (api) =>
		api.createMetaFields(projectKey, issueTypeId)
	);
	return { issueType, fields };
}

async function loadTicketDto(pool: Pool, id: string): Promise<TicketDto | null> {
	const r = await pool.query(
		`select ${TICKET_FIELDS.map((f) => `t.${f}`).join(', ')} from tickets t where t.id = $1`,
		[id]
	);
	return r.rows[0] ? toTicketDto(r.rows[0]) : null;
}

/** The fields of the create for a ticket: Vigil's own, then the saved mapping's rules. */
export async function issueCreateFields(
	pool: Pool,
	config: JiraConfig,
	origin: string,
	ticket: TicketDto,
	projectKey: string,
	issueType: string
): Promise<{ fields: CreateIssueFields; problems: FieldProblem[] }> {
	const mapping = await loadMapping(pool, siteKey(config), projectKey, issueType);
	return createFields({
		ticket,
		origin,
		deployment: config.deployment,
		projectKey,
		issueType,
		priorityName: config.priorityMap[ticket.priority],
		mapping
	});
}

export interface PreviewResult {
	/** The body of the create, exactly as it would be sent. */
	payload: { fields: CreateIssueFields };
	errors: FieldProblem[];
	warnings: FieldProblem[];
	/** What Jira would refuse in this ticket's values. */
	problems: FieldProblem[];
}

/** The exact create payload of `ticketId` under these (unsaved) rules, with their validation. */
export async function previewCreate(
	deps: { pool: Pool; jira: JiraLookup; origin: string },
	input: MappingInput & { ticketId: string }
): Promise<PreviewResult> {
	const handle = await handleOf(deps.jira);
	const ticket = await loadTicketDto(deps.pool, input.ticketId);
	if (!ticket) throw invalidField('ticketId', `no ticket ${input.ticketId}`);
	const { issueType, fields } = await discoverFields(
		deps.jira,
		input.projectKey,
		input.issueTypeId
	);
	const { errors, warnings } = validateRules(input.rules, fields);
	const built = createFields({
		ticket,
		origin: deps.origin,
		deployment: handle.config.deployment,
		projectKey: input.projectKey,
		issueType: issueType.name,
		priorityName: handle.config.priorityMap[ticket.priority],
		mapping: { ...input, issueTypeName: issueType.name, fields }
	});
	return { payload: { fields: built.fields }, errors, warnings, problems: built.problems };
}

/** Validates the rules against the create screen as Jira describes it now, then stores them. */
export async function saveMapping(
	deps: { pool: Pool; jira: JiraLookup },
	input: MappingInput,
	by: string
): Promise<{ mapping: StoredMapping; warnings: FieldProblem[] }> {
	const handle = await handleOf(deps.jira);
	const { issueType, fields } = await discoverFields(
		deps.jira,
		input.projectKey,
		input.issueTypeId
	);
	const { errors, warnings } = validateRules(input.rules, fields);
	if (errors.length)
		throw invalidFields(errors.map((e) => ({ field: `rules.${e.fieldId}`, message: e.message })));
	const r = await deps.pool.query(
		`insert into jira_field_mappings (project_key, issue_type_id, issue_type_name, rules, fields, updated_by, site)
		values ($1, $2, $3, $4, $5, $6, $7)
		on conflict (site, upper(project_key), lower(issue_type_name)) do update set
			project_key = excluded.project_key, issue_type_id = excluded.issue_type_id,
			issue_type_name = excluded.issue_type_name, rules = excluded.rules,
			fields = excluded.fields, updated_by = excluded.updated_by, updated_at = now()
		returning *`,
		[
			input.projectKey.toUpperCase(),
			input.issueTypeId,
			issueType.name,
			JSON.stringify(input.rules),
			JSON.stringify(fields),
			by,
			siteKey(handle.config)
		]
	);
	return { mapping: rowToMapping(r.rows[0]), warnings };
}

export async function deleteMapping(
	pool: Pool,
	site: string,
	projectKey: string,
	issueTypeName: string
): Promise<boolean> {
	const r = await pool.query(
		`delete from jira_field_mappings
		where site = $1 and upper(project_key) = upper($2) and lower(issue_type_name) = lower($3)`,
		[site, projectKey, issueTypeName]
	);
	return (r.rowCount ?? 0) > 0;
}

/** A create Jira refused, kept on the connection for the admin page. */
export async function recordRefusal(pool: Pool, message: string | null): Promise<void> {
	await pool.query(
		`update connections set last_refusal = $1, last_refusal_at = case when $1::text is null then null else now() end
		where kind = 'jira'`,
		[message?.slice(0, 2000) ?? null]
	);
}
