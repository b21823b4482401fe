import { createHmac, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
	createServer,
	type IncomingHttpHeaders,
	type IncomingMessage,
	type ServerResponse
} from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * An in-memory Jira for tests: Jira Cloud (REST v3 — and v2, which Cloud also serves — basic auth
 * email:apiToken, Atlassian Document Format) or Jira Data Center (REST v2 only, `Bearer <PAT>`,
 * wiki-markup strings). It answers in the shapes of Atlassian's Cloud OpenAPI spec
 * (tests/support/contracts/jira/jira-v3-subset.openapi.json, cut from the full spec by extract.ts)
 * and refuses what real Jira refuses, with Jira's error body
 * `{"errorMessages": […], "errors": {"field": "message"}}`.
 *
 * - `violations`: requests real Jira would refuse because of their shape (request body against the
 *   OpenAPI request schema, invalid ADF, summary/labels rules, unknown fields, JQL the stand-in
 *   does not understand, unknown endpoints). Tests assert it stays empty. Refusals that depend on
 *   Jira's state or configuration (unknown project/issue type/priority, a transition the workflow
 *   does not offer, 404s, 401s) are answered the same way but are not violations.
 * - `responseViolations`: the stand-in's own answers checked against the spec's response schemas
 *   (a bug here, not in the client).
 * - Faults on demand (`failNext`): any status, 429 with Retry-After, dropped connection, hang,
 *   commit-then-drop (the change is made, the answer is lost), delay.
 * - Changes "in Jira" by a person (`transitionAs`, `commentAs`, …) and the webhook Jira would send
 *   for every change (`webhookEvents`), in the REST-v2 shape of the contract samples in
 *   tests/support/contracts/jira/webhooks/; `deliverWebhook` posts one the way Jira does.
 */

// ---------------------------------------------------------------------------------------------
// Public types

export type JiraMode = 'cloud' | 'datacenter';
export type StatusCategoryKey = 'new' | 'indeterminate' | 'done';

export interface StatusConfig {
	id: string;
	name: string;
	category: StatusCategoryKey;
	description?: string;
}

export interface TransitionConfig {
	id: string;
	name: string;
	/** Target status, by id or name. */
	to: string;
	/** Statuses (id or name) the transition leaves from; omitted = global (from any other status). */
	from?: string[];
}

export interface WorkflowConfig {
	statuses: StatusConfig[];
	transitions: TransitionConfig[];
	/** Status (id or name) of a new issue; default the first status. */
	initial?: string;
}

export interface IssueTypeConfig {
	id: string;
	name: string;
	description?: string;
}

export interface ProjectConfig {
	key: string;
	id?: string;
	name?: string;
	issueTypes?: IssueTypeConfig[];
	workflow?: WorkflowConfig;
	/** Fields besides the standard ones that the create/edit screens have (e.g. `customfield_10050`). */
	extraFields?: string[];
	/**
	 * Custom fields on the create screen, described by createmeta and enforced on create (required,
	 * allowed values, type) the way Jira refuses them: `errors: { customfield_…: message }`.
	 */
	customFields?: CustomFieldConfig[];
	/** Number of the first issue key (default 1). */
	nextIssueNumber?: number;
}

export interface CustomFieldConfig {
	/** `customfield_10050`. */
	id: string;
	name: string;
	/** select list (option), multi select (array of option), text (string), textarea (ADF on v3), number, date, datetime. */
	type: 'option' | 'multi-option' | 'string' | 'textarea' | 'number' | 'date' | 'datetime';
	required?: boolean;
	/** Options of a select list. */
	options?: { id: string; value: string }[];
	/** Issue types (id or name) whose create screen has the field; default every type. */
	issueTypes?: string[];
}

export interface JiraUser {
	/** Cloud account id. */
	accountId: string;
	/** Data Center user name (also its user key here). */
	name: string;
	displayName: string;
	emailAddress?: string;
	timeZone?: string;
}

export interface PriorityConfig {
	id: string;
	name: string;
	statusColor?: string;
	isDefault?: boolean;
}

/**
 * An issue property searchable with JQL. Real Jira indexes a property only when an app declares it
 * (Connect `jiraEntityProperties` / Forge), so a plain REST client cannot search by it: without an
 * entry here, `issue.property[key].path = "x"` is refused like Jira does.
 */
export interface IndexedProperty {
	propertyKey: string;
	path: string;
	/** JQL alias, e.g. `vigilTicketId`. */
	alias?: string;
}

export interface JiraStandinOptions {
	mode: JiraMode;
	/** Cloud: basic auth email (default vigil-bot@contoso.com) and API token. */
	email?: string;
	apiToken?: string;
	/** Data Center: personal access token for `Authorization: Bearer`. */
	pat?: string;
	/** Default: one project OPS "Data Operations" (id 10010) with Bug/Task/Incident and DEFAULT_WORKFLOW. */
	projects?: ProjectConfig[];
	/** The account the credentials belong to (what /myself answers). */
	user?: Partial<JiraUser>;
	/** Other people in Jira (default: STANDIN_PEOPLE). */
	users?: JiraUser[];
	priorities?: PriorityConfig[];
	/** Permission key → granted (default: all granted). CREATE_ISSUES, TRANSITION_ISSUES, ADD_COMMENTS, BROWSE_PROJECTS are enforced. */
	permissions?: Record<string, boolean>;
	indexedProperties?: IndexedProperty[];
	/** Cloud search is eventually consistent: issues created less than this long ago are not found (unless reconciled). */
	searchIndexLagMs?: number;
	/** IANA time zone of the API user; JQL dates are read in it (default UTC). */
	timeZone?: string;
	/** Clock for created/updated (default Date.now). */
	now?: () => number;
	/** Body of a 401: Jira's error collection (default) or the plain text Cloud's edge sometimes sends. */
	unauthorizedBody?: 'errorCollection' | 'text';
	/**
	 * Most changelog entries one page of `GET /issue/{key}/changelog` holds, whatever `maxResults`
	 * asks (Jira caps it the same way; default 100), so tests can make a changelog span pages.
	 */
	changelogPageSize?: number;
}

export type JiraOperation =
	| 'createIssue'
	| 'getIssue'
	| 'getChangeLogs'
	| 'editIssue'
	| 'deleteIssue'
	| 'getTransitions'
	| 'doTransition'
	| 'getComments'
	| 'addComment'
	| 'getComment'
	| 'updateComment'
	| 'getIssuePropertyKeys'
	| 'getIssueProperty'
	| 'setIssueProperty'
	| 'deleteIssueProperty'
	| 'getCreateIssueMetaIssueTypes'
	| 'getCreateIssueMetaIssueTypeId'
	| 'searchAndReconsileIssuesUsingJql'
	| 'searchAndReconsileIssuesUsingJqlPost'
	| 'searchForIssuesUsingJql'
	| 'searchForIssuesUsingJqlPost'
	| 'getCurrentUser'
	| 'getProject'
	| 'getAllStatuses'
	| 'getMyPermissions'
	| 'getPriorities'
	| 'searchPriorities'
	| 'getIssueAllTypes'
	| 'getStatuses'
	| 'getServerInfo';

export interface JiraRequest {
	method: string;
	path: string;
	/** Query parameters (the last value of a repeated one; see rawQuery). */
	query: Record<string, string>;
	rawQuery: string;
	headers: IncomingHttpHeaders;
	/** Parsed JSON body; undefined when empty, the raw text when it is not JSON. */
	body: unknown;
	rawBody: string;
	at: number;
	/** REST API version of the path, null for other paths. */
	api: '2' | '3' | null;
	/** The spec's operationId of the route, null for unknown routes. */
	operation: JiraOperation | null;
	/** Status answered; null when no answer was sent (hang, drop, commit_then_drop). */
	status: number | null;
	fault: JiraFault['kind'] | null;
}

export type JiraFault =
	/** Any status; body defaults to Jira's error collection (a string is sent as is). */
	| {
			kind: 'status';
			status: number;
			body?: unknown;
			contentType?: string;
			headers?: Record<string, string>;
	  }
	/** 429 with Retry-After (seconds) and Jira Cloud's X-RateLimit-* / RateLimit-Reason headers. */
	| { kind: 'rate_limited'; retryAfterSeconds?: number; reason?: string }
	/** Destroy the socket without answering (nothing is changed). */
	| { kind: 'drop' }
	/** Never answer; close() ends it. */
	| { kind: 'hang' }
	/** Do the request (the issue is created, the comment added, …), then destroy the socket. */
	| { kind: 'commit_then_drop' }
	/** Answer normally after a delay. */
	| { kind: 'delay'; ms: number };

export interface FaultMatch {
	operation?: JiraOperation | JiraOperation[];
	method?: string;
	/** Exact path (without query) or a pattern. */
	path?: string | RegExp;
}

export interface JiraWebhookEvent {
	webhookEvent:
		| 'jira:issue_created'
		| 'jira:issue_updated'
		| 'jira:issue_deleted'
		| 'comment_created'
		| 'comment_updated';
	/** The delivery id Jira sends in X-Atlassian-Webhook-Identifier. */
	identifier: string;
	timestamp: number;
	body: Record<string, unknown>;
}

export interface CommentSnapshot {
	id: string;
	author: string;
	/** As stored: an ADF document (v3 writes) or a wiki-markup string (v2 writes). */
	body: unknown;
	/** The body as plain wiki text. */
	text: string;
	created: number;
	updated: number;
	visibility: { type: string; value: string } | null;
}

export interface IssueSnapshot {
	id: string;
	key: string;
	projectKey: string;
	issueType: string;
	summary: string;
	/** As stored: an ADF document, a wiki string, or null. */
	description: unknown;
	labels: string[];
	priority: string;
	status: string;
	statusCategory: StatusCategoryKey;
	resolution: string | null;
	assignee: string | null;
	reporter: string;
	created: number;
	updated: number;
	properties: Record<string, unknown>;
	comments: CommentSnapshot[];
	/** Values of extra fields (custom fields, components, duedate…) as sent. */
	extraFields: Record<string, unknown>;
}

export interface AppliedTransition {
	key: string;
	transitionId: string;
	transitionName: string;
	from: string;
	to: string;
	/** Account id (Cloud) or user name (Data Center) of who did it. */
	by: string;
	at: number;
}

export interface JiraStandin {
	/** Site URL for jira.js `host` / JIRA_BASE_URL (no trailing slash). */
	url: string;
	mode: JiraMode;
	email: string;
	apiToken: string;
	pat: string;
	/** The account behind the credentials. */
	user: JiraUser;
	requests: JiraRequest[];
	requestsTo(operation: JiraOperation): JiraRequest[];
	violations: string[];
	responseViolations: string[];
	/** Every webhook Jira would have sent, in order (including echoes of the API user's own changes). */
	webhookEvents: JiraWebhookEvent[];
	transitionsApplied: AppliedTransition[];
	issue(keyOrId: string): IssueSnapshot | undefined;
	issues(): IssueSnapshot[];
	comments(key: string): CommentSnapshot[];
	properties(key: string): Record<string, unknown>;
	/** Apply `fault` to the next `times` (default 1, Infinity = always) requests matching `match` (default: any). */
	failNext(fault: JiraFault, match?: FaultMatch & { times?: number }): void;
	clearFaults(): void;
	/** Faults still queued. */
	pendingFaults(): number;
	/** Replace a project's workflow (issues keep their status id). */
	setWorkflow(projectKey: string, workflow: WorkflowConfig): void;
	setPermission(key: string, granted: boolean): void;
	/** A person moves an issue through the workflow (transition by id or name). */
	transitionAs(
		user: JiraUser | string,
		key: string,
		transition: string,
		opts?: { resolution?: string }
	): JiraWebhookEvent;
	/** A person comments (plain text; stored as ADF in Cloud, wiki in Data Center). */
	commentAs(
		user: JiraUser | string,
		key: string,
		text: string
	): { commentId: string; webhook: JiraWebhookEvent };
	editCommentAs(
		user: JiraUser | string,
		key: string,
		commentId: string,
		text: string
	): JiraWebhookEvent;
	/** A person edits fields. */
	updateIssueAs(
		user: JiraUser | string,
		key: string,
		changes: { summary?: string; labels?: string[]; priority?: string }
	): JiraWebhookEvent;
	deleteIssueAs(user: JiraUser | string, key: string): JiraWebhookEvent;
	close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Defaults

export const STATUS_CATEGORIES = {
	new: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' },
	indeterminate: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
	done: { id: 3, key: 'done', colorName: 'green', name: 'Done' }
} as const;

/** Jira Cloud's simplified workflow: three statuses, a global transition into each. Ids as in the fixtures. */
export const DEFAULT_WORKFLOW: WorkflowConfig = {
	statuses: [
		{ id: '10000', name: 'To Do', category: 'new' },
		{ id: '3', name: 'In Progress', category: 'indeterminate' },
		{ id: '10001', name: 'Done', category: 'done' }
	],
	transitions: [
		{ id: '11', name: 'To Do', to: '10000' },
		{ id: '21', name: 'In Progress', to: '3' },
		{ id: '31', name: 'Done', to: '10001' }
	]
};

export const DEFAULT_ISSUE_TYPES: IssueTypeConfig[] = [
	{ id: '10004', name: 'Bug', description: 'A problem or error.' },
	{ id: '10002', name: 'Task', description: 'A small, distinct piece of work.' },
	{ id: '10006', name: 'Incident', description: 'A problem that impairs or interrupts a service.' }
];

export const DEFAULT_PROJECT: ProjectConfig = { key: 'OPS', id: '10010', name: 'Data Operations' };

export const DEFAULT_PRIORITIES: PriorityConfig[] = [
	{ id: '1', name: 'Highest', statusColor: '#d04437' },
	{ id: '2', name: 'High', statusColor: '#f15C75' },
	{ id: '3', name: 'Medium', statusColor: '#f79232', isDefault: true },
	{ id: '4', name: 'Low', statusColor: '#707070' },
	{ id: '5', name: 'Lowest', statusColor: '#999999' }
];

/** People who act in Jira in tests (Priya as in the webhook fixtures). */
export const STANDIN_PEOPLE: Record<'priya' | 'marco', JiraUser> = {
	priya: {
		accountId: '712020:3c5e7a9b-1d2f-4e6a-8b0c-9d8e7f6a5b4c',
		name: 'praman',
		displayName: 'Priya Raman',
		emailAddress: 'priya.raman@contoso.com',
		timeZone: 'Europe/London'
	},
	marco: {
		accountId: '712020:8f1d2c3b-4a5e-4f60-9b7a-1c2d3e4f5a6b',
		name: 'mbianchi',
		displayName: 'Marco Bianchi',
		emailAddress: 'marco.bianchi@contoso.com',
		timeZone: 'Europe/Rome'
	}
};

const RESOLUTIONS = [
	{ id: '10000', name: 'Done', description: 'Work has been completed on this issue.' },
	{ id: '10001', name: "Won't Do", description: 'This issue will not be actioned.' },
	{
		id: '10002',
		name: 'Duplicate',
		description: 'The problem is a duplicate of an existing issue.'
	},
	{ id: '10003', name: 'Cannot Reproduce', description: 'This issue could not be reproduced.' }
];

const PERMISSIONS: Record<string, { id: string; name: string; type: 'PROJECT' | 'GLOBAL' }> = {
	ADMINISTER: { id: '0', name: 'Administer Jira', type: 'GLOBAL' },
	ADMINISTER_PROJECTS: { id: '23', name: 'Administer Projects', type: 'PROJECT' },
	BROWSE_PROJECTS: { id: '10', name: 'Browse Projects', type: 'PROJECT' },
	CREATE_ISSUES: { id: '11', name: 'Create Issues', type: 'PROJECT' },
	EDIT_ISSUES: { id: '12', name: 'Edit Issues', type: 'PROJECT' },
	ASSIGN_ISSUES: { id: '13', name: 'Assign Issues', type: 'PROJECT' },
	RESOLVE_ISSUES: { id: '14', name: 'Resolve Issues', type: 'PROJECT' },
	ADD_COMMENTS: { id: '15', name: 'Add Comments', type: 'PROJECT' },
	DELETE_ISSUES: { id: '16', name: 'Delete Issues', type: 'PROJECT' },
	ASSIGNABLE_USER: { id: '17', name: 'Assignable User', type: 'PROJECT' },
	CLOSE_ISSUES: { id: '18', name: 'Close Issues', type: 'PROJECT' },
	CREATE_ATTACHMENTS: { id: '19', name: 'Create Attachments', type: 'PROJECT' },
	LINK_ISSUES: { id: '21', name: 'Link Issues', type: 'PROJECT' },
	EDIT_ALL_COMMENTS: { id: '34', name: 'Edit All Comments', type: 'PROJECT' },
	EDIT_OWN_COMMENTS: { id: '35', name: 'Edit Own Comments', type: 'PROJECT' },
	DELETE_ALL_COMMENTS: { id: '36', name: 'Delete All Comments', type: 'PROJECT' },
	DELETE_OWN_COMMENTS: { id: '37', name: 'Delete Own Comments', type: 'PROJECT' },
	TRANSITION_ISSUES: { id: '46', name: 'Transition Issues', type: 'PROJECT' }
};

const ROLES = ['Administrators', 'Developers', 'Users', 'Member'];

/** Fields every create/edit screen has; others need ProjectConfig.extraFields. */
const STANDARD_FIELDS = new Set([
	'summary',
	'description',
	'issuetype',
	'project',
	'priority',
	'labels',
	'assignee',
	'reporter',
	'environment',
	'duedate'
]);

const FIELD_NAMES: Record<string, string> = {
	statuscategorychangedate: 'Status Category Changed',
	issuetype: 'Issue Type',
	project: 'Project',
	resolution: 'Resolution',
	resolutiondate: 'Resolved',
	created: 'Created',
	priority: 'Priority',
	labels: 'Labels',
	assignee: 'Assignee',
	updated: 'Updated',
	status: 'Status',
	description: 'Description',
	summary: 'Summary',
	creator: 'Creator',
	reporter: 'Reporter',
	environment: 'Environment',
	duedate: 'Due date',
	comment: 'Comment',
	watches: 'Watchers',
	worklog: 'Log Work'
};

const NOT_NAVIGABLE = new Set(['comment', 'worklog']);

const JSON_TYPE = 'application/json;charset=UTF-8';
const SUBSET = new URL('./contracts/jira/jira-v3-subset.openapi.json', import.meta.url);

// ---------------------------------------------------------------------------------------------
// Atlassian Document Format

export interface AdfNode {
	type: string;
	text?: string;
	attrs?: Record<string, unknown>;
	marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
	content?: AdfNode[];
}
export interface AdfDoc {
	type: 'doc';
	version: 1;
	content: AdfNode[];
}

const TOP_BLOCKS = new Set([
	'paragraph',
	'heading',
	'bulletList',
	'orderedList',
	'codeBlock',
	'blockquote',
	'rule',
	'panel',
	'table',
	'expand',
	'mediaSingle',
	'mediaGroup',
	'blockCard'
]);
const LIST_ITEM_CHILDREN = new Set([
	'paragraph',
	'bulletList',
	'orderedList',
	'codeBlock',
	'mediaSingle'
]);
const QUOTE_CHILDREN = new Set([
	'paragraph',
	'bulletList',
	'orderedList',
	'codeBlock',
	'mediaGroup',
	'mediaSingle'
]);
const PANEL_CHILDREN = new Set([
	'paragraph',
	'heading',
	'bulletList',
	'orderedList',
	'blockCard',
	'mediaGroup',
	'mediaSingle',
	'codeBlock',
	'rule'
]);
const CELL_CHILDREN = new Set([
	'paragraph',
	'panel',
	'blockquote',
	'orderedList',
	'bulletList',
	'rule',
	'heading',
	'codeBlock',
	'mediaGroup',
	'mediaSingle',
	'blockCard'
]);
const INLINE = new Set(['text', 'hardBreak', 'mention', 'emoji', 'inlineCard', 'date', 'status']);
const MARKS = new Set([
	'strong',
	'em',
	'code',
	'strike',
	'underline',
	'link',
	'subsup',
	'textColor'
]);
const PANEL_TYPES = new Set(['info', 'note', 'tip', 'warning', 'error', 'success', 'custom']);
const STATUS_COLORS = new Set(['neutral', 'purple', 'blue', 'red', 'yellow', 'green']);

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Why `value` is not a valid ADF document, or null when it is. */
export function adfProblem(value: unknown): string | null {
	if (!isRecord(value)) return 'not an object';
	if (value.type !== 'doc') return 'type must be "doc"';
	if (value.version !== 1) return 'version must be 1';
	for (const key of Object.keys(value)) {
		if (!['type', 'version', 'content'].includes(key)) return `unknown key "${key}" on doc`;
	}
	if (!Array.isArray(value.content)) return 'doc.content must be an array';
	return children(value.content, TOP_BLOCKS, 'content', 0);
}

function children(
	nodes: unknown[],
	allowed: Set<string>,
	path: string,
	min: number
): string | null {
	if (nodes.length < min) return `${path} must not be empty`;
	for (const [i, node] of nodes.entries()) {
		const problem = nodeProblem(node, allowed, `${path}[${i}]`);
		if (problem) return problem;
	}
	return null;
}

function requireAttr(
	node: Record<string, unknown>,
	name: string,
	path: string,
	check: (v: unknown) => boolean
): string | null {
	const attrs = node.attrs;
	if (!isRecord(attrs) || !check(attrs[name])) {
		return `${path}: ${String(node.type)} needs a valid attrs.${name}`;
	}
	return null;
}

function nodeProblem(node: unknown, allowed: Set<string>, path: string): string | null {
	if (!isRecord(node)) return `${path} is not a node object`;
	const type = node.type;
	if (typeof type !== 'string') return `${path} has no type`;
	if (!allowed.has(type)) return `${path}: node "${type}" is not allowed here`;
	for (const key of Object.keys(node)) {
		const ok =
			key === 'type' ||
			key === 'attrs' ||
			key === 'content' ||
			(type === 'text' && (key === 'text' || key === 'marks'));
		if (!ok) return `${path}: unknown key "${key}" on ${type}`;
	}
	if (node.attrs !== undefined && !isRecord(node.attrs)) return `${path}.attrs must be an object`;
	const content = node.content;
	if (content !== undefined && !Array.isArray(content)) return `${path}.content must be an array`;
	const list = (content as unknown[] | undefined) ?? [];
	const str = (v: unknown) => typeof v === 'string' && v.length > 0;
	switch (type) {
		case 'text': {
			if (typeof node.text !== 'string' || node.text.length === 0) {
				return `${path}: text node needs a non-empty "text"`;
			}
			if (content !== undefined) return `${path}: text has no content`;
			return marksProblem(node.marks, path);
		}
		case 'hardBreak':
		case 'rule':
			return list.length > 0 ? `${path}: ${type} has no content` : null;
		case 'mention':
			return requireAttr(node, 'id', path, str);
		case 'emoji':
			return requireAttr(node, 'shortName', path, str);
		case 'inlineCard':
		case 'blockCard':
			return requireAttr(node, 'url', path, str);
		case 'date':
			return requireAttr(node, 'timestamp', path, str);
		case 'status':
			return (
				requireAttr(node, 'text', path, (v) => typeof v === 'string') ??
				requireAttr(node, 'color', path, (v) => STATUS_COLORS.has(String(v)))
			);
		case 'paragraph':
			return children(list, INLINE, `${path}.content`, 0);
		case 'heading':
			return (
				requireAttr(
					node,
					'level',
					path,
					(v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 6
				) ?? children(list, INLINE, `${path}.content`, 0)
			);
		case 'bulletList':
		case 'orderedList':
			return children(list, new Set(['listItem']), `${path}.content`, 1);
		case 'listItem': {
			const first = list[0];
			if (
				isRecord(first) &&
				!['paragraph', 'codeBlock', 'mediaSingle'].includes(String(first.type))
			) {
				return `${path}: a listItem must start with a paragraph`;
			}
			return children(list, LIST_ITEM_CHILDREN, `${path}.content`, 1);
		}
		case 'codeBlock':
			for (const [i, child] of list.entries()) {
				if (!isRecord(child) || child.type !== 'text' || child.marks !== undefined) {
					return `${path}.content[${i}]: a codeBlock holds only unmarked text`;
				}
			}
			return children(list, new Set(['text']), `${path}.content`, 0);
		case 'blockquote':
			return children(list, QUOTE_CHILDREN, `${path}.content`, 1);
		case 'panel':
			return (
				requireAttr(node, 'panelType', path, (v) => PANEL_TYPES.has(String(v))) ??
				children(list, PANEL_CHILDREN, `${path}.content`, 1)
			);
		case 'table':
			return children(list, new Set(['tableRow']), `${path}.content`, 1);
		case 'tableRow':
			return children(list, new Set(['tableHeader', 'tableCell']), `${path}.content`, 1);
		case 'tableHeader':
		case 'tableCell':
			return children(list, CELL_CHILDREN, `${path}.content`, 1);
		case 'expand':
			return children(list, PANEL_CHILDREN, `${path}.content`, 1);
		case 'mediaSingle':
		case 'mediaGroup':
			return children(list, new Set(['media']), `${path}.content`, 1);
		case 'media':
			return requireAttr(node, 'id', path, str);
		default:
			return `${path}: unknown node type "${type}"`;
	}
}

function marksProblem(marks: unknown, path: string): string | null {
	if (marks === undefined) return null;
	if (!Array.isArray(marks)) return `${path}.marks must be an array`;
	const seen = new Set<string>();
	for (const [i, mark] of marks.entries()) {
		const where = `${path}.marks[${i}]`;
		if (!isRecord(mark) || typeof mark.type !== 'string') return `${where} has no type`;
		if (!MARKS.has(mark.type)) return `${where}: unknown mark "${mark.type}"`;
		if (seen.has(mark.type)) return `${where}: duplicate mark "${mark.type}"`;
		seen.add(mark.type);
		const attrs = isRecord(mark.attrs) ? mark.attrs : {};
		if (mark.type === 'link' && (typeof attrs.href !== 'string' || attrs.href === '')) {
			return `${where}: link needs attrs.href`;
		}
		if (mark.type === 'subsup' && !['sub', 'sup'].includes(String(attrs.type))) {
			return `${where}: subsup needs attrs.type sub or sup`;
		}
		if (mark.type === 'textColor' && !/^#[0-9a-f]{6}$/i.test(String(attrs.color))) {
			return `${where}: textColor needs attrs.color #rrggbb`;
		}
	}
	if (seen.has('code') && [...seen].some((m) => m !== 'code' && m !== 'link')) {
		return `${path}.marks: code combines only with link`;
	}
	return null;
}

/** ADF rendered as Jira wiki markup (what REST v2 and webhooks show for ADF content). */
export function adfToWiki(doc: AdfDoc): string {
	return doc.content
		.map((n) => blockToWiki(n, ''))
		.filter((s) => s !== '')
		.join('\n\n');
}

function inlineToWiki(nodes: AdfNode[] | undefined): string {
	return (nodes ?? [])
		.map((n) => {
			switch (n.type) {
				case 'text': {
					let t = n.text ?? '';
					for (const m of n.marks ?? []) {
						const a = m.attrs ?? {};
						if (m.type === 'strong') t = `*${t}*`;
						else if (m.type === 'em') t = `_${t}_`;
						else if (m.type === 'code') t = `{{${t}}}`;
						else if (m.type === 'strike') t = `-${t}-`;
						else if (m.type === 'underline') t = `+${t}+`;
						else if (m.type === 'subsup') t = a.type === 'sub' ? `~${t}~` : `^${t}^`;
						else if (m.type === 'textColor') t = `{color:${String(a.color)}}${t}{color}`;
						else if (m.type === 'link') {
							const href = String(a.href);
							t = t === href ? `[${href}]` : `[${t}|${href}]`;
						}
					}
					return t;
				}
				case 'hardBreak':
					return '\n';
				case 'mention':
					return `[~accountid:${String(n.attrs?.id)}]`;
				case 'emoji':
					return String(n.attrs?.shortName);
				case 'inlineCard':
					return `[${String(n.attrs?.url)}|${String(n.attrs?.url)}|smart-link]`;
				case 'date':
					return new Date(Number(n.attrs?.timestamp)).toISOString().slice(0, 10);
				case 'status':
					return String(n.attrs?.text).toUpperCase();
				default:
					return '';
			}
		})
		.join('');
}

function blockToWiki(node: AdfNode, listPrefix: string): string {
	const inner = (nodes: AdfNode[] | undefined) =>
		(nodes ?? []).map((n) => blockToWiki(n, listPrefix)).join('\n');
	switch (node.type) {
		case 'paragraph':
			return inlineToWiki(node.content);
		case 'heading':
			return `h${Number(node.attrs?.level)}. ${inlineToWiki(node.content)}`;
		case 'bulletList':
		case 'orderedList': {
			const prefix = listPrefix + (node.type === 'bulletList' ? '*' : '#');
			return (node.content ?? [])
				.map((item) =>
					(item.content ?? [])
						.map((c) =>
							c.type === 'bulletList' || c.type === 'orderedList'
								? blockToWiki(c, prefix)
								: `${prefix} ${blockToWiki(c, prefix)}`
						)
						.join('\n')
				)
				.join('\n');
		}
		case 'codeBlock': {
			const lang = typeof node.attrs?.language === 'string' ? `:${node.attrs.language}` : '';
			return `{code${lang}}${(node.content ?? []).map((t) => t.text ?? '').join('')}{code}`;
		}
		case 'blockquote':
			return `{quote}${inner(node.content)}{quote}`;
		case 'rule':
			return '----';
		case 'panel':
		case 'expand':
			return `{panel}${inner(node.content)}{panel}`;
		case 'table':
			return (node.content ?? [])
				.map((row) =>
					(row.content ?? [])
						.map((cell) => {
							const sep = cell.type === 'tableHeader' ? '||' : '|';
							return `${sep}${inner(cell.content)}`;
						})
						.join('')
						.concat((row.content ?? [])[0]?.type === 'tableHeader' ? '||' : '|')
				)
				.join('\n');
		case 'blockCard':
			return `[${String(node.attrs?.url)}|${String(node.attrs?.url)}|smart-card]`;
		default:
			return '';
	}
}

/** A wiki string shown as ADF (Cloud v3 reads of v2 writes): paragraphs, line breaks, no markup parsing. */
export function wikiToAdf(text: string): AdfDoc {
	const paragraphs = text
		.replace(/\r\n/g, '\n')
		.split(/\n{2,}/)
		.filter((p) => p.trim() !== '');
	return {
		type: 'doc',
		version: 1,
		content: paragraphs.map((p) => ({
			type: 'paragraph',
			content: p.split('\n').flatMap((line, i): AdfNode[] => {
				const parts: AdfNode[] = i > 0 ? [{ type: 'hardBreak' }] : [];
				if (line !== '') parts.push({ type: 'text', text: line });
				return parts;
			})
		}))
	};
}

/** Plain-text ADF for a comment typed by a person. */
function textToAdf(text: string): AdfDoc {
	return wikiToAdf(text);
}

type Rich = { adf: AdfDoc } | { wiki: string };

function richForApi(rich: Rich | null, api: 2 | 3): unknown {
	if (rich === null) return null;
	if (api === 3) return 'adf' in rich ? rich.adf : wikiToAdf(rich.wiki);
	return 'adf' in rich ? adfToWiki(rich.adf) : rich.wiki;
}

function richText(rich: Rich | null): string {
	if (rich === null) return '';
	return 'adf' in rich ? adfToWiki(rich.adf) : rich.wiki;
}

// ---------------------------------------------------------------------------------------------
// Dates

/** Jira's timestamp format: 2026-10-14T02:17:45.120+0000. */
export function jiraDate(ms: number): string {
	return new Date(ms).toISOString().replace('Z', '+0000');
}

function zoneOffsetMs(zone: string, at: number): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone: zone,
		hourCycle: 'h23',
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit'
	}).formatToParts(new Date(at));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const asUtc = Date.UTC(
		get('year'),
		get('month') - 1,
		get('day'),
		get('hour'),
		get('minute'),
		get('second')
	);
	return asUtc - Math.floor(at / 1000) * 1000;
}

/** A wall-clock time in `zone` as epoch ms. */
function zonedToEpoch(zone: string, y: number, mo: number, d: number, h: number, mi: number) {
	const guess = Date.UTC(y, mo - 1, d, h, mi);
	const first = guess - zoneOffsetMs(zone, guess);
	return guess - zoneOffsetMs(zone, first);
}

// ---------------------------------------------------------------------------------------------
// Errors

class JiraError extends Error {
	constructor(
		readonly status: number,
		readonly errorMessages: string[],
		readonly errors: Record<string, string> = {},
		/** Set when the request broke the contract (recorded in `violations`). */
		readonly violation?: string
	) {
		super(errorMessages[0] ?? Object.values(errors)[0] ?? `HTTP ${status}`);
	}
	body() {
		return { errorMessages: this.errorMessages, errors: this.errors };
	}
}

const badRequest = (
	errorMessages: string[],
	errors: Record<string, string> = {},
	violation?: string
) => new JiraError(400, errorMessages, errors, violation);

const ISSUE_NOT_FOUND = () =>
	new JiraError(404, ['Issue does not exist or you do not have permission to see it.']);

// ---------------------------------------------------------------------------------------------
// OpenAPI validation (ajv over the committed subset of the Cloud spec)

interface SpecOperation {
	operationId: string;
	requestBody?: { content?: Record<string, { schema?: unknown }> };
	responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

class SpecValidator {
	private readonly ajv: Ajv;
	private readonly paths: Record<string, Record<string, SpecOperation>>;
	private readonly cache = new Map<string, ValidateFunction | null>();

	constructor() {
		const spec = JSON.parse(readFileSync(SUBSET, 'utf8')) as {
			paths: Record<string, Record<string, SpecOperation>>;
			components: unknown;
		};
		this.paths = spec.paths;
		// The spec types a change item's values as strings, yet its own getChangeLogs example has
		// `"from": null` (a field set for the first time, a resolution cleared), as Jira sends.
		const change = (
			spec.components as { schemas: Record<string, { properties: Record<string, object> }> }
		).schemas.ChangeDetails;
		for (const k of ['from', 'fromString', 'to', 'toString'] as const)
			if (change?.properties[k]) change.properties[k] = { ...change.properties[k], nullable: true };
		this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
		addFormats(this.ajv);
		// Jira writes offsets as +0000, which RFC 3339 (ajv's date-time) does not allow.
		this.ajv.addFormat(
			'date-time',
			/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/
		);
		this.ajv.addFormat('int32', {
			type: 'number',
			validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31
		});
		this.ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
		this.ajv.addSchema({ $id: 'jira-v3', components: spec.components });
	}

	private compile(key: string, schema: unknown): ValidateFunction | null {
		if (this.cache.has(key)) return this.cache.get(key)!;
		const rewritten =
			schema === undefined
				? null
				: (JSON.parse(
						JSON.stringify(schema).replaceAll('"#/components/', '"jira-v3#/components/')
					) as object);
		const fn = rewritten ? this.ajv.compile(rewritten) : null;
		this.cache.set(key, fn);
		return fn;
	}

	private operation(template: string, method: string): SpecOperation | undefined {
		return this.paths[`/rest/api/3${template}`]?.[method.toLowerCase()];
	}

	request(template: string, method: string, body: unknown): ErrorObject[] | null {
		const schema = this.operation(template, method)?.requestBody?.content?.['application/json']
			?.schema;
		const fn = this.compile(`req ${method} ${template}`, schema);
		if (!fn || fn(body)) return null;
		return fn.errors ?? [];
	}

	response(template: string, method: string, status: number, body: unknown): string | null {
		const schema = this.operation(template, method)?.responses[String(status)]?.content?.[
			'application/json'
		]?.schema;
		const fn = this.compile(`res ${method} ${template} ${status}`, schema);
		if (!fn || fn(body)) return null;
		return (fn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
	}
}

let specValidator: SpecValidator | undefined;

function ajvErrorsToJira(errors: ErrorObject[]): Record<string, string> {
	const out: Record<string, string> = {};
	for (const e of errors) {
		const field =
			e.instancePath
				.split('/')
				.filter(Boolean)
				.join('.')
				.replace(/\.(\d+)(?=\.|$)/g, '[$1]') || 'request';
		const extra = isRecord(e.params)
			? (e.params.additionalProperty ?? e.params.allowedValues ?? '')
			: '';
		out[field] ??= `${e.message ?? 'invalid'}${extra ? ` (${JSON.stringify(extra)})` : ''}`;
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// JQL (a deliberately small subset; anything else is refused with Jira's 400)

type JqlValue = string | string[];
interface JqlClause {
	field: string;
	op: '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'not in' | 'is' | 'is not';
	value: JqlValue;
}
interface JqlQuery {
	clauses: JqlClause[];
	orderBy: Array<{ field: string; dir: 'asc' | 'desc' }>;
}

class JqlError extends Error {
	constructor(
		message: string,
		/** The stand-in does not understand it (real Jira might): record a violation too. */
		readonly unsupported: boolean
	) {
		super(message);
	}
}

type Token = { kind: 'str' | 'word' | 'op' | 'punct'; text: string };

function tokenize(jql: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < jql.length) {
		const c = jql[i]!;
		if (/\s/.test(c)) {
			i++;
			continue;
		}
		if (c === '"' || c === "'") {
			let text = '';
			i++;
			while (i < jql.length && jql[i] !== c) {
				if (jql[i] === '\\' && i + 1 < jql.length) i++;
				text += jql[i];
				i++;
			}
			if (i >= jql.length)
				throw new JqlError(`Error in the JQL Query: Unterminated string.`, false);
			i++;
			tokens.push({ kind: 'str', text });
			continue;
		}
		const op = /^(!=|>=|<=|!~|=|>|<|~)/.exec(jql.slice(i));
		if (op) {
			tokens.push({ kind: 'op', text: op[1]! });
			i += op[1]!.length;
			continue;
		}
		if (c === '(' || c === ')' || c === ',') {
			tokens.push({ kind: 'punct', text: c });
			i++;
			continue;
		}
		const word = /^[^\s"'(),=!<>~]+/.exec(jql.slice(i));
		if (!word)
			throw new JqlError(
				`Error in the JQL Query: The character '${c}' is a reserved JQL character.`,
				false
			);
		tokens.push({ kind: 'word', text: word[0] });
		i += word[0].length;
	}
	return tokens;
}

export function parseJql(jql: string): JqlQuery {
	const tokens = tokenize(jql);
	let pos = 0;
	const peek = () => tokens[pos];
	const isWord = (t: Token | undefined, w: string) =>
		t?.kind === 'word' && t.text.toLowerCase() === w;
	const expectValue = (): string => {
		const t = tokens[pos++];
		if (!t || (t.kind !== 'str' && t.kind !== 'word')) {
			throw new JqlError(
				'Error in the JQL Query: Expecting either a value, list or function.',
				false
			);
		}
		if (t.kind === 'word' && tokens[pos]?.text === '(') {
			throw new JqlError(`JQL function ${t.text}() is not supported by the Jira stand-in.`, true);
		}
		return t.text;
	};
	const clauses: JqlClause[] = [];
	const orderBy: JqlQuery['orderBy'] = [];
	const atOrder = () => isWord(peek(), 'order') && isWord(tokens[pos + 1], 'by');
	while (pos < tokens.length && !atOrder()) {
		if (clauses.length > 0) {
			const t = tokens[pos++];
			if (isWord(t, 'or'))
				throw new JqlError('JQL OR is not supported by the Jira stand-in.', true);
			if (!isWord(t, 'and')) {
				throw new JqlError(
					`Error in the JQL Query: Expecting operator before the end of the query but got '${t?.text}'.`,
					false
				);
			}
		}
		const f = tokens[pos++];
		if (!f || f.text === '(' || isWord(f, 'not')) {
			throw new JqlError('JQL parentheses and NOT are not supported by the Jira stand-in.', true);
		}
		if (f.kind !== 'word' && f.kind !== 'str') {
			throw new JqlError(
				`Error in the JQL Query: Expecting a field name but got '${f.text}'.`,
				false
			);
		}
		const field = f.text;
		const o = tokens[pos++];
		let op: JqlClause['op'];
		if (o?.kind === 'op' && ['=', '!=', '>', '>=', '<', '<='].includes(o.text)) {
			op = o.text as JqlClause['op'];
		} else if (o?.kind === 'op') {
			throw new JqlError(`JQL operator '${o.text}' is not supported by the Jira stand-in.`, true);
		} else if (isWord(o, 'in')) op = 'in';
		else if (isWord(o, 'not') && isWord(peek(), 'in')) {
			pos++;
			op = 'not in';
		} else if (isWord(o, 'is')) {
			if (isWord(peek(), 'not')) {
				pos++;
				op = 'is not';
			} else op = 'is';
		} else {
			throw new JqlError(
				`Error in the JQL Query: Expecting operator but got '${o?.text ?? 'the end of the query'}'.`,
				false
			);
		}
		let value: JqlValue;
		if (op === 'in' || op === 'not in') {
			if (peek()?.text !== '(')
				throw new JqlError("Error in the JQL Query: Expecting '(' after IN.", false);
			pos++;
			value = [];
			while (true) {
				value.push(expectValue());
				const t = tokens[pos++];
				if (t?.text === ')') break;
				if (t?.text !== ',')
					throw new JqlError("Error in the JQL Query: Expecting ',' or ')'.", false);
			}
		} else if (op === 'is' || op === 'is not') {
			const t = tokens[pos++];
			if (!isWord(t, 'empty') && !isWord(t, 'null')) {
				throw new JqlError('Error in the JQL Query: Expecting EMPTY or NULL after IS.', false);
			}
			value = 'EMPTY';
		} else value = expectValue();
		clauses.push({ field, op, value });
	}
	if (atOrder()) {
		pos += 2;
		while (pos < tokens.length) {
			const f = tokens[pos++];
			if (!f || (f.kind !== 'word' && f.kind !== 'str')) {
				throw new JqlError('Error in the JQL Query: Expecting a field name after ORDER BY.', false);
			}
			let dir: 'asc' | 'desc' = 'asc';
			if (isWord(peek(), 'asc') || isWord(peek(), 'desc')) {
				dir = tokens[pos++]!.text.toLowerCase() as 'asc' | 'desc';
			}
			orderBy.push({ field: f.text.toLowerCase(), dir });
			if (pos < tokens.length) {
				if (tokens[pos]?.text !== ',')
					throw new JqlError("Error in the JQL Query: Expecting ','.", false);
				pos++;
			}
		}
	}
	return { clauses, orderBy };
}

// ---------------------------------------------------------------------------------------------
// Internal state

interface Workflow {
	statuses: StatusConfig[];
	transitions: Array<{ id: string; name: string; to: string; from: string[] | null }>;
	initial: string;
}

interface Project {
	key: string;
	id: string;
	name: string;
	issueTypes: IssueTypeConfig[];
	workflow: Workflow;
	extraFields: Set<string>;
	customFields: CustomFieldConfig[];
	next: number;
}

interface StoredComment {
	id: string;
	author: JiraUser;
	updateAuthor: JiraUser;
	body: Rich;
	created: number;
	updated: number;
	visibility: { type: string; value: string } | null;
}

interface ChangeItem {
	field: string;
	fieldtype: 'jira';
	fieldId: string;
	from: string | null;
	fromString: string | null;
	to: string | null;
	toString: string | null;
}

interface StoredIssue {
	id: string;
	key: string;
	project: Project;
	issueTypeId: string;
	summary: string;
	description: Rich | null;
	environment: Rich | null;
	labels: string[];
	priorityId: string;
	statusId: string;
	statusChangedAt: number;
	resolution: (typeof RESOLUTIONS)[number] | null;
	resolutionDate: number | null;
	assignee: JiraUser | null;
	reporter: JiraUser;
	creator: JiraUser;
	duedate: string | null;
	extra: Record<string, unknown>;
	created: number;
	updated: number;
	comments: StoredComment[];
	properties: Map<string, unknown>;
	histories: Array<{ id: string; author: JiraUser; created: number; items: ChangeItem[] }>;
}

function resolveWorkflow(config: WorkflowConfig): Workflow {
	const statusId = (ref: string) => {
		const s = config.statuses.find((x) => x.id === ref || x.name === ref);
		if (!s) throw new Error(`jira stand-in: workflow has no status "${ref}"`);
		return s.id;
	};
	return {
		statuses: config.statuses.map((s) => ({ ...s })),
		transitions: config.transitions.map((t) => ({
			id: t.id,
			name: t.name,
			to: statusId(t.to),
			from: t.from ? t.from.map(statusId) : null
		})),
		initial: config.initial ? statusId(config.initial) : config.statuses[0]!.id
	};
}

export interface Route {
	method: string;
	template: string;
	pattern: RegExp;
	operation: JiraOperation;
	modes?: JiraMode[];
}

function route(
	method: string,
	template: string,
	operation: JiraOperation,
	modes?: JiraMode[]
): Route {
	const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`);
	return { method, template, pattern, operation, modes };
}

/** What the stand-in serves, under /rest/api/3 (Cloud) and /rest/api/2 (both); operations named by the spec's operationId. */
export const STANDIN_ROUTES: ReadonlyArray<Readonly<Route>> = [
	route('POST', '/issue', 'createIssue'),
	route('GET', '/issue/createmeta/{projectIdOrKey}/issuetypes', 'getCreateIssueMetaIssueTypes'),
	route(
		'GET',
		'/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}',
		'getCreateIssueMetaIssueTypeId'
	),
	route('GET', '/issue/{issueIdOrKey}', 'getIssue'),
	route('PUT', '/issue/{issueIdOrKey}', 'editIssue'),
	route('DELETE', '/issue/{issueIdOrKey}', 'deleteIssue'),
	route('GET', '/issue/{issueIdOrKey}/changelog', 'getChangeLogs', ['cloud']),
	route('GET', '/issue/{issueIdOrKey}/transitions', 'getTransitions'),
	route('POST', '/issue/{issueIdOrKey}/transitions', 'doTransition'),
	route('GET', '/issue/{issueIdOrKey}/comment', 'getComments'),
	route('POST', '/issue/{issueIdOrKey}/comment', 'addComment'),
	route('GET', '/issue/{issueIdOrKey}/comment/{id}', 'getComment'),
	route('PUT', '/issue/{issueIdOrKey}/comment/{id}', 'updateComment'),
	route('GET', '/issue/{issueIdOrKey}/properties', 'getIssuePropertyKeys'),
	route('GET', '/issue/{issueIdOrKey}/properties/{propertyKey}', 'getIssueProperty'),
	route('PUT', '/issue/{issueIdOrKey}/properties/{propertyKey}', 'setIssueProperty'),
	route('DELETE', '/issue/{issueIdOrKey}/properties/{propertyKey}', 'deleteIssueProperty'),
	route('GET', '/search/jql', 'searchAndReconsileIssuesUsingJql', ['cloud']),
	route('POST', '/search/jql', 'searchAndReconsileIssuesUsingJqlPost', ['cloud']),
	route('GET', '/search', 'searchForIssuesUsingJql'),
	route('POST', '/search', 'searchForIssuesUsingJqlPost'),
	route('GET', '/myself', 'getCurrentUser'),
	route('GET', '/project/{projectIdOrKey}', 'getProject'),
	route('GET', '/project/{projectIdOrKey}/statuses', 'getAllStatuses'),
	route('GET', '/mypermissions', 'getMyPermissions'),
	route('GET', '/priority', 'getPriorities'),
	route('GET', '/priority/search', 'searchPriorities', ['cloud']),
	route('GET', '/issuetype', 'getIssueAllTypes'),
	route('GET', '/status', 'getStatuses'),
	route('GET', '/serverInfo', 'getServerInfo')
];

interface Ctx {
	api: 2 | 3;
	params: string[];
	query: URLSearchParams;
	body: unknown;
	operation: JiraOperation;
}

interface Reply {
	status: number;
	body?: unknown;
	headers?: Record<string, string>;
}

interface QueuedFault {
	fault: JiraFault;
	match: FaultMatch;
	remaining: number;
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString('utf8');
}

function listParam(query: URLSearchParams, name: string): string[] | null {
	const values = query.getAll(name);
	if (values.length === 0) return null;
	return values
		.flatMap((v) => v.split(','))
		.map((v) => v.trim())
		.filter(Boolean);
}

function listBody(value: unknown): string[] | null {
	if (value === undefined) return null;
	const list = Array.isArray(value) ? value : [value];
	return list
		.flatMap((v) => String(v).split(','))
		.map((v) => v.trim())
		.filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// The stand-in

export async function startJiraStandin(options: JiraStandinOptions): Promise<JiraStandin> {
	const mode = options.mode;
	const email = options.email ?? 'vigil-bot@contoso.com';
	const apiToken = options.apiToken ?? 'ATATT3xFfGF0standin-api-token';
	const pat = options.pat ?? 'NjQ4MzA1OTk2NTQ1OnN0YW5kaW4tcGF0';
	const now = options.now ?? Date.now;
	const timeZone = options.timeZone ?? 'UTC';
	const me: JiraUser = {
		accountId: '5b10ac8d82e05b22cc7d4ef5',
		name: 'svc-vigil',
		displayName: 'Vigil Integration',
		emailAddress: email,
		timeZone,
		...options.user
	};
	const people = [me, ...(options.users ?? Object.values(STANDIN_PEOPLE))];
	const priorities = options.priorities ?? DEFAULT_PRIORITIES;
	const permissions: Record<string, boolean> = Object.fromEntries(
		Object.keys(PERMISSIONS).map((k) => [k, options.permissions?.[k] ?? true])
	);
	const indexed = options.indexedProperties ?? [];
	const projects: Project[] = (options.projects ?? [DEFAULT_PROJECT]).map((p, i) => ({
		key: p.key,
		id: p.id ?? String(10010 + i),
		name: p.name ?? p.key,
		issueTypes: p.issueTypes ?? DEFAULT_ISSUE_TYPES,
		workflow: resolveWorkflow(p.workflow ?? DEFAULT_WORKFLOW),
		extraFields: new Set([...(p.extraFields ?? []), ...(p.customFields ?? []).map((f) => f.id)]),
		customFields: p.customFields ?? [],
		next: p.nextIssueNumber ?? 1
	}));
	specValidator ??= new SpecValidator();
	const spec = specValidator;

	const issues: StoredIssue[] = [];
	const requests: JiraRequest[] = [];
	const violations: string[] = [];
	const responseViolations: string[] = [];
	const webhookEvents: JiraWebhookEvent[] = [];
	const transitionsApplied: AppliedTransition[] = [];
	let faults: QueuedFault[] = [];
	let nextIssueId = 10480;
	let nextCommentId = 77300;
	let nextHistoryId = 58200;
	// Real delivery ids (X-Atlassian-Webhook-Identifier) never repeat, across sites too, and
	// Vigil drops a repeated one as a redelivery: each stand-in starts at an offset of its own
	// from the recorded id, so two stand-ins against one Vigil (two e2e files) never collide.
	let nextDelivery = 69312270414585119n + BigInt(randomInt(0, 2 ** 47)) * 8n;
	let url = '';

	// ----- lookups

	const allStatuses = () => {
		const seen = new Map<string, StatusConfig>();
		for (const p of projects) for (const s of p.workflow.statuses) seen.set(s.id, s);
		return [...seen.values()];
	};
	const statusOf = (issue: StoredIssue) =>
		issue.project.workflow.statuses.find((s) => s.id === issue.statusId)!;
	const issueType = (p: Project, id: string) => p.issueTypes.find((t) => t.id === id)!;
	const priority = (id: string) => priorities.find((p) => p.id === id)!;
	const defaultPriority = () => priorities.find((p) => p.isDefault) ?? priorities[0]!;
	const findProject = (ref: string) =>
		projects.find((p) => p.key.toUpperCase() === ref.toUpperCase() || p.id === ref);
	const findIssue = (ref: string) => {
		const upper = decodeURIComponent(ref).toUpperCase();
		return issues.find((i) => i.key === upper || i.id === upper);
	};
	const mustIssue = (ref: string) => {
		const issue = findIssue(ref);
		if (!issue || !permissions.BROWSE_PROJECTS) throw ISSUE_NOT_FOUND();
		return issue;
	};
	const findUser = (ref: JiraUser | string): JiraUser => {
		if (typeof ref !== 'string') return ref;
		const user = people.find((u) => u.accountId === ref || u.name === ref || u.displayName === ref);
		if (!user) throw new Error(`jira stand-in: no user "${ref}"`);
		return user;
	};
	const userRef = (u: JiraUser) => (mode === 'cloud' ? u.accountId : u.name);

	// ----- rendering

	const apiBase = (api: 2 | 3) => `${url}/rest/api/${api}`;
	const avatarUrls = (seed: string) =>
		Object.fromEntries(
			['48x48', '24x24', '16x16', '32x32'].map((size) => [
				size,
				`${url}/secure/useravatar?size=${size}&ownerId=${encodeURIComponent(seed)}`
			])
		);
	const renderUser = (u: JiraUser, api: 2 | 3, withEmail = true): Record<string, unknown> =>
		mode === 'cloud'
			? {
					self: `${apiBase(api)}/user?accountId=${u.accountId}`,
					accountId: u.accountId,
					...(withEmail && u.emailAddress ? { emailAddress: u.emailAddress } : {}),
					avatarUrls: avatarUrls(u.accountId),
					displayName: u.displayName,
					active: true,
					timeZone: u.timeZone ?? 'UTC',
					accountType: 'atlassian'
				}
			: {
					self: `${apiBase(2)}/user?username=${u.name}`,
					name: u.name,
					key: u.name,
					...(withEmail && u.emailAddress ? { emailAddress: u.emailAddress } : {}),
					avatarUrls: avatarUrls(u.name),
					displayName: u.displayName,
					active: true,
					timeZone: u.timeZone ?? 'UTC'
				};
	const renderStatus = (s: StatusConfig, api: 2 | 3) => {
		const cat = STATUS_CATEGORIES[s.category];
		return {
			self: `${apiBase(api)}/status/${s.id}`,
			description: s.description ?? '',
			iconUrl: `${url}/images/icons/statuses/generic.png`,
			name: s.name,
			id: s.id,
			statusCategory: { self: `${apiBase(api)}/statuscategory/${cat.id}`, ...cat }
		};
	};
	const renderIssueType = (t: IssueTypeConfig, api: 2 | 3) => ({
		self: `${apiBase(api)}/issuetype/${t.id}`,
		id: t.id,
		description: t.description ?? '',
		iconUrl: `${url}/secure/viewavatar?size=medium&avatarId=10303&avatarType=issuetype`,
		name: t.name,
		subtask: false,
		avatarId: 10303,
		hierarchyLevel: 0
	});
	const renderPriority = (p: PriorityConfig, api: 2 | 3) => ({
		self: `${apiBase(api)}/priority/${p.id}`,
		iconUrl: `${url}/images/icons/priorities/${p.name.toLowerCase()}.svg`,
		name: p.name,
		id: p.id
	});
	const projectAvatars = (p: Project) =>
		Object.fromEntries(
			['48x48', '24x24', '16x16', '32x32'].map((size) => [
				size,
				`${url}/secure/projectavatar?size=${size}&pid=${p.id}`
			])
		);
	const renderProjectRef = (p: Project, api: 2 | 3) => ({
		self: `${apiBase(api)}/project/${p.id}`,
		id: p.id,
		key: p.key,
		name: p.name,
		projectTypeKey: 'software',
		simplified: false,
		avatarUrls: projectAvatars(p)
	});
	const CUSTOM_SCHEMA: Record<
		CustomFieldConfig['type'],
		{ type: string; items?: string; custom: string }
	> = {
		option: { type: 'option', custom: 'select' },
		'multi-option': { type: 'array', items: 'option', custom: 'multiselect' },
		string: { type: 'string', custom: 'textfield' },
		textarea: { type: 'string', custom: 'textarea' },
		number: { type: 'number', custom: 'float' },
		date: { type: 'date', custom: 'datepicker' },
		datetime: { type: 'datetime', custom: 'datetime' }
	};
	const customOnScreen = (p: Project, type: IssueTypeConfig) =>
		p.customFields.filter(
			(f) => !f.issueTypes || f.issueTypes.some((t) => t === type.id || t === type.name)
		);
	const renderOption = (f: CustomFieldConfig, o: { id: string; value: string }, api: 2 | 3) => ({
		self: `${apiBase(api)}/customFieldOption/${o.id}`,
		value: o.value,
		id: o.id
	});
	/** FieldCreateMetadata of every field on the create screen of `type` in `p`. */
	const createMetaFields = (p: Project, type: IssueTypeConfig, api: 2 | 3) => {
		const system = (
			fieldId: string,
			schema: { type: string; items?: string },
			required: boolean,
			extra: Record<string, unknown> = {}
		) => ({
			required,
			schema: { ...schema, system: fieldId },
			name: FIELD_NAMES[fieldId] ?? fieldId,
			key: fieldId,
			fieldId,
			hasDefaultValue: false,
			operations: ['set'],
			...extra
		});
		const fields: Record<string, unknown>[] = [
			system('summary', { type: 'string' }, true),
			system('issuetype', { type: 'issuetype' }, true, {
				allowedValues: [renderIssueType(type, api)]
			}),
			system('project', { type: 'project' }, true, {
				allowedValues: [renderProjectRef(p, api)]
			}),
			system('description', { type: 'string' }, false),
			system('labels', { type: 'array', items: 'string' }, false, {
				autoCompleteUrl: `${apiBase(api)}/label/suggest?query=`,
				operations: ['add', 'set', 'remove']
			}),
			system('priority', { type: 'priority' }, false, {
				allowedValues: priorities.map((x) => renderPriority(x, api)),
				hasDefaultValue: true,
				defaultValue: renderPriority(defaultPriority(), api)
			}),
			system('assignee', { type: 'user' }, false, {
				autoCompleteUrl: `${apiBase(api)}/user/assignable/search?project=${p.key}&query=`
			}),
			system('reporter', { type: 'user' }, true, {
				autoCompleteUrl: `${apiBase(api)}/user/search?query=`,
				hasDefaultValue: true
			}),
			system('environment', { type: 'string' }, false),
			system('duedate', { type: 'date' }, false)
		];
		for (const f of customOnScreen(p, type)) {
			const { custom, ...schema } = CUSTOM_SCHEMA[f.type];
			fields.push({
				required: f.required ?? false,
				schema: {
					...schema,
					custom: `com.atlassian.jira.plugin.system.customfieldtypes:${custom}`,
					customId: Number(f.id.replace(/^customfield_/, ''))
				},
				name: f.name,
				key: f.id,
				fieldId: f.id,
				hasDefaultValue: false,
				operations: ['set'],
				...(f.options ? { allowedValues: f.options.map((o) => renderOption(f, o, api)) } : {})
			});
		}
		return fields;
	};
	/** What Jira answers for the custom fields of a create: required, options, types. */
	const checkCustomFields = (
		p: Project,
		type: IssueTypeConfig,
		fields: Record<string, unknown>,
		api: 2 | 3
	) => {
		const errors: Record<string, string> = {};
		const onScreen = customOnScreen(p, type);
		for (const f of p.customFields) {
			if (f.id in fields && !onScreen.includes(f))
				errors[f.id] =
					`Field '${f.id}' cannot be set. It is not on the appropriate screen, or unknown.`;
		}
		const option = (f: CustomFieldConfig, v: unknown): string | null => {
			if (!isRecord(v) || (typeof v.id !== 'string' && typeof v.value !== 'string'))
				return `Could not find valid 'id' or 'value' in the Parent Option object.`;
			const found = (f.options ?? []).find((o) =>
				typeof v.id === 'string' ? o.id === v.id : o.value === v.value
			);
			if (found) return null;
			return typeof v.id === 'string'
				? `Option id '${v.id}' is not valid`
				: `Option value '${String(v.value)}' is not valid`;
		};
		for (const f of onScreen) {
			const v = fields[f.id];
			const empty = v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length);
			if (empty) {
				if (f.required) errors[f.id] = `${f.name} is required.`;
				continue;
			}
			let problem: string | null = null;
			if (f.type === 'option') problem = option(f, v);
			else if (f.type === 'multi-option')
				problem = Array.isArray(v)
					? (v.map((x) => option(f, x)).find(Boolean) ?? null)
					: `data was not an array`;
			else if (f.type === 'number')
				problem = typeof v === 'number' ? null : 'Operation value must be a number';
			else if (f.type === 'string')
				problem = typeof v === 'string' ? null : 'Operation value must be a string';
			else if (f.type === 'textarea')
				problem =
					api === 3
						? isRecord(v) && v.type === 'doc'
							? adfProblem(v)
							: 'Operation value must be an Atlassian Document (see the Atlassian Document Format)'
						: typeof v === 'string'
							? null
							: 'Operation value must be a string';
			else if (f.type === 'date')
				problem =
					typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)
						? null
						: `Error parsing date string: ${String(v)}`;
			else if (f.type === 'datetime')
				problem =
					typeof v === 'string' && !Number.isNaN(Date.parse(v))
						? null
						: `Error parsing time: ${String(v)}`;
			if (problem) errors[f.id] = problem;
		}
		if (Object.keys(errors).length) throw badRequest([], errors);
	};
	const renderResolution = (r: (typeof RESOLUTIONS)[number], api: 2 | 3) => ({
		self: `${apiBase(api)}/resolution/${r.id}`,
		id: r.id,
		description: r.description,
		name: r.name
	});
	const renderComment = (issue: StoredIssue, c: StoredComment, api: 2 | 3) => ({
		self: `${apiBase(api)}/issue/${issue.id}/comment/${c.id}`,
		id: c.id,
		author: renderUser(c.author, api, false),
		body: richForApi(c.body, api),
		updateAuthor: renderUser(c.updateAuthor, api, false),
		created: jiraDate(c.created),
		updated: jiraDate(c.updated),
		...(c.visibility ? { visibility: { ...c.visibility, identifier: c.visibility.value } } : {}),
		...(mode === 'cloud' ? { jsdPublic: true } : {})
	});

	const allFields = (issue: StoredIssue, api: 2 | 3): Record<string, unknown> => {
		const status = statusOf(issue);
		return {
			statuscategorychangedate: jiraDate(issue.statusChangedAt),
			issuetype: renderIssueType(issueType(issue.project, issue.issueTypeId), api),
			timespent: null,
			project: renderProjectRef(issue.project, api),
			fixVersions: [],
			aggregatetimespent: null,
			resolution: issue.resolution ? renderResolution(issue.resolution, api) : null,
			resolutiondate: issue.resolutionDate === null ? null : jiraDate(issue.resolutionDate),
			workratio: -1,
			watches: {
				self: `${apiBase(api)}/issue/${issue.key}/watchers`,
				watchCount: 1,
				isWatching: true
			},
			lastViewed: null,
			created: jiraDate(issue.created),
			priority: renderPriority(priority(issue.priorityId), api),
			labels: [...issue.labels],
			timeestimate: null,
			aggregatetimeoriginalestimate: null,
			versions: [],
			issuelinks: [],
			assignee: issue.assignee ? renderUser(issue.assignee, api) : null,
			updated: jiraDate(issue.updated),
			status: renderStatus(status, api),
			components: [],
			timeoriginalestimate: null,
			description: richForApi(issue.description, api),
			timetracking: {},
			security: null,
			aggregatetimeestimate: null,
			attachment: [],
			summary: issue.summary,
			creator: renderUser(issue.creator, api),
			subtasks: [],
			reporter: renderUser(issue.reporter, api),
			aggregateprogress: { progress: 0, total: 0 },
			environment: richForApi(issue.environment, api),
			duedate: issue.duedate,
			progress: { progress: 0, total: 0 },
			votes: { self: `${apiBase(api)}/issue/${issue.key}/votes`, votes: 0, hasVoted: false },
			comment: {
				comments: issue.comments.map((c) => renderComment(issue, c, api)),
				self: `${apiBase(api)}/issue/${issue.id}/comment`,
				maxResults: issue.comments.length,
				total: issue.comments.length,
				startAt: 0
			},
			worklog: { startAt: 0, maxResults: 20, total: 0, worklogs: [] },
			...issue.extra
		};
	};

	/** Which fields a `fields` list selects; null = none (ids only). */
	const selectFields = (
		all: Record<string, unknown>,
		tokens: string[] | null,
		fallback: '*all' | '*navigable' | 'id'
	): Record<string, unknown> | null => {
		const list = tokens && tokens.length > 0 ? tokens : [fallback];
		const positive = list.filter((t) => !t.startsWith('-'));
		const chosen = new Set<string>();
		for (const t of positive.length > 0 ? positive : [fallback]) {
			if (t === '*all') for (const k of Object.keys(all)) chosen.add(k);
			else if (t === '*navigable') {
				for (const k of Object.keys(all)) if (!NOT_NAVIGABLE.has(k)) chosen.add(k);
			} else if (t in all) chosen.add(t);
		}
		for (const t of list) if (t.startsWith('-')) chosen.delete(t.slice(1));
		if (chosen.size === 0) return null;
		return Object.fromEntries(Object.entries(all).filter(([k]) => chosen.has(k)));
	};

	const renderIssue = (
		issue: StoredIssue,
		api: 2 | 3,
		opts: {
			fields: string[] | null;
			fallback: '*all' | '*navigable' | 'id';
			expand: string[];
			properties: string[];
			idOnlyShape?: boolean;
		}
	): Record<string, unknown> => {
		const all = allFields(issue, api);
		const fields = selectFields(all, opts.fields, opts.fallback);
		const props = Object.fromEntries(
			opts.properties
				.filter((k) => issue.properties.has(k))
				.map((k) => [k, issue.properties.get(k)])
		);
		if (
			opts.idOnlyShape &&
			fields === null &&
			opts.expand.length === 0 &&
			opts.properties.length === 0
		) {
			return opts.fields?.includes('key') ? { id: issue.id, key: issue.key } : { id: issue.id };
		}
		const out: Record<string, unknown> = {
			expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
			id: issue.id,
			self: `${apiBase(api)}/issue/${issue.id}`,
			key: issue.key,
			fields: fields ?? {}
		};
		if (opts.properties.length > 0) out.properties = props;
		if (opts.expand.includes('names')) {
			out.names = Object.fromEntries(
				Object.keys(fields ?? {}).map((k) => [k, FIELD_NAMES[k] ?? k])
			);
		}
		if (opts.expand.includes('renderedFields')) {
			out.renderedFields = {
				description: issue.description
					? `<p>${richText(issue.description).replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`)}</p>`
					: null
			};
		}
		if (opts.expand.includes('transitions')) {
			out.transitions = availableTransitions(issue).map((t) => renderTransition(issue, t, api));
		}
		if (opts.expand.includes('changelog')) {
			out.changelog = {
				startAt: 0,
				maxResults: issue.histories.length,
				total: issue.histories.length,
				histories: issue.histories.map((h) => renderHistory(h, api))
			};
		}
		return out;
	};

	const renderHistory = (h: StoredIssue['histories'][number], api: 2 | 3) => ({
		id: h.id,
		author: renderUser(h.author, api, false),
		created: jiraDate(h.created),
		items: h.items.map((item) => ({
			field: item.field,
			fieldtype: item.fieldtype,
			...(mode === 'cloud' ? { fieldId: item.fieldId } : {}),
			from: item.from,
			fromString: item.fromString,
			to: item.to,
			toString: item.toString
		}))
	});

	const availableTransitions = (issue: StoredIssue) => {
		if (!permissions.TRANSITION_ISSUES) return [];
		return issue.project.workflow.transitions.filter((t) =>
			t.from === null ? t.to !== issue.statusId : t.from.includes(issue.statusId)
		);
	};
	const renderTransition = (
		issue: StoredIssue,
		t: Workflow['transitions'][number],
		api: 2 | 3,
		withFields = false
	) => ({
		id: t.id,
		name: t.name,
		to: renderStatus(
			issue.project.workflow.statuses.find((s) => s.id === t.to)!,
			api
		),
		hasScreen: false,
		isGlobal: t.from === null,
		isInitial: false,
		isAvailable: true,
		isConditional: false,
		...(withFields ? { fields: {} } : {})
	});

	// ----- snapshots for tests

	const snapshotComment = (c: StoredComment): CommentSnapshot => ({
		id: c.id,
		author: userRef(c.author),
		body: 'adf' in c.body ? structuredClone(c.body.adf) : c.body.wiki,
		text: richText(c.body),
		created: c.created,
		updated: c.updated,
		visibility: c.visibility
	});
	const snapshot = (issue: StoredIssue): IssueSnapshot => {
		const status = statusOf(issue);
		return {
			id: issue.id,
			key: issue.key,
			projectKey: issue.project.key,
			issueType: issueType(issue.project, issue.issueTypeId).name,
			summary: issue.summary,
			description:
				issue.description === null
					? null
					: 'adf' in issue.description
						? structuredClone(issue.description.adf)
						: issue.description.wiki,
			labels: [...issue.labels],
			priority: priority(issue.priorityId).name,
			status: status.name,
			statusCategory: status.category,
			resolution: issue.resolution?.name ?? null,
			assignee: issue.assignee ? userRef(issue.assignee) : null,
			reporter: userRef(issue.reporter),
			created: issue.created,
			updated: issue.updated,
			properties: Object.fromEntries(structuredClone([...issue.properties])),
			comments: issue.comments.map(snapshotComment),
			extraFields: structuredClone(issue.extra)
		};
	};

	// ----- webhooks (REST v2 shaped, as Jira sends them even from Cloud)

	const newDelivery = () => String(nextDelivery++);
	const emit = (
		webhookEvent: JiraWebhookEvent['webhookEvent'],
		build: (timestamp: number) => Record<string, unknown>
	): JiraWebhookEvent => {
		const timestamp = now();
		const body = { timestamp, webhookEvent, ...build(timestamp) };
		const event = { webhookEvent, identifier: newDelivery(), timestamp, body };
		webhookEvents.push(event);
		return event;
	};
	const webhookIssue = (issue: StoredIssue) => ({
		id: issue.id,
		self: `${apiBase(2)}/issue/${issue.id}`,
		key: issue.key,
		fields: allFields(issue, 2)
	});
	const commentWebhookIssue = (issue: StoredIssue) => {
		const f = allFields(issue, 2);
		return {
			id: issue.id,
			self: `${apiBase(2)}/issue/${issue.id}`,
			key: issue.key,
			fields: {
				summary: f.summary,
				issuetype: f.issuetype,
				project: f.project,
				assignee: f.assignee,
				priority: f.priority,
				status: f.status
			}
		};
	};
	const emitIssueUpdated = (issue: StoredIssue, by: JiraUser, items: ChangeItem[]) => {
		const history = { id: String(nextHistoryId++), author: by, created: issue.updated, items };
		issue.histories.push(history);
		return emit('jira:issue_updated', () => ({
			issue_event_type_name: 'issue_generic',
			user: renderUser(by, 2),
			issue: webhookIssue(issue),
			changelog: {
				id: history.id,
				items: items.map(({ fieldId, ...rest }) => (mode === 'cloud' ? { ...rest, fieldId } : rest))
			}
		}));
	};
	const emitComment = (
		event: 'comment_created' | 'comment_updated',
		issue: StoredIssue,
		c: StoredComment
	) =>
		emit(event, () => ({
			comment: renderComment(issue, c, 2),
			issue: commentWebhookIssue(issue)
		}));

	// ----- changes (shared by the REST API and the "as a person" helpers)

	const change = (
		field: string,
		from: string | null,
		fromString: string | null,
		to: string | null,
		toString: string | null
	): ChangeItem => ({ field, fieldtype: 'jira', fieldId: field, from, fromString, to, toString });

	const applyTransition = (
		issue: StoredIssue,
		t: Workflow['transitions'][number],
		by: JiraUser,
		resolutionName?: string
	): ChangeItem[] => {
		const from = statusOf(issue);
		const to = issue.project.workflow.statuses.find((s) => s.id === t.to)!;
		const at = now();
		const items: ChangeItem[] = [];
		if (to.category === 'done') {
			const resolution =
				RESOLUTIONS.find((r) => r.name === resolutionName || r.id === resolutionName) ??
				RESOLUTIONS[0]!;
			if (issue.resolution?.id !== resolution.id) {
				items.push(
					change(
						'resolution',
						issue.resolution?.id ?? null,
						issue.resolution?.name ?? null,
						resolution.id,
						resolution.name
					)
				);
				issue.resolution = resolution;
				issue.resolutionDate = at;
			}
		} else if (issue.resolution) {
			items.push(change('resolution', issue.resolution.id, issue.resolution.name, null, null));
			issue.resolution = null;
			issue.resolutionDate = null;
		}
		items.push(change('status', from.id, from.name, to.id, to.name));
		if (from.category !== to.category) issue.statusChangedAt = at;
		issue.statusId = to.id;
		issue.updated = at;
		transitionsApplied.push({
			key: issue.key,
			transitionId: t.id,
			transitionName: t.name,
			from: from.name,
			to: to.name,
			by: userRef(by),
			at
		});
		return items;
	};

	const addComment = (
		issue: StoredIssue,
		by: JiraUser,
		body: Rich,
		visibility: StoredComment['visibility']
	): StoredComment => {
		const at = now();
		const c: StoredComment = {
			id: String(nextCommentId++),
			author: by,
			updateAuthor: by,
			body,
			created: at,
			updated: at,
			visibility
		};
		issue.comments.push(c);
		issue.updated = at;
		return c;
	};

	// ----- validation of what a client sends

	/** A rich-text value (description, environment, comment body) for this API version. */
	const richValue = (value: unknown, api: 2 | 3, field: string, comment: boolean): Rich => {
		if (api === 3) {
			if (!isRecord(value) || value.type !== 'doc') {
				if (comment) {
					throw badRequest(
						[],
						{ comment: 'Comment body is not valid!' },
						`${field}: not an ADF document`
					);
				}
				throw badRequest(
					[],
					{
						[field]:
							'Operation value must be an Atlassian Document (see the Atlassian Document Format)'
					},
					`${field}: not an ADF document (v3 takes Atlassian Document Format, not ${typeof value})`
				);
			}
			const problem = adfProblem(value);
			if (problem) throw badRequest(['INVALID_INPUT'], {}, `${field}: invalid ADF: ${problem}`);
			return { adf: structuredClone(value) as unknown as AdfDoc };
		}
		if (typeof value !== 'string') {
			if (comment) {
				throw badRequest(
					[
						'Can not deserialize instance of java.lang.String out of START_OBJECT token (through reference chain: com.atlassian.jira.issue.fields.rest.json.beans.CommentJsonBean["body"])'
					],
					{},
					`${field}: REST v2 takes a wiki-markup string`
				);
			}
			throw badRequest(
				[],
				{ [field]: 'Operation value must be a string' },
				`${field}: REST v2 takes a wiki-markup string`
			);
		}
		return { wiki: value };
	};

	const checkSummary = (value: unknown): string => {
		if (typeof value !== 'string' || value.trim() === '') {
			throw badRequest(
				[],
				{ summary: 'You must specify a summary of the issue.' },
				'fields.summary missing'
			);
		}
		if (/[\r\n]/.test(value)) {
			throw badRequest(
				[],
				{ summary: 'The summary is invalid because it contains newline characters.' },
				'fields.summary contains a newline'
			);
		}
		if (value.length > 255) {
			throw badRequest(
				[],
				{ summary: 'Summary must be less than 255 characters.' },
				`fields.summary is ${value.length} characters (max 255)`
			);
		}
		return value;
	};

	const checkLabels = (value: unknown): string[] => {
		if (!Array.isArray(value) || value.some((l) => typeof l !== 'string')) {
			throw badRequest(
				[],
				{ labels: 'data was not an array' },
				'fields.labels must be an array of strings'
			);
		}
		for (const label of value as string[]) {
			if (label === '' || /\s/.test(label)) {
				throw badRequest(
					[],
					{ labels: `The label '${label}' contains spaces which is invalid.` },
					`label "${label}" contains whitespace or is empty`
				);
			}
			if (label.length > 255) {
				throw badRequest(
					[],
					{
						labels: `The label '${label}' exceeds the maximum length for a single label of 255 characters.`
					},
					`label longer than 255 characters`
				);
			}
		}
		return [...new Set(value as string[])];
	};

	const checkPriority = (value: unknown): string => {
		if (!isRecord(value) || (typeof value.id !== 'string' && typeof value.name !== 'string')) {
			throw badRequest(
				[],
				{ priority: "Could not find valid 'id' or 'name' in priority object." },
				'fields.priority must be {"id"} or {"name"}'
			);
		}
		const p = priorities.find((x) => x.id === value.id || x.name === value.name);
		if (!p) {
			throw badRequest([], {
				priority: `Specify the Priority (id or name) in the format {"id" : "1"} or {"name" : "High"}. The priority ${JSON.stringify(value.id ?? value.name)} does not exist.`
			});
		}
		return p.id;
	};

	const checkUser = (value: unknown, field: string): JiraUser | null => {
		if (value === null) return null;
		const ref = isRecord(value)
			? mode === 'cloud'
				? (value.accountId ?? value.id)
				: (value.name ?? value.key)
			: undefined;
		if (typeof ref !== 'string') {
			throw badRequest(
				[],
				{ [field]: `Specify a valid value for ${field}` },
				mode === 'cloud'
					? `fields.${field} must be {"accountId"} (Cloud has no user names)`
					: `fields.${field} must be {"name"}`
			);
		}
		const user = people.find((u) => (mode === 'cloud' ? u.accountId === ref : u.name === ref));
		if (!user) throw badRequest([], { [field]: `User '${ref}' does not exist.` });
		return user;
	};

	const checkVisibility = (value: unknown): StoredComment['visibility'] => {
		if (value === undefined || value === null) return null;
		if (!isRecord(value) || typeof value.type !== 'string' || typeof value.value !== 'string') {
			throw badRequest(
				[],
				{ commentLevel: 'Invalid visibility' },
				'visibility needs type and value'
			);
		}
		if (value.type === 'role' && !ROLES.includes(value.value)) {
			throw badRequest([], {
				commentLevel: `You are currently not a member of the project role: ${value.value}.`
			});
		}
		return { type: value.type, value: value.value };
	};

	/** Validates and applies `fields` / `update` of a create or edit to `issue`; returns the changes. */
	const applyFields = (
		issue: StoredIssue,
		fields: Record<string, unknown>,
		update: Record<string, unknown>,
		api: 2 | 3,
		creating: boolean
	): ChangeItem[] => {
		const items: ChangeItem[] = [];
		const allowed = (f: string) => STANDARD_FIELDS.has(f) || issue.project.extraFields.has(f);
		const errors: Record<string, string> = {};
		for (const f of [...Object.keys(fields), ...Object.keys(update)]) {
			if (!allowed(f)) {
				errors[f] = `Field '${f}' cannot be set. It is not on the appropriate screen, or unknown.`;
			}
		}
		for (const f of Object.keys(update)) {
			if (f in fields) errors[f] = `Field '${f}' cannot be set in both 'fields' and 'update'.`;
		}
		if (Object.keys(errors).length > 0) {
			throw badRequest([], errors, `fields not on the screen: ${Object.keys(errors).join(', ')}`);
		}
		const set = (f: string): unknown => {
			if (f in fields) return fields[f];
			const ops = update[f] as Array<Record<string, unknown>> | undefined;
			if (!ops) return undefined;
			if (f === 'labels') {
				let labels = [...issue.labels];
				for (const op of ops) {
					if ('set' in op) labels = checkLabels(op.set);
					if ('add' in op) labels = [...new Set([...labels, ...checkLabels([op.add])])];
					if ('remove' in op) labels = labels.filter((l) => l !== op.remove);
				}
				return labels;
			}
			const op = ops.find((o) => 'set' in o);
			if (!op) {
				throw badRequest(
					[],
					{ [f]: `Field '${f}' only supports the 'set' operation here.` },
					`update.${f}: unsupported operation`
				);
			}
			return op.set;
		};

		const summary = set('summary');
		if (summary !== undefined || creating) {
			const next = checkSummary(summary);
			if (next !== issue.summary && !creating) {
				items.push(change('summary', null, issue.summary, null, next));
			}
			issue.summary = next;
		}
		for (const f of ['description', 'environment'] as const) {
			const value = set(f);
			if (value === undefined) continue;
			const next = value === null ? null : richValue(value, api, f, false);
			if (!creating) items.push(change(f, null, richText(issue[f]), null, richText(next)));
			issue[f] = next;
		}
		const labels = set('labels');
		if (labels !== undefined) {
			const next = labels === null ? [] : checkLabels(labels);
			if (!creating && next.join(' ') !== issue.labels.join(' ')) {
				items.push(change('labels', null, issue.labels.join(' '), null, next.join(' ')));
			}
			issue.labels = next;
		}
		const prio = set('priority');
		if (prio !== undefined) {
			const next = checkPriority(prio);
			if (!creating && next !== issue.priorityId) {
				items.push(
					change(
						'priority',
						issue.priorityId,
						priority(issue.priorityId).name,
						next,
						priority(next).name
					)
				);
			}
			issue.priorityId = next;
		}
		const assignee = set('assignee');
		if (assignee !== undefined) {
			const next = checkUser(assignee, 'assignee');
			if (!creating && userRef(next ?? me) !== userRef(issue.assignee ?? me)) {
				items.push(
					change(
						'assignee',
						issue.assignee ? userRef(issue.assignee) : null,
						issue.assignee?.displayName ?? null,
						next ? userRef(next) : null,
						next?.displayName ?? null
					)
				);
			}
			issue.assignee = next;
		}
		const reporter = set('reporter');
		if (reporter !== undefined) issue.reporter = checkUser(reporter, 'reporter') ?? issue.reporter;
		const duedate = set('duedate');
		if (duedate !== undefined) {
			if (
				duedate !== null &&
				(typeof duedate !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(duedate))
			) {
				throw badRequest(
					[],
					{ duedate: 'Error parsing date string: ' + String(duedate) },
					'fields.duedate must be yyyy-MM-dd'
				);
			}
			issue.duedate = duedate as string | null;
		}
		for (const f of issue.project.extraFields) {
			const value = set(f);
			if (value !== undefined) issue.extra[f] = structuredClone(value);
		}
		return items;
	};

	const checkProperties = (value: unknown): Array<[string, unknown]> => {
		if (value === undefined) return [];
		return (value as Array<{ key?: unknown; value?: unknown }>).map((p) => {
			if (typeof p.key !== 'string' || p.key === '' || p.value === undefined) {
				throw badRequest(
					['Property key and value are required.'],
					{},
					'properties[] need key and value'
				);
			}
			checkPropertySize(p.key, p.value);
			return [p.key, structuredClone(p.value)];
		});
	};

	const checkPropertySize = (key: string, value: unknown) => {
		if (key.length > 255) {
			throw badRequest(
				['The property key cannot be longer than 255 characters.'],
				{},
				'property key > 255 characters'
			);
		}
		if (JSON.stringify(value).length > 32768) {
			throw badRequest(
				['The property value cannot be longer than 32768 bytes.'],
				{},
				'property value > 32 KB'
			);
		}
	};

	// ----- search

	const userTimeParse = (text: string, field: string): number => {
		const rel = /^-?(\d+)([mhdw])$/.exec(text);
		if (rel) {
			const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[rel[2] as 'm'];
			return now() + (text.startsWith('-') ? -1 : 1) * Number(rel[1]) * unit;
		}
		if (/^\d{10,}$/.test(text)) return Number(text);
		const m = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(text);
		if (!m) {
			throw new JqlError(
				`Date value '${text}' for field '${field}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', 'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'.`,
				false
			);
		}
		return zonedToEpoch(
			timeZone,
			Number(m[1]),
			Number(m[2]),
			Number(m[3]),
			Number(m[4] ?? 0),
			Number(m[5] ?? 0)
		);
	};

	const propertyValue = (issue: StoredIssue, key: string, path: string): unknown => {
		let v: unknown = issue.properties.get(key);
		for (const seg of path.split('.')) v = isRecord(v) ? v[seg] : undefined;
		return v;
	};

	const clausePredicate = (c: JqlClause): ((issue: StoredIssue) => boolean) => {
		const field = c.field.toLowerCase();
		const values = Array.isArray(c.value) ? c.value : [c.value];
		const negate = c.op === '!=' || c.op === 'not in' || c.op === 'is not';
		const eqOps = ['=', '!=', 'in', 'not in'];
		const wrap = (match: (issue: StoredIssue) => boolean) => (issue: StoredIssue) =>
			negate ? !match(issue) : match(issue);
		const needEq = () => {
			if (!eqOps.includes(c.op)) {
				throw new JqlError(
					`The operator '${c.op}' is not supported by the '${c.field}' field.`,
					false
				);
			}
		};
		const prop = /^issue\.property\[([^\]]+)\]\.(.+)$/.exec(c.field);
		const alias = indexed.find((p) => p.alias?.toLowerCase() === field);
		if (prop || alias) {
			const def = alias ?? indexed.find((p) => p.propertyKey === prop![1] && p.path === prop![2]);
			if (!def) {
				throw new JqlError(
					`Field '${c.field}' does not exist or you do not have permission to view it.`,
					false
				);
			}
			if (c.op === 'is' || c.op === 'is not') {
				return wrap((i) => propertyValue(i, def.propertyKey, def.path) === undefined);
			}
			needEq();
			return wrap((i) => {
				const v = propertyValue(i, def.propertyKey, def.path);
				return v !== undefined && values.includes(String(v));
			});
		}
		switch (field) {
			case 'labels':
				if (c.op === 'is' || c.op === 'is not') return wrap((i) => i.labels.length === 0);
				needEq();
				// `labels != x` does not match issues without labels, as in Jira.
				return (i) =>
					negate
						? i.labels.length > 0 && !i.labels.some((l) => values.includes(l))
						: i.labels.some((l) => values.includes(l));
			case 'project': {
				needEq();
				const ids = values.map((v) => {
					const p = projects.find(
						(x) => x.key.toLowerCase() === v.toLowerCase() || x.id === v || x.name === v
					);
					if (!p)
						throw new JqlError(`The value '${v}' does not exist for the field 'project'.`, false);
					return p.id;
				});
				return wrap((i) => ids.includes(i.project.id));
			}
			case 'key':
			case 'issuekey':
			case 'id': {
				needEq();
				for (const v of values) {
					if (!findIssue(v)) {
						throw new JqlError(
							`An issue with key '${v}' does not exist for field '${c.field}'.`,
							false
						);
					}
				}
				return wrap((i) => values.some((v) => findIssue(v) === i));
			}
			case 'status': {
				needEq();
				const ids = values.map((v) => {
					const s = allStatuses().find(
						(x) => x.id === v || x.name.toLowerCase() === v.toLowerCase()
					);
					if (!s)
						throw new JqlError(`The value '${v}' does not exist for the field 'status'.`, false);
					return s.id;
				});
				return wrap((i) => ids.includes(i.statusId));
			}
			case 'statuscategory': {
				needEq();
				const keys = values.map((v) => {
					const cat = Object.entries(STATUS_CATEGORIES).find(
						([k, x]) => k === v || x.name.toLowerCase() === v.toLowerCase() || String(x.id) === v
					);
					if (!cat) {
						throw new JqlError(
							`The value '${v}' does not exist for the field 'statusCategory'.`,
							false
						);
					}
					return cat[0];
				});
				return wrap((i) => keys.includes(statusOf(i).category));
			}
			case 'issuetype':
			case 'type': {
				needEq();
				return wrap((i) =>
					values.some((v) => {
						const t = issueType(i.project, i.issueTypeId);
						return t.id === v || t.name.toLowerCase() === v.toLowerCase();
					})
				);
			}
			case 'priority':
				needEq();
				return wrap((i) =>
					values.some((v) => {
						const p = priority(i.priorityId);
						return p.id === v || p.name.toLowerCase() === v.toLowerCase();
					})
				);
			case 'resolution':
				if (c.op === 'is' || c.op === 'is not') return wrap((i) => i.resolution === null);
				needEq();
				return wrap((i) => values.some((v) => i.resolution?.name === v || i.resolution?.id === v));
			case 'updated':
			case 'created': {
				if (Array.isArray(c.value) || c.op === 'is' || c.op === 'is not') {
					throw new JqlError(
						`The operator '${c.op}' is not supported by the '${c.field}' field.`,
						false
					);
				}
				const at = userTimeParse(c.value, c.field);
				const get = (i: StoredIssue) => (field === 'updated' ? i.updated : i.created);
				const cmp: Record<string, (a: number) => boolean> = {
					'=': (a) => a === at,
					'!=': (a) => a !== at,
					'>': (a) => a > at,
					'>=': (a) => a >= at,
					'<': (a) => a < at,
					'<=': (a) => a <= at
				};
				return (i) => cmp[c.op]!(get(i));
			}
			default:
				throw new JqlError(
					`Field '${c.field}' does not exist or you do not have permission to view it. (The Jira stand-in supports project, key, labels, status, statusCategory, issuetype, priority, resolution, created, updated and indexed issue properties.)`,
					true
				);
		}
	};

	const runJql = (jql: string, opts: { bounded: boolean; reconcile: string[] }): StoredIssue[] => {
		let query: JqlQuery;
		try {
			query = parseJql(jql);
			if (opts.bounded && query.clauses.length === 0) {
				throw new JqlError(
					'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
					false
				);
			}
			const predicates = query.clauses.map(clausePredicate);
			for (const o of query.orderBy) {
				if (!['updated', 'created', 'key', 'id', 'priority'].includes(o.field)) {
					throw new JqlError(`ORDER BY ${o.field} is not supported by the Jira stand-in.`, true);
				}
			}
			const lag = options.searchIndexLagMs ?? 0;
			const visible = issues.filter(
				(i) =>
					(now() - i.created >= lag || opts.reconcile.includes(i.id)) &&
					predicates.every((p) => p(i))
			);
			const order =
				query.orderBy.length > 0 ? query.orderBy : [{ field: 'created', dir: 'desc' as const }];
			const value = (i: StoredIssue, f: string): number =>
				f === 'updated'
					? i.updated
					: f === 'created'
						? i.created
						: f === 'priority'
							? Number(i.priorityId)
							: Number(i.id);
			return visible.sort((a, b) => {
				for (const o of order) {
					const d = value(a, o.field) - value(b, o.field);
					if (d !== 0) return o.dir === 'asc' ? d : -d;
				}
				return Number(a.id) - Number(b.id);
			});
		} catch (err) {
			if (err instanceof JqlError) {
				throw badRequest(
					[err.message],
					{},
					err.unsupported
						? `JQL the stand-in does not understand: ${jql} (${err.message})`
						: `invalid JQL: ${jql} (${err.message})`
				);
			}
			throw err;
		}
	};

	const encodeToken = (offset: number, jql: string) =>
		Buffer.from(JSON.stringify({ o: offset, q: jql })).toString('base64url');
	const decodeToken = (token: string, jql: string): number => {
		try {
			const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
				o: number;
				q: string;
			};
			if (t.q === jql && Number.isInteger(t.o)) return t.o;
		} catch {
			// fall through
		}
		throw badRequest(
			['The provided next page token is invalid or expired.'],
			{},
			'nextPageToken from another query'
		);
	};

	// ----- handlers

	const handlers: Record<JiraOperation, (ctx: Ctx) => Reply> = {
		createIssue({ api, body }) {
			const {
				fields = {},
				update = {},
				properties,
				transition
			} = body as {
				fields?: Record<string, unknown>;
				update?: Record<string, unknown>;
				properties?: unknown;
				transition?: { id?: string };
			};
			const projectRef = isRecord(fields.project)
				? (fields.project.key ?? fields.project.id)
				: undefined;
			const project = typeof projectRef === 'string' ? findProject(projectRef) : undefined;
			if (!project) {
				throw badRequest(
					[],
					{ project: 'Specify a valid project ID or key' },
					projectRef === undefined ? 'fields.project {"key"} or {"id"} missing' : undefined
				);
			}
			if (!permissions.CREATE_ISSUES || !permissions.BROWSE_PROJECTS) {
				throw badRequest([], {
					project: 'You do not have permission to create issues in this project.'
				});
			}
			const typeRef = isRecord(fields.issuetype)
				? (fields.issuetype.id ?? fields.issuetype.name)
				: undefined;
			if (typeof typeRef !== 'string') {
				throw badRequest(
					[],
					{ issuetype: 'Specify an issue type' },
					'fields.issuetype {"id"} or {"name"} missing'
				);
			}
			const type = project.issueTypes.find((t) => t.id === typeRef || t.name === typeRef);
			if (!type) {
				throw badRequest([], { issuetype: 'Specify a valid issue type' });
			}
			const at = now();
			const issue: StoredIssue = {
				id: '',
				key: '',
				project,
				issueTypeId: type.id,
				summary: '',
				description: null,
				environment: null,
				labels: [],
				priorityId: defaultPriority().id,
				statusId: project.workflow.initial,
				statusChangedAt: at,
				resolution: null,
				resolutionDate: null,
				assignee: null,
				reporter: me,
				creator: me,
				duedate: null,
				extra: {},
				created: at,
				updated: at,
				comments: [],
				properties: new Map(),
				histories: []
			};
			const { project: _p, issuetype: _t, ...rest } = fields;
			checkCustomFields(project, type, rest, api);
			applyFields(issue, rest, update, api, true);
			for (const [k, v] of checkProperties(properties)) issue.properties.set(k, v);
			issue.id = String(nextIssueId++);
			issue.key = `${project.key}-${project.next++}`;
			let transitionResult: Record<string, unknown> | undefined;
			if (transition?.id) {
				const t = availableTransitions(issue).find((x) => x.id === transition.id);
				if (!t) {
					throw badRequest([`Transition id '${transition.id}' is not valid for this issue.`]);
				}
				applyTransition(issue, t, me);
				transitionResult = { status: 200, errorCollection: { errorMessages: [], errors: {} } };
			}
			issues.push(issue);
			emit('jira:issue_created', () => ({
				issue_event_type_name: 'issue_created',
				user: renderUser(me, 2),
				issue: webhookIssue(issue)
			}));
			return {
				status: 201,
				body: {
					id: issue.id,
					key: issue.key,
					self: `${apiBase(api)}/issue/${issue.id}`,
					...(transitionResult ? { transition: transitionResult } : {})
				}
			};
		},

		getIssue({ api, params, query }) {
			const issue = mustIssue(params[0]!);
			return {
				status: 200,
				body: renderIssue(issue, api, {
					fields: listParam(query, 'fields'),
					fallback: '*all',
					expand: listParam(query, 'expand') ?? [],
					properties: listParam(query, 'properties') ?? []
				})
			};
		},

		// Cloud's paged changelog, oldest first: `startAt` / `maxResults` (capped at the page size),
		// `total`, `isLast`, and `nextPage` while there is more.
		getChangeLogs({ api, params, query }) {
			const issue = mustIssue(params[0]!);
			const startAt = Math.max(0, Number(query.get('startAt') ?? 0) || 0);
			const asked = Number(query.get('maxResults') ?? 100) || 100;
			const maxResults = Math.max(1, Math.min(asked, options.changelogPageSize ?? 100));
			const values = issue.histories.slice(startAt, startAt + maxResults);
			const total = issue.histories.length;
			const isLast = startAt + values.length >= total;
			const page = (at: number) =>
				`${apiBase(api)}/issue/${issue.key}/changelog?startAt=${at}&maxResults=${maxResults}`;
			return {
				status: 200,
				body: {
					self: page(startAt),
					...(isLast ? {} : { nextPage: page(startAt + values.length) }),
					maxResults,
					startAt,
					total,
					isLast,
					values: values.map((h) => renderHistory(h, api))
				}
			};
		},

		editIssue({ api, params, body, query }) {
			const issue = mustIssue(params[0]!);
			if (!permissions.EDIT_ISSUES) {
				throw new JiraError(403, ['You do not have permission to edit issues in this project.']);
			}
			const {
				fields = {},
				update = {},
				properties
			} = body as {
				fields?: Record<string, unknown>;
				update?: Record<string, unknown>;
				properties?: unknown;
			};
			for (const f of ['project', 'issuetype']) {
				if (f in fields) {
					throw badRequest(
						[],
						{ [f]: `Field '${f}' cannot be set. It is not on the appropriate screen, or unknown.` },
						`editIssue cannot change ${f}`
					);
				}
			}
			// Validate on a copy so a refused edit changes nothing.
			const target: StoredIssue = { ...issue, extra: structuredClone(issue.extra) };
			const items = applyFields(target, fields, update, api, false);
			const props = checkProperties(properties);
			Object.assign(issue, {
				summary: target.summary,
				description: target.description,
				environment: target.environment,
				labels: target.labels,
				priorityId: target.priorityId,
				assignee: target.assignee,
				reporter: target.reporter,
				duedate: target.duedate,
				extra: target.extra
			});
			for (const [k, v] of props) issue.properties.set(k, v);
			issue.updated = now();
			if (items.length > 0) emitIssueUpdated(issue, me, items);
			if (query.get('returnIssue') === 'true' && mode === 'cloud') {
				return {
					status: 200,
					body: renderIssue(issue, api, {
						fields: null,
						fallback: '*all',
						expand: [],
						properties: []
					})
				};
			}
			return { status: 204 };
		},

		deleteIssue({ params }) {
			const issue = mustIssue(params[0]!);
			if (!permissions.DELETE_ISSUES) {
				throw new JiraError(403, ['You do not have permission to delete issues in this project.']);
			}
			removeIssue(issue, me);
			return { status: 204 };
		},

		getTransitions({ api, params, query }) {
			const issue = mustIssue(params[0]!);
			const only = query.get('transitionId');
			const withFields = (query.get('expand') ?? '').includes('transitions.fields');
			return {
				status: 200,
				body: {
					expand: 'transitions',
					transitions: availableTransitions(issue)
						.filter((t) => !only || t.id === only)
						.map((t) => renderTransition(issue, t, api, withFields))
				}
			};
		},

		doTransition({ api, params, body }) {
			const issue = mustIssue(params[0]!);
			const {
				transition,
				fields = {},
				update = {}
			} = body as {
				transition?: { id?: unknown; name?: unknown };
				fields?: Record<string, unknown>;
				update?: Record<string, unknown>;
			};
			if (!transition || typeof transition.id !== 'string') {
				throw badRequest(
					["Missing 'transition' identifier"],
					{},
					'transition.id missing (a string)'
				);
			}
			const t = availableTransitions(issue).find((x) => x.id === transition.id);
			if (!t) throw badRequest([`Transition id '${transition.id}' is not valid for this issue.`]);
			const target = issue.project.workflow.statuses.find((s) => s.id === t.to)!;
			const errors: Record<string, string> = {};
			for (const f of [...Object.keys(fields), ...Object.keys(update)]) {
				if (f === 'resolution' && target.category === 'done') continue;
				if (f === 'comment' && f in update) continue;
				errors[f] = `Field '${f}' cannot be set. It is not on the appropriate screen, or unknown.`;
			}
			if (Object.keys(errors).length > 0) {
				throw badRequest(
					[],
					errors,
					`transition ${t.id} has no screen for: ${Object.keys(errors).join(', ')}`
				);
			}
			let resolution: string | undefined;
			if (fields.resolution !== undefined) {
				const r = fields.resolution as { id?: string; name?: string };
				const found = RESOLUTIONS.find((x) => x.id === r?.id || x.name === r?.name);
				if (!found) throw badRequest([], { resolution: 'The resolution selected is invalid.' });
				resolution = found.id;
			}
			const commentOps = (update.comment ?? []) as Array<{
				add?: { body?: unknown; visibility?: unknown };
			}>;
			const pending = commentOps.map((op) => ({
				body: richValue(op.add?.body, api, 'comment', true),
				visibility: checkVisibility(op.add?.visibility)
			}));
			const items = applyTransition(issue, t, me, resolution);
			for (const c of pending)
				emitComment('comment_created', issue, addComment(issue, me, c.body, c.visibility));
			emitIssueUpdated(issue, me, items);
			return { status: 204 };
		},

		getComments({ api, params, query }) {
			const issue = mustIssue(params[0]!);
			const startAt = Number(query.get('startAt') ?? 0);
			const maxResults = Math.min(Number(query.get('maxResults') ?? 100), 5000);
			const orderBy = query.get('orderBy');
			if (orderBy && !['created', '+created', '-created'].includes(orderBy)) {
				throw badRequest(
					[`Invalid orderBy parameter: ${orderBy}`],
					{},
					`getComments orderBy=${orderBy}`
				);
			}
			const list = [...issue.comments];
			if (orderBy === '-created') list.reverse();
			return {
				status: 200,
				body: {
					startAt,
					maxResults,
					total: list.length,
					comments: list
						.slice(startAt, startAt + maxResults)
						.map((c) => renderComment(issue, c, api))
				}
			};
		},

		addComment({ api, params, body }) {
			const issue = mustIssue(params[0]!);
			if (!permissions.ADD_COMMENTS) {
				throw new JiraError(403, ['You do not have the permission to comment on this issue.']);
			}
			const b = body as { body?: unknown; visibility?: unknown };
			if (b.body === undefined || b.body === '') {
				throw badRequest([], { comment: 'Comment body can not be empty!' }, 'comment body missing');
			}
			const rich = richValue(b.body, api, 'body', true);
			if (richText(rich).length > 32767) {
				throw badRequest(
					[],
					{
						comment:
							'The entered text is too long. It exceeds the allowed limit of 32,767 characters.'
					},
					'comment longer than 32,767 characters'
				);
			}
			const c = addComment(issue, me, rich, checkVisibility(b.visibility));
			emitComment('comment_created', issue, c);
			return { status: 201, body: renderComment(issue, c, api) };
		},

		getComment({ api, params }) {
			const issue = mustIssue(params[0]!);
			const c = issue.comments.find((x) => x.id === params[1]);
			if (!c) throw new JiraError(404, [`Can not find a comment for the id: ${params[1]}.`]);
			return { status: 200, body: renderComment(issue, c, api) };
		},

		updateComment({ api, params, body }) {
			const issue = mustIssue(params[0]!);
			const c = issue.comments.find((x) => x.id === params[1]);
			if (!c) throw new JiraError(404, [`Can not find a comment for the id: ${params[1]}.`]);
			if (userRef(c.author) !== userRef(me) && !permissions.EDIT_ALL_COMMENTS) {
				throw badRequest(['You do not have the permission to edit this comment.']);
			}
			const b = body as { body?: unknown; visibility?: unknown };
			if (b.body === undefined || b.body === '') {
				throw badRequest([], { comment: 'Comment body can not be empty!' }, 'comment body missing');
			}
			c.body = richValue(b.body, api, 'body', true);
			if (b.visibility !== undefined) c.visibility = checkVisibility(b.visibility);
			c.updateAuthor = me;
			c.updated = now();
			issue.updated = c.updated;
			emitComment('comment_updated', issue, c);
			return { status: 200, body: renderComment(issue, c, api) };
		},

		getIssuePropertyKeys({ api, params }) {
			const issue = mustIssue(params[0]!);
			return {
				status: 200,
				body: {
					keys: [...issue.properties.keys()].map((key) => ({
						self: `${apiBase(api)}/issue/${issue.id}/properties/${encodeURIComponent(key)}`,
						key
					}))
				}
			};
		},

		getIssueProperty({ params }) {
			const issue = mustIssue(params[0]!);
			const key = decodeURIComponent(params[1]!);
			if (!issue.properties.has(key)) {
				throw new JiraError(404, [`The property with key '${key}' does not exist.`]);
			}
			return { status: 200, body: { key, value: issue.properties.get(key) } };
		},

		setIssueProperty({ params, body }) {
			const issue = mustIssue(params[0]!);
			const key = decodeURIComponent(params[1]!);
			if (body === undefined) {
				throw badRequest(
					['The property value cannot be empty.'],
					{},
					'setIssueProperty without a JSON body'
				);
			}
			checkPropertySize(key, body);
			const existed = issue.properties.has(key);
			issue.properties.set(key, structuredClone(body));
			return { status: existed ? 200 : 201 };
		},

		deleteIssueProperty({ params }) {
			const issue = mustIssue(params[0]!);
			const key = decodeURIComponent(params[1]!);
			if (!issue.properties.delete(key)) {
				throw new JiraError(404, [`The property with key '${key}' does not exist.`]);
			}
			return { status: 204 };
		},

		getCreateIssueMetaIssueTypes({ api, params }) {
			const project = findProject(decodeURIComponent(params[0]!));
			if (!project)
				throw new JiraError(404, [`No project could be found with key '${params[0]}'.`]);
			const types = project.issueTypes.map((t) => renderIssueType(t, api));
			return {
				status: 200,
				body:
					mode === 'cloud'
						? { maxResults: 50, startAt: 0, total: types.length, issueTypes: types }
						: { maxResults: 50, startAt: 0, total: types.length, isLast: true, values: types }
			};
		},

		getCreateIssueMetaIssueTypeId({ api, params, query }) {
			const project = findProject(decodeURIComponent(params[0]!));
			if (!project)
				throw new JiraError(404, [`No project could be found with key '${params[0]}'.`]);
			const type = project.issueTypes.find((t) => t.id === decodeURIComponent(params[1]!));
			if (!type) throw new JiraError(404, [`Issue type with id '${params[1]}' does not exist.`]);
			const startAt = query.has('startAt') ? Number(query.get('startAt')) : 0;
			const maxResults = query.has('maxResults') ? Number(query.get('maxResults')) : 50;
			if (maxResults > 200)
				throw badRequest(["Parameter 'maxResults' must not exceed the limit '200'"]);
			const all = createMetaFields(project, type, api);
			const page = all.slice(startAt, startAt + maxResults);
			return {
				status: 200,
				body:
					mode === 'cloud'
						? { maxResults, startAt, total: all.length, fields: page }
						: {
								maxResults,
								startAt,
								total: all.length,
								isLast: startAt + page.length >= all.length,
								values: page
							}
			};
		},

		searchAndReconsileIssuesUsingJql({ api, query }) {
			return enhancedSearch(api, {
				jql: query.get('jql') ?? '',
				nextPageToken: query.get('nextPageToken') ?? undefined,
				maxResults: query.has('maxResults') ? Number(query.get('maxResults')) : undefined,
				fields: listParam(query, 'fields'),
				expand: listParam(query, 'expand') ?? [],
				properties: listParam(query, 'properties') ?? [],
				reconcile: listParam(query, 'reconcileIssues') ?? []
			});
		},

		searchAndReconsileIssuesUsingJqlPost({ api, body }) {
			const b = body as Record<string, unknown>;
			return enhancedSearch(api, {
				jql: typeof b.jql === 'string' ? b.jql : '',
				nextPageToken: typeof b.nextPageToken === 'string' ? b.nextPageToken : undefined,
				maxResults: typeof b.maxResults === 'number' ? b.maxResults : undefined,
				fields: listBody(b.fields),
				expand: listBody(b.expand) ?? [],
				properties: listBody(b.properties) ?? [],
				reconcile: (listBody(b.reconcileIssues) ?? []).map(String)
			});
		},

		searchForIssuesUsingJql({ api, query }) {
			return classicSearch(api, {
				jql: query.get('jql') ?? '',
				startAt: Number(query.get('startAt') ?? 0),
				maxResults: query.has('maxResults') ? Number(query.get('maxResults')) : 50,
				fields: listParam(query, 'fields'),
				expand: listParam(query, 'expand') ?? [],
				properties: listParam(query, 'properties') ?? []
			});
		},

		searchForIssuesUsingJqlPost({ api, body }) {
			const b = body as Record<string, unknown>;
			return classicSearch(api, {
				jql: typeof b.jql === 'string' ? b.jql : '',
				startAt: typeof b.startAt === 'number' ? b.startAt : 0,
				maxResults: typeof b.maxResults === 'number' ? b.maxResults : 50,
				fields: listBody(b.fields),
				expand: listBody(b.expand) ?? [],
				properties: listBody(b.properties) ?? []
			});
		},

		getCurrentUser({ api }) {
			const user = renderUser(me, api);
			return {
				status: 200,
				body:
					mode === 'cloud'
						? {
								...user,
								locale: 'en_US',
								groups: { size: 1, items: [] },
								applicationRoles: { size: 1, items: [] },
								expand: 'groups,applicationRoles'
							}
						: {
								...user,
								locale: 'en_US',
								groups: { size: 1, items: [] },
								applicationRoles: { size: 1, items: [] },
								expand: 'groups,applicationRoles'
							}
			};
		},

		getProject({ api, params }) {
			const ref = decodeURIComponent(params[0]!);
			const project = findProject(ref);
			if (!project || !permissions.BROWSE_PROJECTS) {
				throw new JiraError(404, [`No project could be found with key '${ref}'.`]);
			}
			return {
				status: 200,
				body: {
					expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
					self: `${apiBase(api)}/project/${project.id}`,
					id: project.id,
					key: project.key,
					description: '',
					lead: renderUser(me, api, false),
					components: [],
					issueTypes: project.issueTypes.map((t) => renderIssueType(t, api)),
					assigneeType: 'UNASSIGNED',
					versions: [],
					name: project.name,
					roles: Object.fromEntries(
						ROLES.map((r, i) => [r, `${apiBase(api)}/project/${project.id}/role/${10002 + i}`])
					),
					avatarUrls: projectAvatars(project),
					projectTypeKey: 'software',
					simplified: false,
					style: 'classic',
					isPrivate: false,
					properties: {}
				}
			};
		},

		getMyPermissions({ query }) {
			const wanted = listParam(query, 'permissions');
			if (!wanted && mode === 'cloud') {
				throw badRequest(
					["Parameter 'permissions' is required."],
					{},
					'getMyPermissions without permissions='
				);
			}
			const keys = wanted ?? Object.keys(PERMISSIONS);
			const unknown = keys.filter((k) => !(k in PERMISSIONS));
			if (unknown.length > 0) {
				throw badRequest(
					[`Permission key(s) ${unknown.join(', ')} are invalid.`],
					{},
					`unknown permission keys ${unknown.join(', ')}`
				);
			}
			for (const p of ['projectKey', 'issueKey']) {
				const ref = query.get(p);
				if (ref && !(p === 'projectKey' ? findProject(ref) : findIssue(ref))) {
					throw new JiraError(404, [
						p === 'projectKey'
							? `No project could be found with key '${ref}'.`
							: 'Issue does not exist or you do not have permission to see it.'
					]);
				}
			}
			return {
				status: 200,
				body: {
					permissions: Object.fromEntries(
						keys.map((k) => {
							const p = PERMISSIONS[k]!;
							return [
								k,
								{
									id: p.id,
									key: k,
									name: p.name,
									type: p.type,
									description: `Ability to ${p.name.toLowerCase()}.`,
									havePermission: permissions[k] ?? false
								}
							];
						})
					)
				}
			};
		},

		getPriorities({ api }) {
			return {
				status: 200,
				body: priorities.map((p) => ({
					...renderPriority(p, api),
					statusColor: p.statusColor ?? '#cccccc',
					description: `${p.name} priority`
				}))
			};
		},

		searchPriorities({ api }) {
			const values = priorities.map((p) => ({
				...renderPriority(p, api),
				statusColor: p.statusColor ?? '#cccccc',
				description: `${p.name} priority`,
				isDefault: p === defaultPriority()
			}));
			return {
				status: 200,
				body: { maxResults: 50, startAt: 0, total: values.length, isLast: true, values }
			};
		},

		// Every issue type of a project shares its one workflow here; Jira lists the statuses per type.
		getAllStatuses({ api, params }) {
			const ref = decodeURIComponent(params[0]!);
			const project = findProject(ref);
			if (!project || !permissions.BROWSE_PROJECTS) {
				throw new JiraError(404, [`No project could be found with key '${ref}'.`]);
			}
			return {
				status: 200,
				body: project.issueTypes.map((t) => ({
					self: `${apiBase(api)}/issuetype/${t.id}`,
					id: t.id,
					name: t.name,
					subtask: false,
					statuses: project.workflow.statuses.map((s) => renderStatus(s, api))
				}))
			};
		},

		getIssueAllTypes({ api }) {
			const seen = new Map<string, IssueTypeConfig>();
			for (const p of projects) for (const t of p.issueTypes) seen.set(t.id, t);
			return { status: 200, body: [...seen.values()].map((t) => renderIssueType(t, api)) };
		},

		getStatuses({ api }) {
			return { status: 200, body: allStatuses().map((s) => renderStatus(s, api)) };
		},

		getServerInfo() {
			return {
				status: 200,
				body:
					mode === 'cloud'
						? {
								baseUrl: url,
								version: '1001.0.0-SNAPSHOT',
								versionNumbers: [1001, 0, 0],
								deploymentType: 'Cloud',
								buildNumber: 100289,
								buildDate: '2025-12-01T00:00:00.000+0000',
								serverTime: jiraDate(now()),
								scmInfo: '57a0ca5b4a0bb0ac5f3fee4764acb1c14e4d7e71',
								serverTitle: 'Jira'
							}
						: {
								baseUrl: url,
								version: '9.12.15',
								versionNumbers: [9, 12, 15],
								deploymentType: 'Server',
								buildNumber: 9120015,
								buildDate: '2024-10-01T00:00:00.000+0000',
								serverTime: jiraDate(now()),
								scmInfo: 'f0c6fd8b1d8c4a3e5c5c9d1c7b8e2a4f6d3b1e0a',
								serverTitle: 'Jira'
							}
			};
		}
	};

	const checkPaging = (maxResults: number, startAt: number) => {
		if (!Number.isInteger(maxResults) || maxResults < 0) {
			throw badRequest(
				[`Invalid maxResults: ${maxResults}`],
				{},
				'maxResults must be a non-negative integer'
			);
		}
		if (!Number.isInteger(startAt) || startAt < 0) {
			throw badRequest(
				[`Invalid startAt: ${startAt}`],
				{},
				'startAt must be a non-negative integer'
			);
		}
	};

	const enhancedSearch = (
		api: 2 | 3,
		q: {
			jql: string;
			nextPageToken?: string;
			maxResults?: number;
			fields: string[] | null;
			expand: string[];
			properties: string[];
			reconcile: string[];
		}
	): Reply => {
		if (q.properties.length > 5) {
			throw badRequest(
				['A maximum of 5 issue properties can be requested.'],
				{},
				'more than 5 properties'
			);
		}
		checkPaging(q.maxResults ?? 50, 0);
		const found = runJql(q.jql, { bounded: true, reconcile: q.reconcile });
		const idOnly = !q.fields || q.fields.every((f) => f === 'id' || f === 'key');
		const limit = Math.max(1, Math.min(q.maxResults ?? 50, idOnly ? 5000 : 100));
		const offset = q.nextPageToken ? decodeToken(q.nextPageToken, q.jql) : 0;
		const page = found.slice(offset, offset + limit);
		const isLast = offset + limit >= found.length;
		return {
			status: 200,
			body: {
				issues: page.map((i) =>
					renderIssue(i, api, {
						fields: q.fields,
						fallback: 'id',
						expand: q.expand,
						properties: q.properties,
						idOnlyShape: true
					})
				),
				...(isLast ? {} : { nextPageToken: encodeToken(offset + limit, q.jql) }),
				isLast
			}
		};
	};

	const classicSearch = (
		api: 2 | 3,
		q: {
			jql: string;
			startAt: number;
			maxResults: number;
			fields: string[] | null;
			expand: string[];
			properties: string[];
		}
	): Reply => {
		if (mode === 'cloud') {
			throw new JiraError(
				410,
				[
					'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046'
				],
				{},
				'Jira Cloud removed /search; use /search/jql'
			);
		}
		checkPaging(q.maxResults, q.startAt);
		const found = runJql(q.jql, { bounded: false, reconcile: [] });
		const limit = Math.max(0, Math.min(q.maxResults, 1000));
		return {
			status: 200,
			body: {
				expand: 'schema,names',
				startAt: q.startAt,
				maxResults: limit,
				total: found.length,
				issues: found.slice(q.startAt, q.startAt + limit).map((i) =>
					renderIssue(i, api, {
						fields: q.fields,
						fallback: '*navigable',
						expand: q.expand,
						properties: q.properties
					})
				)
			}
		};
	};

	const removeIssue = (issue: StoredIssue, by: JiraUser): JiraWebhookEvent => {
		const event = emit('jira:issue_deleted', () => ({
			issue_event_type_name: 'issue_deleted',
			user: renderUser(by, 2),
			issue: webhookIssue(issue)
		}));
		issues.splice(issues.indexOf(issue), 1);
		return event;
	};

	// ----- HTTP

	const send = (res: ServerResponse, reply: Reply) => {
		const headers: Record<string, string> = {
			'x-arequestid': `${Math.floor(now() / 1000) % 100000}x${requests.length}x1`,
			...reply.headers
		};
		if (reply.body === undefined || reply.status === 204) {
			res.writeHead(reply.status, headers).end();
			return;
		}
		if (typeof reply.body === 'string') {
			res.writeHead(reply.status, { 'content-type': 'text/plain;charset=UTF-8', ...headers });
			res.end(reply.body);
			return;
		}
		res
			.writeHead(reply.status, { 'content-type': JSON_TYPE, ...headers })
			.end(JSON.stringify(reply.body));
	};

	const authorized = (req: IncomingMessage): boolean => {
		const header = req.headers.authorization ?? '';
		if (mode === 'cloud') {
			const basic = /^Basic (.+)$/i.exec(header)?.[1];
			if (!basic) return false;
			return Buffer.from(basic, 'base64').toString('utf8') === `${email}:${apiToken}`;
		}
		return header === `Bearer ${pat}`;
	};

	const unauthorized = (): Reply => ({
		status: 401,
		headers: {
			'www-authenticate':
				mode === 'cloud'
					? 'Basic realm="protected-area"'
					: 'OAuth realm="https%3A%2F%2Fjira.contoso.local"',
			'x-seraph-loginreason': 'AUTHENTICATED_FAILED'
		},
		body:
			options.unauthorizedBody === 'text'
				? 'Client must be authenticated to access this resource.'
				: {
						errorMessages: [
							'You are not authenticated. Authentication required to perform this operation.'
						],
						errors: {}
					}
	});

	const faultReply = (fault: Extract<JiraFault, { kind: 'status' | 'rate_limited' }>): Reply => {
		if (fault.kind === 'rate_limited') {
			const seconds = fault.retryAfterSeconds ?? 5;
			return {
				status: 429,
				headers: {
					'retry-after': String(seconds),
					'x-ratelimit-limit': '350',
					'x-ratelimit-remaining': '0',
					'x-ratelimit-reset': new Date(now() + seconds * 1000).toISOString(),
					'ratelimit-reason': fault.reason ?? 'jira-quota-global-based'
				},
				body: { errorMessages: ['Rate limit exceeded.'], errors: {} }
			};
		}
		const body =
			fault.body ??
			({
				errorMessages: [
					fault.status === 503
						? 'Service Unavailable'
						: fault.status >= 500
							? 'Internal server error'
							: `HTTP ${fault.status}`
				],
				errors: {}
			} as const);
		return {
			status: fault.status,
			headers: {
				...(typeof body === 'string'
					? { 'content-type': fault.contentType ?? 'text/html;charset=UTF-8' }
					: {}),
				...fault.headers
			},
			body
		};
	};

	const takeFault = (record: JiraRequest): JiraFault | null => {
		const entry = faults.find((f) => {
			const m = f.match;
			const ops = m.operation === undefined ? null : [m.operation].flat();
			if (ops && (!record.operation || !ops.includes(record.operation))) return false;
			if (m.method && m.method.toUpperCase() !== record.method) return false;
			if (typeof m.path === 'string' && m.path !== record.path) return false;
			if (m.path instanceof RegExp && !m.path.test(record.path)) return false;
			return true;
		});
		if (!entry) return null;
		entry.remaining--;
		if (entry.remaining <= 0) faults = faults.filter((f) => f !== entry);
		return entry.fault;
	};

	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		const full = new URL(req.url ?? '/', 'http://standin');
		const method = req.method ?? 'GET';
		const rawBody = await readBody(req);
		let body: unknown;
		let bodyIsJson = true;
		if (rawBody !== '') {
			try {
				body = JSON.parse(rawBody);
			} catch {
				body = rawBody;
				bodyIsJson = false;
			}
		}
		const m = /^\/rest\/api\/(2|3)(\/.*)$/.exec(full.pathname);
		const api = m ? (Number(m[1]) as 2 | 3) : null;
		const rel = m?.[2] ?? '';
		let matched: { route: Route; params: string[] } | null = null;
		if (api !== null) {
			for (const r of STANDIN_ROUTES) {
				const hit = r.method === method ? r.pattern.exec(rel) : null;
				if (hit) {
					matched = { route: r, params: hit.slice(1) };
					break;
				}
			}
		}
		const record: JiraRequest = {
			method,
			path: full.pathname,
			query: Object.fromEntries(full.searchParams),
			rawQuery: full.search.replace(/^\?/, ''),
			headers: req.headers,
			body,
			rawBody,
			at: now(),
			api: api === null ? null : (String(api) as '2' | '3'),
			operation: matched?.route.operation ?? null,
			status: null,
			fault: null
		};
		requests.push(record);
		const where = `${method} ${full.pathname}`;
		const violate = (message: string) => violations.push(`${where}: ${message}`);

		const fault = takeFault(record);
		record.fault = fault?.kind ?? null;
		if (fault?.kind === 'drop') {
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'hang') return;
		if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.ms));
		if (fault?.kind === 'status' || fault?.kind === 'rate_limited') {
			const reply = faultReply(fault);
			record.status = reply.status;
			send(res, reply);
			return;
		}

		const reply = ((): Reply => {
			if (!authorized(req)) return unauthorized();
			if (api === null || (mode === 'datacenter' && api === 3)) {
				violate(`no such endpoint on Jira ${mode === 'cloud' ? 'Cloud' : 'Data Center'}`);
				return {
					status: 404,
					body: { message: `null for uri: ${url}${full.pathname}`, 'status-code': 404 }
				};
			}
			if (!matched || (matched.route.modes && !matched.route.modes.includes(mode))) {
				violate('endpoint not served (unknown to Jira or to the stand-in)');
				return {
					status: 404,
					body: { message: `null for uri: ${url}${full.pathname}`, 'status-code': 404 }
				};
			}
			const { route: r, params } = matched;
			if (method === 'POST' || method === 'PUT') {
				const type = String(req.headers['content-type'] ?? '')
					.split(';')[0]!
					.trim()
					.toLowerCase();
				if (rawBody !== '' && type !== 'application/json') {
					violate(`content-type "${type}" (Jira wants application/json)`);
					if (
						['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data'].includes(
							type
						)
					) {
						return { status: 403, body: 'XSRF check failed' };
					}
					return { status: 415, body: { errorMessages: ['Unsupported Media Type'], errors: {} } };
				}
				if (!bodyIsJson) {
					violate('body is not JSON');
					return {
						status: 400,
						body: { errorMessages: ['Unexpected character in JSON body.'], errors: {} }
					};
				}
				if (body !== undefined && r.operation !== 'setIssueProperty') {
					const errors = spec.request(r.template, method, body);
					if (errors) {
						const detail = ajvErrorsToJira(errors);
						violate(`body does not match the OpenAPI request schema: ${JSON.stringify(detail)}`);
						return {
							status: 400,
							body: {
								errorMessages: [
									'Invalid request payload. Refer to the REST API documentation and try again.'
								],
								errors: detail
							}
						};
					}
				}
			}
			try {
				return handlers[r.operation]({
					api,
					params,
					query: full.searchParams,
					// Only a property PUT may have no body (and is refused for it).
					body: r.operation === 'setIssueProperty' ? body : (body ?? {}),
					operation: r.operation
				});
			} catch (err) {
				if (err instanceof JiraError) {
					if (err.violation) violate(err.violation);
					return { status: err.status, body: err.body() };
				}
				throw err;
			}
		})();

		if (matched && reply.status < 300 && reply.body !== undefined) {
			const problem = spec.response(matched.route.template, method, reply.status, reply.body);
			if (problem) responseViolations.push(`${where} ${reply.status}: ${problem}`);
		}
		if (fault?.kind === 'commit_then_drop') {
			req.socket.destroy();
			return;
		}
		record.status = reply.status;
		send(res, reply);
	};

	const server = createServer((req, res) => {
		handle(req, res).catch((err: unknown) => {
			if (req.destroyed || res.destroyed) return; // the client went away mid-request
			responseViolations.push(`stand-in crashed on ${req.method} ${req.url}: ${String(err)}`);
			if (!res.headersSent) {
				res.writeHead(500, { 'content-type': JSON_TYPE });
				res.end(JSON.stringify({ errorMessages: ['Internal server error'], errors: {} }));
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	// ----- changes by people in Jira

	const person = (user: JiraUser | string) => findUser(user);
	const existing = (key: string) => {
		const issue = findIssue(key);
		if (!issue) throw new Error(`jira stand-in: no issue ${key}`);
		return issue;
	};

	return {
		url,
		mode,
		email,
		apiToken,
		pat,
		user: me,
		requests,
		requestsTo: (operation) => requests.filter((r) => r.operation === operation),
		violations,
		responseViolations,
		webhookEvents,
		transitionsApplied,
		issue: (ref) => {
			const issue = findIssue(ref);
			return issue ? snapshot(issue) : undefined;
		},
		issues: () => issues.map(snapshot),
		comments: (key) => existing(key).comments.map(snapshotComment),
		properties: (key) => Object.fromEntries(structuredClone([...existing(key).properties])),
		failNext(fault, match = {}) {
			const { times = 1, ...rest } = match;
			faults.push({ fault, match: rest, remaining: times });
		},
		clearFaults() {
			faults = [];
		},
		pendingFaults: () => faults.reduce((n, f) => n + f.remaining, 0),
		setWorkflow(projectKey, workflow) {
			const project = findProject(projectKey);
			if (!project) throw new Error(`jira stand-in: no project ${projectKey}`);
			project.workflow = resolveWorkflow(workflow);
		},
		setPermission(key, granted) {
			permissions[key] = granted;
		},
		transitionAs(user, key, transition, opts = {}) {
			const by = person(user);
			const issue = existing(key);
			const t = issue.project.workflow.transitions.find(
				(x) =>
					(x.id === transition || x.name === transition) &&
					(x.from === null ? x.to !== issue.statusId : x.from.includes(issue.statusId))
			);
			if (!t) throw new Error(`jira stand-in: transition "${transition}" not available for ${key}`);
			return emitIssueUpdated(issue, by, applyTransition(issue, t, by, opts.resolution));
		},
		commentAs(user, key, text) {
			const by = person(user);
			const issue = existing(key);
			const body: Rich = mode === 'cloud' ? { adf: textToAdf(text) } : { wiki: text };
			const c = addComment(issue, by, body, null);
			return { commentId: c.id, webhook: emitComment('comment_created', issue, c) };
		},
		editCommentAs(user, key, commentId, text) {
			const by = person(user);
			const issue = existing(key);
			const c = issue.comments.find((x) => x.id === commentId);
			if (!c) throw new Error(`jira stand-in: no comment ${commentId} on ${key}`);
			c.body = mode === 'cloud' ? { adf: textToAdf(text) } : { wiki: text };
			c.updateAuthor = by;
			c.updated = now();
			issue.updated = c.updated;
			return emitComment('comment_updated', issue, c);
		},
		updateIssueAs(user, key, changes) {
			const by = person(user);
			const issue = existing(key);
			const items: ChangeItem[] = [];
			if (changes.summary !== undefined && changes.summary !== issue.summary) {
				items.push(change('summary', null, issue.summary, null, changes.summary));
				issue.summary = changes.summary;
			}
			if (changes.labels !== undefined) {
				items.push(change('labels', null, issue.labels.join(' '), null, changes.labels.join(' ')));
				issue.labels = [...changes.labels];
			}
			if (changes.priority !== undefined) {
				const p = priorities.find((x) => x.name === changes.priority || x.id === changes.priority);
				if (!p) throw new Error(`jira stand-in: no priority ${changes.priority}`);
				items.push(
					change('priority', issue.priorityId, priority(issue.priorityId).name, p.id, p.name)
				);
				issue.priorityId = p.id;
			}
			issue.updated = now();
			return emitIssueUpdated(issue, by, items);
		},
		deleteIssueAs(user, key) {
			return removeIssue(existing(key), person(user));
		},
		close() {
			server.closeAllConnections();
			return new Promise((resolve, reject) =>
				server.close((err) => (err ? reject(err) : resolve()))
			);
		}
	};
}

// ---------------------------------------------------------------------------------------------
// Webhook delivery

export interface WebhookDeliveryOptions {
	/** Jira Cloud cannot set headers on a webhook: the shared secret goes in the URL as ?secret=. */
	secret?: string;
	/** When the webhook has a secret configured in Jira: X-Hub-Signature: sha256=<HMAC of the raw body>. */
	hmacSecret?: string;
	/** Extra or replacement headers (e.g. what a proxy adds). */
	headers?: Record<string, string>;
	/** Delivery id; default the event's. Jira keeps it across retries. */
	identifier?: string;
	/** Retry number (sets X-Atlassian-Webhook-Retry). */
	retry?: number;
	timeoutMs?: number;
}

export interface WebhookDelivery {
	status: number;
	body: string;
	/** What was sent. */
	url: string;
	rawBody: string;
	sentHeaders: Record<string, string>;
}

let fallbackDelivery = 81234567890123456n;

/** POSTs a webhook body as Jira does (headers of a real Cloud delivery; see contracts/jira/webhooks). */
export async function deliverWebhook(
	url: string,
	event: JiraWebhookEvent | Record<string, unknown>,
	opts: WebhookDeliveryOptions = {}
): Promise<WebhookDelivery> {
	const isEvent = 'identifier' in event && 'body' in event && 'webhookEvent' in event;
	const body = isEvent ? (event as JiraWebhookEvent).body : event;
	const identifier =
		opts.identifier ??
		(isEvent ? (event as JiraWebhookEvent).identifier : String(fallbackDelivery++));
	const rawBody = JSON.stringify(body);
	const target = new URL(url);
	if (opts.secret !== undefined) target.searchParams.set('secret', opts.secret);
	const sentHeaders: Record<string, string> = {
		'content-type': 'application/json; charset=UTF-8',
		'user-agent': 'Atlassian Webhook HTTP Client',
		accept: '*/*',
		'x-atlassian-webhook-identifier': identifier,
		'x-atlassian-webhook-flow': 'Primary',
		...(opts.retry ? { 'x-atlassian-webhook-retry': String(opts.retry) } : {}),
		...(opts.hmacSecret !== undefined
			? {
					'x-hub-signature': `sha256=${createHmac('sha256', opts.hmacSecret).update(rawBody).digest('hex')}`
				}
			: {}),
		...opts.headers
	};
	const res = await fetch(target, {
		method: 'POST',
		headers: sentHeaders,
		body: rawBody,
		signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000)
	});
	return {
		status: res.status,
		body: await res.text(),
		url: target.toString(),
		rawBody,
		sentHeaders
	};
}

/** The environment that connects a test runtime to a Jira stand-in (project OPS, issue type Bug). */
export function jiraEnv(jira: JiraStandin): Record<string, string> {
	return {
		JIRA_BASE_URL: jira.url,
		JIRA_DEPLOYMENT: jira.mode === 'cloud' ? 'cloud' : 'server',
		...(jira.mode === 'cloud'
			? { JIRA_EMAIL: jira.email, JIRA_API_TOKEN: jira.apiToken }
			: { JIRA_PAT: jira.pat }),
		JIRA_PROJECT_KEY: 'OPS',
		JIRA_ISSUE_TYPE: 'Bug'
	};
}

/** Jira client tuning for tests: a short timeout, no rate limit in the way, a breaker that opens and heals in seconds. */
export const FAST_JIRA_TUNING = {
	timeoutMs: 1000,
	ratePerSecond: 100,
	breakerThreshold: 3,
	breakerCooldownMs: 1500
};
