import type { Actions, PageServerLoad } from './$types';
import { ApiError } from '#lib/server/errors.ts';
import {
	attempt,
	field,
	parseForm,
	problem,
	requirePageUser
} from '#lib/server/http/form-action.ts';
import type { JiraFieldMeta, JiraIssueTypeMeta } from '#lib/server/jira/client.ts';
import {
	deleteMapping,
	discoverFields,
	discoverIssueTypes,
	IssueTypeId,
	listMappings,
	loadMapping,
	MappingInput,
	MappingRef,
	previewCreate,
	ProjectKey,
	saveMapping
} from '#lib/server/jira/mapping.ts';
import { siteKey } from '#lib/server/jira/connection.ts';
import { runtime } from '#lib/server/runtime.ts';
import { rowOf, rulesInput, type RuleRow } from './rules-input.ts';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const load: PageServerLoad = async (event) => {
	requirePageUser(event, 'admin');
	const rt = runtime();
	const handle = await rt.jira();
	const site = handle ? siteKey(handle.config) : null;
	const mappings = (site ? await listMappings(rt.pool, site) : []).map((m) => ({
		projectKey: m.projectKey,
		issueTypeId: m.issueTypeId,
		issueTypeName: m.issueTypeName,
		rules: m.rules.length,
		updatedAt: m.updatedAt,
		updatedBy: m.updatedBy
	}));
	const recent = await rt.pool.query(
		`select id, pipeline from tickets order by created_at desc limit 20`
	);
	const tickets = recent.rows.map((r) => ({ id: r.id as string, pipeline: r.pipeline as string }));
	const base = {
		configured: Boolean(handle),
		mappings,
		tickets,
		project: '',
		issueTypeId: '',
		issueTypes: [] as JiraIssueTypeMeta[],
		fields: [] as JiraFieldMeta[],
		rows: {} as Record<string, RuleRow>,
		savedAt: null as Date | null,
		error: null as string | null
	};
	if (!handle) return base;
	const project = (event.url.searchParams.get('project') ?? handle.config.projectKey ?? '').trim();
	if (!project) return base;
	const key = ProjectKey.safeParse(project);
	if (!key.success) return { ...base, project, error: key.error.issues[0]!.message };
	try {
		const issueTypes = await discoverIssueTypes(rt.jira, key.data);
		const wanted =
			event.url.searchParams.get('issueType') ??
			issueTypes.find((t) => t.name.toLowerCase() === handle.config.issueType.toLowerCase())?.id ??
			'';
		const typeId = IssueTypeId.safeParse(wanted);
		if (!typeId.success) return { ...base, project: key.data, issueTypes };
		const { issueType, fields } = await discoverFields(rt.jira, key.data, typeId.data);
		const saved = await loadMapping(rt.pool, siteKey(handle.config), key.data, issueType.name);
		const rows = Object.fromEntries(
			fields.map((f) => [f.fieldId, rowOf(saved?.rules.find((r) => r.fieldId === f.fieldId))])
		);
		return {
			...base,
			project: key.data,
			issueTypes,
			issueTypeId: issueType.id,
			fields,
			rows,
			savedAt: saved?.updatedAt ?? null
		};
	} catch (err) {
		return { ...base, project: key.data, error: message(err) };
	}
};

/** The form's rules, checked with the service's schema; errors name the Jira field of each row. */
function readMapping(f: FormData) {
	const input = rulesInput(f);
	const values = { rows: input.rows, ticketId: field(f, 'ticketId') };
	if (input.errors.length)
		return { ok: false as const, failure: problem('mapping', 400, '', input.errors, values) };
	const parsed = MappingInput.safeParse({
		projectKey: field(f, 'projectKey'),
		issueTypeId: field(f, 'issueTypeId'),
		rules: input.rules
	});
	if (!parsed.success) {
		const details = parsed.error.issues.map((i) => {
			const [head, index] = i.path;
			const rule = head === 'rules' && typeof index === 'number' ? input.rules[index] : null;
			const fieldId = (rule as { fieldId?: string } | null)?.fieldId;
			return {
				field: fieldId ? `rules.${fieldId}` : i.path.join('.') || 'form',
				message: i.message
			};
		});
		return { ok: false as const, failure: problem('mapping', 400, '', details, values) };
	}
	return { ok: true as const, data: parsed.data, values };
}

export const actions: Actions = {
	preview: async (event) => {
		requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const read = readMapping(f);
		if (!read.ok) return read.failure;
		const ticketId = field(f, 'ticketId');
		if (!ticketId)
			return problem(
				'mapping',
				400,
				'',
				[{ field: 'ticketId', message: 'choose a ticket to preview' }],
				read.values
			);
		const rt = runtime();
		const done = await attempt(
			'mapping',
			() =>
				previewCreate(
					{ pool: rt.pool, jira: rt.jira, origin: rt.config.ORIGIN ?? 'http://localhost:3000' },
					{ ...read.data, ticketId }
				),
			read.values
		);
		if (!done.ok) return done.failure;
		return { form: 'mapping', preview: done.value, values: read.values };
	},
	save: async (event) => {
		const user = requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const read = readMapping(f);
		if (!read.ok) return read.failure;
		const rt = runtime();
		const done = await attempt(
			'mapping',
			() => saveMapping({ pool: rt.pool, jira: rt.jira }, read.data, user.name),
			read.values
		);
		if (!done.ok) return done.failure;
		return {
			form: 'mapping',
			saved: true,
			warnings: done.value.warnings,
			values: read.values
		};
	},
	delete: async (event) => {
		requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const parsed = parseForm('delete', MappingRef, {
			projectKey: field(f, 'projectKey'),
			issueTypeName: field(f, 'issueTypeName')
		});
		if (!parsed.ok) return parsed.failure;
		const { projectKey, issueTypeName } = parsed.data;
		const rt = runtime();
		const done = await attempt('delete', async () => {
			const handle = await rt.jira();
			if (!handle) throw new ApiError(409, 'not_configured', 'Jira is not configured');
			if (!(await deleteMapping(rt.pool, siteKey(handle.config), projectKey, issueTypeName)))
				throw new ApiError(
					404,
					'not_found',
					`No mapping of ${projectKey} · ${issueTypeName} is saved (deleted already?)`
				);
		});
		if (!done.ok) return done.failure;
		return { form: 'delete', deleted: `${projectKey.toUpperCase()} · ${issueTypeName}` };
	}
};
