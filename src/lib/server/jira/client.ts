import {
	createCloudClient,
	isApiError,
	isAuthError,
	isForbiddenError,
	isNetworkError,
	isNotFoundError,
	isRateLimitError,
	isServerError
} from 'jira.js';
import { createClient, type Client, type SendRequestOptions } from 'jira.js/core';
import { log } from '../log.ts';
import type { AdfDoc, JiraDeployment } from './format.ts';

/**
 * The only file that imports jira.js. Jira Cloud goes through its typed REST v3
 * client; Server / Data Center through the same library's transport on REST v2
 * (jira.js 6 has no v2 client: its typed surface is generated from Cloud's v3
 * spec and reads back through /rest/api/3, which Data Center does not have).
 * Every call has a deadline (jira.js has none) and every failure becomes a
 * JiraError that says what to do.
 */

export type JiraErrorKind =
	| 'auth'
	| 'forbidden'
	| 'not_found'
	| 'invalid'
	| 'rate_limited'
	| 'server'
	| 'network'
	| 'timeout';

export class JiraError extends Error {
	readonly kind: JiraErrorKind;
	readonly status: number | null;
	readonly retryAfterMs: number | null;
	/** Jira's `errors` object: field → message, for a refused create or transition. */
	readonly fields: Record<string, string>;
	constructor(
		kind: JiraErrorKind,
		message: string,
		extra: { status?: number; retryAfterMs?: number | null; fields?: Record<string, string> } = {}
	) {
		super(message);
		this.name = 'JiraError';
		this.kind = kind;
		this.status = extra.status ?? null;
		this.retryAfterMs = extra.retryAfterMs ?? null;
		this.fields = extra.fields ?? {};
	}
	/** Worth another attempt later: Jira was slow, down, or asked us to wait. */
	get transient(): boolean {
		return ['rate_limited', 'server', 'network', 'timeout'].includes(this.kind);
	}
}

export interface JiraSettings {
	baseUrl: string;
	deployment: JiraDeployment;
	/** Cloud: e-mail + API token (basic). */
	email?: string;
	apiToken?: string;
	/** Server / Data Center: personal access token (bearer). */
	pat?: string;
	timeoutMs: number;
}

export type StatusCategory = 'new' | 'indeterminate' | 'done';

export interface JiraIssueState {
	id: string;
	key: string;
	status: string;
	statusCategory: StatusCategory;
	/** Display name of the last person to change it, when Jira says. */
	updated: string | null;
}

/** One status change of the changelog (a history item whose field is `status`). */
export interface StatusChange {
	at: Date;
	fromId: string | null;
	from: string;
	toId: string | null;
	to: string;
}

export interface IssueHistory {
	created: Date;
	/** Where the issue is now, as Jira says (the changelog may be missing its last page). */
	current: { id: string | null; name: string; category: StatusCategory | null };
	changes: StatusChange[];
}

/** An issue as a polling search reads it: its state, and the ids of its comments. */
export interface JiraIssueUpdate extends JiraIssueState {
	comments: { id: string }[];
}

/** One page of a JQL search; `nextPageToken` is null on the last page. */
export interface JiraSearchPage {
	issues: JiraIssueUpdate[];
	nextPageToken: string | null;
}

export interface JiraTransition {
	id: string;
	name: string;
	to: string;
	toCategory: StatusCategory;
}

export interface JiraComment {
	id: string;
	author: string;
	body: unknown;
}

/**
 * The `fields` of a create, exactly as sent: project, issuetype, summary, description, labels,
 * priority and whatever the connection's field mapping adds (see fields.ts).
 */
export type CreateIssueFields = Record<string, unknown> & {
	project: { key: string };
	issuetype: { name: string } | { id: string };
};

/** A status of a project's workflows, with its category (what Vigil falls back on). */
export interface JiraStatus {
	id: string;
	name: string;
	category: StatusCategory;
}

/** An issue type that can be created in a project (createmeta). */
export interface JiraIssueTypeMeta {
	id: string;
	name: string;
}

/** One field of a create screen, as createmeta describes it. */
export interface JiraFieldMeta {
	fieldId: string;
	name: string;
	required: boolean;
	hasDefaultValue: boolean;
	/** Jira's data type: string, number, date, datetime, option, priority, user, array (of `items`)… */
	type: string;
	items: string | null;
	/** A system field's name (`summary`), or a custom field's type URI (`…:select`). */
	system: string | null;
	custom: string | null;
	/** Allowed values (options, priorities, …) by id and display value; null when any value goes. */
	allowedValues: { id: string; value: string }[] | null;
}

export interface JiraApi {
	readonly deployment: JiraDeployment;
	browseUrl(key: string): string;
	/** The API user, and the time zone Jira reads the dates of its JQL in (theirs). */
	myself(): Promise<{ name: string; timeZone: string | null }>;
	project(key: string): Promise<{ key: string; issueTypes: string[] }>;
	permissions(projectKey: string, keys: string[]): Promise<Record<string, boolean>>;
	createIssue(fields: CreateIssueFields): Promise<{ id: string; key: string }>;
	/** The issue types a project's create screen offers (createmeta). */
	createMetaIssueTypes(projectKey: string): Promise<JiraIssueTypeMeta[]>;
	/** Every field of the create screen of a project's issue type (createmeta, all pages). */
	createMetaFields(projectKey: string, issueTypeId: string): Promise<JiraFieldMeta[]>;
	/** Every status the project's issue types can be in, once each, in workflow order. */
	projectStatuses(projectKey: string): Promise<JiraStatus[]>;
	/** Issues carrying `label` in `projectKey`, newest first (at most a few). */
	findByLabel(projectKey: string, label: string): Promise<{ id: string; key: string }[]>;
	getIssue(key: string): Promise<JiraIssueState>;
	/**
	 * One page of issues matching `jql`, with status, updated and comments. Cloud pages with
	 * `nextPageToken` (/search/jql); Data Center with startAt (/search), carried in the same
	 * opaque token so callers page both the same way.
	 */
	searchIssues(
		jql: string,
		page: { token: string | null; maxResults: number }
	): Promise<JiraSearchPage>;
	transitions(key: string): Promise<JiraTransition[]>;
	transition(key: string, transitionId: string): Promise<void>;
	addComment(key: string, body: AdfDoc | string): Promise<{ id: string }>;
	getComment(key: string, id: string): Promise<JiraComment>;
	/** When the issue was created, where it is now and every status change (all changelog pages). */
	issueHistory(key: string): Promise<IssueHistory>;
	/** Every status of the site by id with its category (changelog items carry no category). */
	statusCategories(): Promise<Map<string, StatusCategory>>;
}

/** Jira's error collection, read from whatever jira.js kept of the body. */
function errorDetails(body: unknown): { message: string | null; fields: Record<string, string> } {
	let parsed = body;
	if (typeof body === 'string') {
		try {
			parsed = JSON.parse(body);
		} catch {
			return { message: body.slice(0, 300) || null, fields: {} };
		}
	}
	const b = (parsed ?? {}) as { errorMessages?: unknown; errors?: unknown };
	const messages = Array.isArray(b.errorMessages) ? b.errorMessages.map(String) : [];
	const fields: Record<string, string> = {};
	if (b.errors && typeof b.errors === 'object')
		for (const [k, v] of Object.entries(b.errors)) fields[k] = String(v);
	const all = [...messages, ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`)];
	return { message: all.length ? all.join('; ') : null, fields };
}

export function toJiraError(err: unknown): JiraError {
	if (err instanceof JiraError) return err;
	if (isRateLimitError(err))
		return new JiraError('rate_limited', 'Jira rate limit (429)', {
			status: 429,
			retryAfterMs: err.retryAfterMs ?? null
		});
	if (isNetworkError(err)) return new JiraError('network', `Jira unreachable: ${err.message}`);
	if (isApiError(err)) {
		const { message, fields } = errorDetails(err.body);
		const status = err.status;
		const text = message ?? `${status} ${err.statusText}`;
		if (isAuthError(err))
			return new JiraError('auth', `Jira refused the credentials (401): ${text}`, { status: 401 });
		if (isForbiddenError(err))
			return new JiraError('forbidden', `Jira refused the action (403): ${text}`, { status: 403 });
		if (isNotFoundError(err))
			return new JiraError('not_found', `Not found in Jira (404): ${text}`, { status: 404 });
		if (isServerError(err))
			return new JiraError('server', `Jira error ${status}: ${text}`, { status });
		return new JiraError('invalid', `Jira refused the request (${status}): ${text}`, {
			status,
			fields
		});
	}
	return new JiraError('network', err instanceof Error ? err.message : String(err));
}

/** jira.js has no deadline of its own: a hanging Jira would hold a worker forever. */
function withDeadline(inner: Client, timeoutMs: number): Client {
	return {
		sendRequest<T>(options: SendRequestOptions<T>): Promise<T> {
			let timer: NodeJS.Timeout | undefined;
			const expired = new Promise<never>((_, reject) => {
				timer = setTimeout(
					() =>
						reject(
							new JiraError(
								'timeout',
								`Jira did not answer ${options.method ?? 'GET'} ${options.url} within ${timeoutMs / 1000} s`
							)
						),
					timeoutMs
				);
			});
			return Promise.race([inner.sendRequest(options), expired]).finally(() => clearTimeout(timer));
		}
	};
}

const category = (raw: unknown): StatusCategory => {
	const key = (raw as { key?: string } | undefined)?.key;
	return key === 'done' || key === 'indeterminate' ? key : 'new';
};

interface RawIssue {
	id: string;
	key: string;
	fields?: {
		status?: { name?: string; statusCategory?: unknown };
		updated?: string;
		comment?: { comments?: { id?: unknown }[] };
	};
}
const issueState = (i: RawIssue): JiraIssueState => ({
	id: String(i.id),
	key: i.key,
	status: i.fields?.status?.name ?? '',
	statusCategory: category(i.fields?.status?.statusCategory),
	updated: i.fields?.updated ?? null
});
const issueUpdate = (i: RawIssue): JiraIssueUpdate => ({
	...issueState(i),
	comments: (i.fields?.comment?.comments ?? [])
		.filter((c) => c.id !== undefined && c.id !== null)
		.map((c) => ({ id: String(c.id) }))
});
const SEARCH_FIELDS = ['status', 'updated', 'comment'];
interface RawTransition {
	id: string;
	name?: string;
	to?: { name?: string; statusCategory?: unknown };
}
const transitionOf = (t: RawTransition): JiraTransition => ({
	id: String(t.id),
	name: t.name ?? '',
	to: t.to?.name ?? '',
	toCategory: category(t.to?.statusCategory)
});
interface RawFieldMeta {
	fieldId?: string;
	key?: string;
	name?: string;
	required?: boolean;
	hasDefaultValue?: boolean;
	schema?: { type?: string; items?: string; system?: string; custom?: string };
	allowedValues?: unknown[];
}
const fieldMetaOf = (f: RawFieldMeta): JiraFieldMeta => ({
	fieldId: String(f.fieldId ?? f.key ?? ''),
	name: f.name ?? String(f.fieldId ?? f.key ?? ''),
	required: f.required === true,
	hasDefaultValue: f.hasDefaultValue === true,
	type: f.schema?.type ?? 'any',
	items: f.schema?.items ?? null,
	system: f.schema?.system ?? null,
	custom: f.schema?.custom ?? null,
	allowedValues: Array.isArray(f.allowedValues)
		? f.allowedValues.map((raw) => {
				const v = (raw ?? {}) as { id?: unknown; value?: unknown; name?: unknown; key?: unknown };
				const id = String(v.id ?? v.key ?? v.value ?? v.name ?? '');
				return { id, value: String(v.value ?? v.name ?? v.key ?? id) };
			})
		: null
});
/** createmeta pages: Cloud names the list (`issueTypes`, `fields`), Data Center calls it `values`. */
interface RawPage<T> {
	startAt?: number;
	maxResults?: number;
	total?: number;
	isLast?: boolean;
	values?: T[];
	issueTypes?: T[];
	fields?: T[];
}
/** Reads every page: a create screen can have more fields than one page holds. */
async function allPages<T>(fetchPage: (startAt: number) => Promise<RawPage<T>>): Promise<T[]> {
	const out: T[] = [];
	for (let page = 0; page < 50; page++) {
		const r = await fetchPage(out.length);
		const items = r.values ?? r.issueTypes ?? r.fields ?? [];
		out.push(...items);
		const done =
			!items.length || r.isLast === true || (typeof r.total === 'number' && out.length >= r.total);
		if (done) break;
	}
	return out;
}
const issueTypeMetaOf = (t: { id?: unknown; name?: unknown }): JiraIssueTypeMeta => ({
	id: String(t.id ?? ''),
	name: String(t.name ?? '')
});

/** A changelog entry (a "history"): Cloud's paged endpoint and Data Center's `expand=changelog` alike. */
interface RawHistory {
	created?: unknown;
	items?: {
		field?: string;
		fieldId?: string;
		from?: string | null;
		fromString?: string | null;
		to?: string | null;
		toString?: string | null;
	}[];
}
const dateOf = (v: unknown): Date | null => {
	const d = v instanceof Date ? v : typeof v === 'string' ? new Date(v) : null;
	return d && !Number.isNaN(d.getTime()) ? d : null;
};
/** The status items of the histories; field renames and other edits are left out. */
function statusChanges(histories: RawHistory[]): StatusChange[] {
	const out: StatusChange[] = [];
	for (const h of histories) {
		const at = dateOf(h.created);
		if (!at) continue;
		for (const item of h.items ?? []) {
			if ((item.fieldId ?? item.field) !== 'status') continue;
			out.push({
				at,
				fromId: item.from ?? null,
				from: item.fromString ?? '',
				toId: item.to ?? null,
				to: item.toString ?? ''
			});
		}
	}
	return out;
}
interface RawHistoryIssue {
	fields?: {
		created?: unknown;
		status?: { id?: string; name?: string; statusCategory?: unknown };
	};
	changelog?: { histories?: RawHistory[] };
}
function historyOf(issue: RawHistoryIssue, histories: RawHistory[], key: string): IssueHistory {
	const created = dateOf(issue.fields?.created);
	if (!created) throw new JiraError('invalid', `Jira gave no creation date for ${key}`);
	const status = issue.fields?.status;
	return {
		created,
		current: {
			id: status?.id ?? null,
			name: status?.name ?? '',
			category: status ? category(status.statusCategory) : null
		},
		changes: statusChanges(histories)
	};
}
const statusMapOf = (statuses: { id?: unknown; statusCategory?: unknown }[]) =>
	new Map(
		statuses
			.filter((s) => s.id !== undefined && s.id !== null)
			.map((s) => [String(s.id), category(s.statusCategory)])
	);
/** Changelog pages of 100 (Jira's page size); an issue with more than 10,000 changes is cut there. */
const CHANGELOG_PAGE = 100;
const CHANGELOG_MAX_PAGES = 100;

interface RawIssueTypeStatuses {
	statuses?: { id?: unknown; name?: unknown; statusCategory?: unknown }[];
}
/** The project's statuses are listed per issue type: the same status comes once. */
const distinctStatuses = (types: RawIssueTypeStatuses[]): JiraStatus[] => {
	const seen = new Map<string, JiraStatus>();
	for (const t of types)
		for (const s of t.statuses ?? []) {
			const id = String(s.id ?? s.name ?? '');
			if (id && !seen.has(id))
				seen.set(id, { id, name: String(s.name ?? id), category: category(s.statusCategory) });
		}
	return [...seen.values()];
};
const quote = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;

export function createJiraApi(settings: JiraSettings): JiraApi {
	const host = settings.baseUrl.replace(/\/+$/, '');
	const browseUrl = (key: string) => `${host}/browse/${encodeURIComponent(key)}`;
	const onSchemaMismatch = (report: unknown) =>
		log.debug({ report }, 'Jira answer not in its schema');
	const call = async <T>(work: () => Promise<T>): Promise<T> => {
		try {
			return await work();
		} catch (err) {
			throw toJiraError(err);
		}
	};

	if (settings.deployment === 'cloud') {
		const transport = createClient({
			host,
			auth: { type: 'basic', email: settings.email ?? '', apiToken: settings.apiToken ?? '' },
			onSchemaMismatch
		});
		const jira = createCloudClient(withDeadline(transport, settings.timeoutMs));
		return {
			deployment: 'cloud',
			browseUrl,
			myself: () =>
				call(async () => {
					const me = await jira.myself.getCurrentUser();
					return {
						name: me.displayName ?? me.emailAddress ?? me.accountId ?? 'unknown',
						timeZone: me.timeZone ?? null
					};
				}),
			project: (key) =>
				call(async () => {
					const p = await jira.projects.getProject({ projectIdOrKey: key });
					return {
						key: p.key ?? key,
						issueTypes: (p.issueTypes ?? []).map((t) => t.name ?? '').filter(Boolean)
					};
				}),
			permissions: (projectKey, keys) =>
				call(async () => {
					const r = await jira.permissions.getMyPermissions({
						projectKey,
						permissions: keys.join(',')
					});
					const perms = (r.permissions ?? {}) as Record<string, { havePermission?: boolean }>;
					return Object.fromEntries(keys.map((k) => [k, perms[k]?.havePermission === true]));
				}),
			createIssue: (fields) =>
				call(async () => {
					const created = await jira.issues.createIssue({ fields: fields as never });
					return { id: String(created.id), key: String(created.key) };
				}),
			createMetaIssueTypes: (projectKey) =>
				call(async () =>
					(
						await allPages(
							(startAt) =>
								jira.issues.getCreateIssueMetaIssueTypes({
									projectIdOrKey: projectKey,
									startAt,
									maxResults: 200
								}) as Promise<RawPage<{ id?: string; name?: string }>>
						)
					).map(issueTypeMetaOf)
				),
			createMetaFields: (projectKey, issueTypeId) =>
				call(async () =>
					(
						await allPages(
							(startAt) =>
								jira.issues.getCreateIssueMetaIssueTypeId({
									projectIdOrKey: projectKey,
									issueTypeId,
									startAt,
									maxResults: 200
								}) as Promise<RawPage<RawFieldMeta>>
						)
					).map(fieldMetaOf)
				),
			projectStatuses: (projectKey) =>
				call(async () =>
					distinctStatuses(
						(await jira.projects.getAllStatuses({
							projectIdOrKey: projectKey
						})) as RawIssueTypeStatuses[]
					)
				),
			findByLabel: (projectKey, label) =>
				call(async () => {
					const r = await jira.issueSearch.searchAndReconsileIssuesUsingJql({
						jql: `project = ${quote(projectKey)} AND labels = ${quote(label)} ORDER BY created DESC`,
						fields: ['status'],
						maxResults: 5
					});
					return (r.issues ?? []).map((i) => ({ id: String(i.id), key: String(i.key) }));
				}),
			getIssue: (key) =>
				call(async () =>
					issueState(
						(await jira.issues.getIssue({
							issueIdOrKey: key,
							fields: ['status', 'updated']
						})) as RawIssue
					)
				),
			searchIssues: (jql, page) =>
				call(async () => {
					const r = await jira.issueSearch.searchAndReconsileIssuesUsingJql({
						jql,
						fields: SEARCH_FIELDS,
						maxResults: page.maxResults,
						...(page.token ? { nextPageToken: page.token } : {})
					});
					const issues = ((r.issues ?? []) as RawIssue[]).map(issueUpdate);
					// isLast is what Jira promises; a token without it would loop on an empty page.
					const more = r.isLast !== true && Boolean(r.nextPageToken) && issues.length > 0;
					return { issues, nextPageToken: more ? String(r.nextPageToken) : null };
				}),
			transitions: (key) =>
				call(async () => {
					const r = await jira.issues.getTransitions({ issueIdOrKey: key });
					return ((r.transitions ?? []) as RawTransition[]).map(transitionOf);
				}),
			transition: (key, id) =>
				call(() => jira.issues.doTransition({ issueIdOrKey: key, transition: { id } })),
			addComment: (key, body) =>
				call(async () => {
					const c = await jira.issueComments.addComment({ issueIdOrKey: key, body: body as never });
					return { id: String(c.id) };
				}),
			getComment: (key, id) =>
				call(async () => {
					const c = await jira.issueComments.getComment({ issueIdOrKey: key, id });
					return {
						id: String(c.id),
						author: c.author?.displayName ?? 'someone in Jira',
						body: c.body
					};
				}),
			issueHistory: (key) =>
				call(async () => {
					const issue = (await jira.issues.getIssue({
						issueIdOrKey: key,
						fields: ['created', 'status']
					})) as RawHistoryIssue;
					// The paged endpoint: `expand=changelog` on Cloud stops at the first 100 changes.
					const histories: RawHistory[] = [];
					for (let page = 0; page < CHANGELOG_MAX_PAGES; page++) {
						const r = await jira.issues.getChangeLogs({
							issueIdOrKey: key,
							startAt: histories.length,
							maxResults: CHANGELOG_PAGE
						});
						const values = (r.values ?? []) as RawHistory[];
						histories.push(...values);
						const done =
							!values.length ||
							r.isLast === true ||
							(typeof r.total === 'number' && histories.length >= r.total);
						if (done) break;
					}
					return historyOf(issue, histories, key);
				}),
			statusCategories: () =>
				call(async () => statusMapOf(await jira.workflowStatuses.getStatuses()))
		};
	}

	// Server / Data Center: REST v2 on jira.js's transport (auth, error types), with a PAT.
	const rest = withDeadline(
		createClient({ host, auth: { type: 'bearer', token: settings.pat ?? '' }, onSchemaMismatch }),
		settings.timeoutMs
	);
	const v2 = <T>(
		method: SendRequestOptions['method'],
		path: string,
		extra: Pick<SendRequestOptions, 'body' | 'searchParams'> = {}
	) => call(() => rest.sendRequest<T>({ url: `/rest/api/2${path}`, method, ...extra }));
	const k = encodeURIComponent;
	return {
		deployment: 'server',
		browseUrl,
		myself: async () => {
			const me = await v2<{ displayName?: string; name?: string; timeZone?: string }>(
				'GET',
				'/myself'
			);
			return { name: me.displayName ?? me.name ?? 'unknown', timeZone: me.timeZone ?? null };
		},
		project: async (key) => {
			const p = await v2<{ key?: string; issueTypes?: { name?: string }[] }>(
				'GET',
				`/project/${k(key)}`
			);
			return {
				key: p.key ?? key,
				issueTypes: (p.issueTypes ?? []).map((t) => t.name ?? '').filter(Boolean)
			};
		},
		permissions: async (projectKey, keys) => {
			const r = await v2<{ permissions?: Record<string, { havePermission?: boolean }> }>(
				'GET',
				'/mypermissions',
				{ searchParams: { projectKey, permissions: keys.join(',') } }
			);
			return Object.fromEntries(keys.map((p) => [p, r.permissions?.[p]?.havePermission === true]));
		},
		createIssue: async (fields) => {
			const created = await v2<{ id: string; key: string }>('POST', '/issue', {
				body: { fields }
			});
			return { id: String(created.id), key: created.key };
		},
		createMetaIssueTypes: async (projectKey) =>
			(
				await allPages((startAt) =>
					v2<RawPage<{ id?: string; name?: string }>>(
						'GET',
						`/issue/createmeta/${k(projectKey)}/issuetypes`,
						{ searchParams: { startAt, maxResults: 200 } }
					)
				)
			).map(issueTypeMetaOf),
		createMetaFields: async (projectKey, issueTypeId) =>
			(
				await allPages((startAt) =>
					v2<RawPage<RawFieldMeta>>(
						'GET',
						`/issue/createmeta/${k(projectKey)}/issuetypes/${k(issueTypeId)}`,
						{ searchParams: { startAt, maxResults: 200 } }
					)
				)
			).map(fieldMetaOf),
		projectStatuses: async (projectKey) =>
			distinctStatuses(
				await v2<RawIssueTypeStatuses[]>('GET', `/project/${k(projectKey)}/statuses`)
			),
		findByLabel: async (projectKey, label) => {
			const r = await v2<{ issues?: { id: string; key: string }[] }>('POST', '/search', {
				body: {
					jql: `project = ${quote(projectKey)} AND labels = ${quote(label)} ORDER BY created DESC`,
					fields: ['status'],
					maxResults: 5
				}
			});
			return (r.issues ?? []).map((i) => ({ id: String(i.id), key: i.key }));
		},
		getIssue: async (key) =>
			issueState(
				await v2<RawIssue>('GET', `/issue/${k(key)}`, {
					searchParams: { fields: 'status,updated' }
				})
			),
		searchIssues: async (jql, page) => {
			const startAt = page.token ? Number(page.token) : 0;
			if (!Number.isSafeInteger(startAt) || startAt < 0)
				throw new JiraError('invalid', `Not a page of a Data Center search: ${page.token}`);
			const r = await v2<{ total?: number; issues?: RawIssue[] }>('POST', '/search', {
				body: { jql, startAt, maxResults: page.maxResults, fields: SEARCH_FIELDS }
			});
			const issues = (r.issues ?? []).map(issueUpdate);
			const next = startAt + issues.length;
			const more = issues.length > 0 && typeof r.total === 'number' && next < r.total;
			return { issues, nextPageToken: more ? String(next) : null };
		},
		transitions: async (key) =>
			(
				(await v2<{ transitions?: RawTransition[] }>('GET', `/issue/${k(key)}/transitions`))
					.transitions ?? []
			).map(transitionOf),
		transition: async (key, id) => {
			await v2('POST', `/issue/${k(key)}/transitions`, { body: { transition: { id } } });
		},
		addComment: async (key, body) => {
			const c = await v2<{ id: string }>('POST', `/issue/${k(key)}/comment`, { body: { body } });
			return { id: String(c.id) };
		},
		getComment: async (key, id) => {
			const c = await v2<{ id: string; author?: { displayName?: string }; body?: unknown }>(
				'GET',
				`/issue/${k(key)}/comment/${k(id)}`
			);
			return { id: String(c.id), author: c.author?.displayName ?? 'someone in Jira', body: c.body };
		},
		// Data Center has no paged changelog endpoint; `expand=changelog` there returns every change.
		issueHistory: async (key) => {
			const issue = await v2<RawHistoryIssue>('GET', `/issue/${k(key)}`, {
				searchParams: { fields: 'created,status', expand: 'changelog' }
			});
			return historyOf(issue, issue.changelog?.histories ?? [], key);
		},
		statusCategories: async () =>
			statusMapOf(await v2<{ id?: unknown; statusCategory?: unknown }[]>('GET', '/status'))
	};
}
