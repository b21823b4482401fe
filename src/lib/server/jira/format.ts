import type { Priority, TicketDto } from '#lib/contracts/tickets.ts';
import { redact } from '../triage/redact.ts';

/**
 * What Vigil writes into Jira, as pure functions of the ticket: the summary,
 * the description (Atlassian Document Format for Cloud's REST v3, wiki markup
 * for Server / Data Center's v2), labels, priority and the short comments that
 * mirror Vigil's lifecycle. Untrusted text (pipeline names, error messages)
 * only ever lands in text nodes or {noformat} blocks, never in markup.
 */

export type JiraDeployment = 'cloud' | 'server';

export const DEFAULT_PRIORITY_MAP: Record<Priority, string> = {
	P1: 'Highest',
	P2: 'High',
	P3: 'Medium',
	P4: 'Low'
};

/** `P1=Highest,P2=High,…` from the connection's settings; a priority left out keeps its default. */
export function parsePriorityMap(raw: string | undefined): Record<Priority, string> {
	const map = { ...DEFAULT_PRIORITY_MAP };
	for (const part of (raw ?? '').split(',')) {
		const [k, v] = part.split('=').map((s) => s.trim());
		if (k && v && k in map) map[k as Priority] = v;
	}
	return map;
}

const ERROR_EXCERPT = 2000;
/** Control characters would break Jira's one-line summary and wiki markup. */
const CONTROL = /\p{Cc}+/gu;
const oneLine = (s: string) => s.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();

/** `[P2] pl_orders failed: SqlFailedToConnect`, one line, at most 255 characters (Jira's limit). */
export function issueSummary(t: Pick<TicketDto, 'priority' | 'pipeline' | 'error_type'>): string {
	const s = oneLine(`[${t.priority}] ${t.pipeline} failed: ${t.error_type}`);
	return s.length <= 255 ? s : `${s.slice(0, 254)}…`;
}

/** The label every issue of a ticket carries: how a retried create finds the issue it already made. */
export function ticketTag(ticketId: string): string {
	return `vigil-${ticketId.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`;
}

/** Jira labels cannot hold spaces; keep them short, lowercase and readable. */
function label(value: string): string {
	return value
		.toLowerCase()
		.replace(/[^a-z0-9_.-]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 100);
}

export function issueLabels(t: Pick<TicketDto, 'id' | 'source' | 'category' | 'team'>): string[] {
	const labels = ['vigil', ticketTag(t.id), label(t.source), label(t.category)];
	if (t.team) labels.push(label(`team-${t.team}`));
	return [...new Set(labels.filter(Boolean))];
}

export interface DescriptionInput {
	ticket: TicketDto;
	/** Vigil's public origin, for the link back to the ticket. */
	origin: string;
}

interface Section {
	heading: string;
	paragraphs?: string[];
	bullets?: string[];
	code?: string;
	links?: { label: string; url: string }[];
}

function safeHttpUrl(raw: string | undefined | null): string | null {
	if (!raw) return null;
	try {
		const u = new URL(raw);
		return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
	} catch {
		return null;
	}
}

function sections({ ticket: t, origin }: DescriptionInput): Section[] {
	const error = redact(t.error_message).text;
	const runUrl = safeHttpUrl(t.links.run ?? Object.values(t.links)[0]);
	const details = [
		`Pipeline: ${t.pipeline}`,
		...(t.resource ? [`Resource: ${t.resource}`] : []),
		...(t.run_id ? [`Run id: ${t.run_id}`] : []),
		`Severity: ${t.severity} · Priority: ${t.priority} · Category: ${t.category}`,
		...(t.team ? [`Team: ${t.team}${t.owner ? ` (owner ${t.owner})` : ''}`] : [])
	];
	const links = [
		{
			label: `Open ${t.id} in Vigil`,
			url: `${origin.replace(/\/$/, '')}/tickets/${encodeURIComponent(t.id)}`
		},
		...(runUrl ? [{ label: 'Failed run', url: runUrl }] : [])
	];
	return [
		{ heading: 'Root cause', paragraphs: [t.root_cause || 'Not analysed yet.'] },
		...(t.recommendations.length
			? [{ heading: 'Recommendations', bullets: t.recommendations }]
			: []),
		...(error
			? [
					{
						heading: 'Error',
						code:
							error.length > ERROR_EXCERPT
								? `${error.slice(0, ERROR_EXCERPT)}\n… (${error.length - ERROR_EXCERPT} more characters in Vigil)`
								: error
					}
				]
			: []),
		{ heading: 'Details', bullets: details },
		{ heading: 'Links', links }
	];
}

type AdfInline = {
	type: 'text';
	text: string;
	marks?: { type: 'link'; attrs: { href: string } }[];
};
type AdfBlock = Record<string, unknown>;
export interface AdfDoc {
	type: 'doc';
	version: 1;
	content: AdfBlock[];
}

const text = (s: string): AdfInline[] => (s ? [{ type: 'text', text: s }] : []);
const paragraph = (content: AdfInline[]): AdfBlock => ({ type: 'paragraph', content });

/** Cloud (REST v3): the description as an Atlassian Document. */
export function descriptionAdf(input: DescriptionInput): AdfDoc {
	const content: AdfBlock[] = [];
	for (const s of sections(input)) {
		content.push({ type: 'heading', attrs: { level: 3 }, content: text(s.heading) });
		for (const p of s.paragraphs ?? []) content.push(paragraph(text(p)));
		if (s.bullets?.length)
			content.push({
				type: 'bulletList',
				content: s.bullets.map((b) => ({ type: 'listItem', content: [paragraph(text(b))] }))
			});
		if (s.code) content.push({ type: 'codeBlock', content: text(s.code) });
		if (s.links?.length)
			content.push({
				type: 'bulletList',
				content: s.links.map((l) => ({
					type: 'listItem',
					content: [
						paragraph([
							{ type: 'text', text: l.label, marks: [{ type: 'link', attrs: { href: l.url } }] }
						])
					]
				}))
			});
	}
	return { type: 'doc', version: 1, content };
}

/** Wiki markup's special characters, escaped so untrusted text stays text. */
function wikiEscape(s: string): string {
	return s.replace(/([\\{}[\]*_+^~|!#-])/g, '\\$1');
}

/** Server / Data Center (REST v2): the description in wiki markup. */
export function descriptionWiki(input: DescriptionInput): string {
	const out: string[] = [];
	for (const s of sections(input)) {
		out.push(`h3. ${wikiEscape(s.heading)}`);
		for (const p of s.paragraphs ?? []) out.push(wikiEscape(oneLine(p)));
		for (const b of s.bullets ?? []) out.push(`* ${wikiEscape(oneLine(b))}`);
		// {noformat} cannot be closed from inside except by its own tag, which is broken up here.
		if (s.code)
			out.push(`{noformat}\n${s.code.replace(/\{noformat\}/gi, '{ noformat}')}\n{noformat}`);
		for (const l of s.links ?? [])
			out.push(
				`* [${oneLine(l.label).replace(/[[\]|{}]/g, ' ')}|${l.url.replace(/[|\]]/g, encodeURIComponent)}]`
			);
		out.push('');
	}
	return out.join('\n').trim();
}

export type LifecycleAction = 'acknowledged' | 'resolved' | 'reopened';

/** The comment each Vigil action leaves on the issue. */
export function actionComment(action: LifecycleAction, actorName: string): string {
	const verb = { acknowledged: 'Acknowledged', resolved: 'Resolved', reopened: 'Reopened' }[action];
	return `${verb} in Vigil by ${oneLine(actorName) || 'someone'}`;
}

export function commentBody(deployment: JiraDeployment, textBody: string): AdfDoc | string {
	return deployment === 'cloud'
		? { type: 'doc', version: 1, content: [paragraph(text(textBody))] }
		: wikiEscape(textBody);
}

/** Plain text of a comment body as Jira sends it: an Atlassian Document or a wiki string. */
export function plainText(body: unknown, max = 2000): string {
	const parts: string[] = [];
	const walk = (node: unknown): void => {
		if (typeof node === 'string') return void parts.push(node);
		if (!node || typeof node !== 'object') return;
		const n = node as { type?: string; text?: string; content?: unknown[] };
		if (n.type === 'text' && typeof n.text === 'string') parts.push(n.text);
		if (n.type === 'hardBreak') parts.push('\n');
		for (const c of n.content ?? []) walk(c);
		if (n.type === 'paragraph' || n.type === 'heading' || n.type === 'listItem') parts.push('\n');
	};
	walk(body);
	const s = parts
		.join('')
		.replace(/\n{3,}/g, '\n\n')
		.trim();
	return s.length > max ? `${s.slice(0, max)}…` : s;
}
