import { z } from 'zod';
import type { TicketDto } from '#lib/contracts/tickets.ts';
import {
	DATE_FORMATS,
	VIGIL_SOURCES,
	type DateFormat,
	type VigilSource
} from '#lib/contracts/jira-fields.ts';
import { CATEGORIES, PRIORITIES, SEVERITIES } from '#lib/contracts/words.ts';
import type { CreateIssueFields, JiraFieldMeta } from './client.ts';
import {
	descriptionAdf,
	descriptionWiki,
	issueLabels,
	issueSummary,
	type AdfDoc,
	type JiraDeployment
} from './format.ts';

/**
 * Field mapping: which Vigil value goes into which field of a project's issue
 * type, and how it is transformed, checked against the create screen Jira
 * describes (createmeta). Pure functions: the same `createFields` builds the
 * preview an admin sees and the payload every create sends, so the two cannot
 * differ.
 */

/** Sources whose every value is known, so a value map can be checked against the allowed values. */
const ENUM_VALUES: Partial<Record<VigilSource, readonly string[]>> = {
	priority: PRIORITIES,
	severity: SEVERITIES,
	category: CATEGORIES
};

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** Fields Vigil always fills itself; a rule may not take them over. */
const RESERVED = new Set(['project', 'issuetype']);
/** Fields Vigil fills (or Jira defaults) when no rule names them. */
const BUILT_IN = new Set(['project', 'issuetype', 'summary', 'description', 'labels', 'priority']);

export const FieldRule = z
	.object({
		fieldId: z
			.string()
			.trim()
			.min(1, 'a Jira field id is required')
			.max(100)
			.regex(/^[A-Za-z0-9_.-]+$/, 'a Jira field id (e.g. customfield_10050)'),
		source: z.enum([...VIGIL_SOURCES, 'constant', 'template']),
		/** The constant, or the template (`{pipeline} ({resource})`). */
		value: z.string().max(1000).optional(),
		/** Vigil value → Jira value, applied before anything else. */
		valueMap: z.record(z.string().max(200), z.string().max(1000)).optional(),
		/** For date and datetime fields, or a date written into a text field. */
		dateFormat: z.enum(DATE_FORMATS).optional(),
		/** Used when the value is empty. */
		defaultValue: z.string().max(1000).optional()
	})
	.superRefine((r, ctx) => {
		if ((r.source === 'constant' || r.source === 'template') && !r.value?.trim())
			ctx.addIssue({
				code: 'custom',
				path: ['value'],
				message: `a ${r.source} needs a value`
			});
		if (r.source === 'template')
			for (const [, name] of (r.value ?? '').matchAll(PLACEHOLDER))
				if (!(VIGIL_SOURCES as readonly string[]).includes(name!))
					ctx.addIssue({
						code: 'custom',
						path: ['value'],
						message: `unknown placeholder {${name}} (use ${VIGIL_SOURCES.map((s) => `{${s}}`).join(', ')})`
					});
	});
export type FieldRule = z.infer<typeof FieldRule>;

export const FieldRules = z
	.array(FieldRule)
	.max(100)
	.superRefine((rules, ctx) => {
		const seen = new Set<string>();
		rules.forEach((r, i) => {
			if (seen.has(r.fieldId))
				ctx.addIssue({
					code: 'custom',
					path: [i, 'fieldId'],
					message: `${r.fieldId} is mapped twice`
				});
			seen.add(r.fieldId);
		});
	});

/** One mapping: the rules of a project's issue type, with the create screen they were checked against. */
export interface FieldMapping {
	projectKey: string;
	issueTypeId: string;
	issueTypeName: string;
	rules: FieldRule[];
	/** createmeta when the mapping was saved. */
	fields: JiraFieldMeta[];
}

export interface FieldProblem {
	fieldId: string;
	message: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function formatDate(iso: string, format: DateFormat): string {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	const s = d.toISOString();
	if (format === 'date') return s.slice(0, 10);
	// Jira's datetime format: yyyy-MM-dd'T'HH:mm:ss.SSSZ
	if (format === 'datetime') return `${s.slice(0, 23)}+0000`;
	return `${s.slice(0, 10)} ${s.slice(11, 16)} UTC`;
}

function sourceText(t: TicketDto, source: VigilSource): string {
	switch (source) {
		case 'run_link':
			return t.links.run ?? Object.values(t.links)[0] ?? '';
		case 'ticket_id':
			return t.id;
		default:
			return (t[source] as string | null | undefined) ?? '';
	}
}

function mapped(value: string, map: Record<string, string> | undefined): string {
	if (!map || !value) return value;
	if (value in map) return map[value]!;
	const hit = Object.keys(map).find((k) => k.toLowerCase() === value.toLowerCase());
	return hit === undefined ? value : map[hit]!;
}

const isDateField = (f: JiraFieldMeta | undefined) => f?.type === 'date' || f?.type === 'datetime';

/** The text a rule gives for a ticket, after value map, date format and default; '' when empty. */
export function ruleText(t: TicketDto, rule: FieldRule, field?: JiraFieldMeta): string {
	const dateFormat =
		rule.dateFormat ??
		(field?.type === 'datetime' ? 'datetime' : isDateField(field) ? 'date' : null);
	const read = (source: VigilSource) => {
		const raw = mapped(sourceText(t, source), rule.valueMap);
		return source === 'sla_deadline' && dateFormat && raw ? formatDate(raw, dateFormat) : raw;
	};
	let text: string;
	if (rule.source === 'constant') text = rule.value ?? '';
	else if (rule.source === 'template')
		text = (rule.value ?? '').replace(PLACEHOLDER, (_, name: VigilSource) => read(name));
	else text = read(rule.source);
	text = text.trim();
	return text || (rule.defaultValue ?? '').trim();
}

const allowed = (f: JiraFieldMeta, value: string) =>
	f.allowedValues?.find((a) => a.value.toLowerCase() === value.toLowerCase() || a.id === value) ??
	null;

/** The text as the JSON Jira expects for the field's type. */
export function jiraValue(
	f: JiraFieldMeta | undefined,
	text: string,
	deployment: JiraDeployment
): unknown {
	if (!f) return text;
	const ref = (key: 'value' | 'name') => {
		const hit = allowed(f, text);
		return { [key]: hit ? hit.value : text };
	};
	const user = () => (deployment === 'cloud' ? { accountId: text } : { name: text });
	switch (f.type) {
		case 'option':
			return ref('value');
		case 'priority':
		case 'resolution':
		case 'version':
		case 'component':
			return ref('name');
		case 'user':
			return user();
		case 'number': {
			const n = Number(text);
			return Number.isFinite(n) && text !== '' ? n : text;
		}
		case 'date':
			return DAY.test(text) ? text : formatDate(text, 'date');
		case 'datetime':
			return formatDate(text, 'datetime');
		case 'array': {
			const parts = text
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean);
			if (f.items === 'option') return parts.map((p) => ({ value: allowed(f, p)?.value ?? p }));
			if (f.items === 'component' || f.items === 'version')
				return parts.map((p) => ({ name: allowed(f, p)?.value ?? p }));
			if (f.items === 'user')
				return parts.map((p) => (deployment === 'cloud' ? { accountId: p } : { name: p }));
			// Labels cannot hold spaces.
			if (f.system === 'labels') return parts.map((p) => p.replace(/\s+/g, '-'));
			return parts;
		}
		case 'string':
			// Multi-line custom text fields take an Atlassian Document on Cloud's v3.
			if (deployment === 'cloud' && f.custom?.endsWith(':textarea'))
				return {
					type: 'doc',
					version: 1,
					content: [{ type: 'paragraph', content: [{ type: 'text', text }] }]
				} satisfies AdfDoc;
			return text;
		default:
			return text;
	}
}

/** What a value would be refused for, judged from createmeta. */
function valueProblem(f: JiraFieldMeta, text: string): string | null {
	const values =
		f.type === 'array'
			? text
					.split(',')
					.map((s) => s.trim())
					.filter(Boolean)
			: [text];
	if (f.allowedValues && (f.type === 'array' ? f.items !== 'string' : true))
		for (const v of values)
			if (!allowed(f, v))
				return `"${v}" is not an allowed value of ${f.name} (allowed: ${f.allowedValues
					.slice(0, 20)
					.map((a) => a.value)
					.join(', ')})`;
	if (f.type === 'number' && !Number.isFinite(Number(text))) return `"${text}" is not a number`;
	if ((f.type === 'date' || f.type === 'datetime') && Number.isNaN(Date.parse(text)))
		return `"${text}" is not a date`;
	return null;
}

export interface CreateInput {
	ticket: TicketDto;
	origin: string;
	deployment: JiraDeployment;
	projectKey: string;
	issueType: string;
	priorityName: string;
	/** The saved mapping of this project and issue type, if any. */
	mapping: FieldMapping | null;
}

/**
 * The exact `fields` of the create, and what createmeta says Jira will refuse
 * in them. Rules win over Vigil's own summary / description / priority; a
 * labels rule adds to Vigil's labels (which carry the ticket's tag).
 */
export function createFields(input: CreateInput): {
	fields: CreateIssueFields;
	problems: FieldProblem[];
} {
	const { ticket, deployment, mapping } = input;
	const meta = new Map((mapping?.fields ?? []).map((f) => [f.fieldId, f]));
	const description = { ticket, origin: input.origin };
	const fields: CreateIssueFields = {
		project: { key: input.projectKey },
		issuetype: mapping ? { id: mapping.issueTypeId } : { name: input.issueType },
		summary: issueSummary(ticket),
		description:
			deployment === 'cloud' ? descriptionAdf(description) : descriptionWiki(description),
		labels: issueLabels(ticket)
	};
	// A create screen without a priority field refuses one; without a mapping nothing is known.
	if (!mapping || meta.has('priority')) fields.priority = { name: input.priorityName };
	const problems: FieldProblem[] = [];
	for (const rule of mapping?.rules ?? []) {
		if (RESERVED.has(rule.fieldId)) continue;
		const f = meta.get(rule.fieldId);
		const text = ruleText(ticket, rule, f);
		if (!text) {
			if (f?.required && !f.hasDefaultValue)
				problems.push({ fieldId: rule.fieldId, message: `${f.name} is required and empty` });
			continue;
		}
		const problem = f ? valueProblem(f, text) : null;
		if (problem) problems.push({ fieldId: rule.fieldId, message: problem });
		const value = jiraValue(f, text, deployment);
		if (rule.fieldId === 'labels' && Array.isArray(value))
			fields.labels = [...new Set([...(fields.labels as string[]), ...(value as string[])])];
		else fields[rule.fieldId] = value;
	}
	return { fields, problems };
}

/**
 * Checks rules against the create screen: every required field covered, every
 * mapped field on the screen, constants, defaults and value maps among the
 * allowed values, and sources that fit the field's type. Errors block a save;
 * warnings say what may still be refused for some tickets.
 */
export function validateRules(
	rules: FieldRule[],
	fields: JiraFieldMeta[]
): { errors: FieldProblem[]; warnings: FieldProblem[] } {
	const errors: FieldProblem[] = [];
	const warnings: FieldProblem[] = [];
	const meta = new Map(fields.map((f) => [f.fieldId, f]));
	const ruled = new Set(rules.map((r) => r.fieldId));
	for (const f of fields)
		if (f.required && !f.hasDefaultValue && !BUILT_IN.has(f.fieldId) && !ruled.has(f.fieldId))
			errors.push({
				fieldId: f.fieldId,
				message: `${f.name} (${f.fieldId}) is required by Jira: map it`
			});
	if (!meta.has('priority') && fields.length)
		warnings.push({
			fieldId: 'priority',
			message: 'This create screen has no Priority field: Vigil will not send one'
		});
	for (const r of rules) {
		const f = meta.get(r.fieldId);
		if (RESERVED.has(r.fieldId)) {
			errors.push({ fieldId: r.fieldId, message: `${r.fieldId} is set by Vigil itself` });
			continue;
		}
		if (!f) {
			errors.push({
				fieldId: r.fieldId,
				message: `${r.fieldId} is not on this create screen`
			});
			continue;
		}
		const fixed = [
			...(r.source === 'constant' && r.value ? [r.value] : []),
			...(r.defaultValue ? [r.defaultValue] : []),
			...Object.values(r.valueMap ?? {})
		];
		for (const v of fixed) {
			const p = valueProblem(f, v.trim());
			if (p) errors.push({ fieldId: r.fieldId, message: p });
		}
		const enumValues =
			r.source !== 'constant' && r.source !== 'template' ? ENUM_VALUES[r.source] : undefined;
		if (enumValues && f.allowedValues) {
			const refused = enumValues.filter((v) => !allowed(f, mapped(v, r.valueMap)));
			if (refused.length)
				errors.push({
					fieldId: r.fieldId,
					message: `${f.name} does not allow ${refused.join(', ')}: add them to the value map`
				});
		} else if (
			f.allowedValues &&
			r.source !== 'constant' &&
			!(f.type === 'array' && f.items === 'string')
		)
			warnings.push({
				fieldId: r.fieldId,
				message: `${f.name} allows only listed values: a ticket whose ${r.source} is not one of them is refused unless the value map covers it`
			});
		if (isDateField(f) && !['sla_deadline', 'constant'].includes(r.source))
			errors.push({
				fieldId: r.fieldId,
				message: `${f.name} is a ${f.type} field: map the SLA deadline or a constant date`
			});
		if (f.type === 'number' && !['constant'].includes(r.source) && !r.valueMap)
			warnings.push({
				fieldId: r.fieldId,
				message: `${f.name} is a number: a value that is not numeric is refused`
			});
		if (
			f.required &&
			!f.hasDefaultValue &&
			r.source !== 'constant' &&
			!r.defaultValue &&
			!enumValues
		)
			warnings.push({
				fieldId: r.fieldId,
				message: `${f.name} is required: a ticket without ${r.source === 'template' ? 'the template values' : `a ${r.source}`} is refused; add a default`
			});
	}
	return { errors, warnings };
}
