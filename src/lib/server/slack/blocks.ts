import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import {
	LIMITS,
	md,
	plain,
	run,
	type Block,
	type Button,
	type SlackMessage,
	type TextObject
} from './kit.ts';
import {
	clip,
	escapeMrkdwn,
	formatDuration,
	mrkdwnLink,
	slackDate,
	subteamMention
} from './text.ts';

/**
 * Vigil's Slack messages, built from a ticket and nothing else, so the same
 * ticket always gives the same message (the sync job compares them to skip
 * needless chat.update calls). See text.ts for how untrusted text stays inert.
 *
 * Colour: Block Kit has none. A breached ticket gets a red circle at the start
 * of the header and a red status line; the legacy `attachments` colour bar is
 * not used because Slack collapses attachment content behind "Show more" and
 * documents attachments as legacy.
 */

export const ACTION_IDS = {
	acknowledge: 'vigil_ack',
	resolve: 'vigil_resolve',
	reopen: 'vigil_reopen',
	open: 'vigil_open'
} as const;

export interface MessageContext {
	/** Vigil's public origin, for "Open in Vigil" and ticket links. */
	origin: string;
}

const SOURCES: Record<TicketDto['source'], string> = {
	adf: 'Azure Data Factory',
	databricks: 'Databricks',
	generic: 'Generic'
};
const STATUS: Record<TicketDto['status'], string> = {
	open: 'Open',
	in_progress: 'In progress',
	closed: 'Closed'
};

export function ticketUrl(t: Pick<TicketDto, 'id'>, ctx: MessageContext): string {
	return `${ctx.origin.replace(/\/+$/, '')}/tickets/${encodeURIComponent(t.id)}`;
}

function sourceLabel(t: TicketDto): string {
	const declared = t.source === 'generic' ? t.labels?.source : undefined;
	return declared ? `${SOURCES.generic} (${declared})` : SOURCES[t.source];
}

function isBreached(t: TicketDto): boolean {
	return t.sla_status === 'Breached' && t.status !== 'closed';
}

function marker(t: TicketDto): string {
	if (t.status === 'closed') return '✅';
	if (isBreached(t)) return '🔴';
	return t.status === 'in_progress' ? '🟡' : '🟠';
}

/** "Incident · 12 failures": an incident's message is updated in place as failures join it. */
export function incidentLabel(t: Pick<TicketDto, 'incident_children'>): string | null {
	return t.incident_children > 0 ? `Incident · ${t.incident_children + 1} failures` : null;
}

function header(t: TicketDto): Block {
	const incident = incidentLabel(t);
	const text = `${marker(t)} ${t.priority} · ${incident ? `${incident} · ` : ''}${t.pipeline} · ${sourceLabel(t)}`;
	return { type: 'header', text: plain(clip(text, LIMITS.header)) };
}

function fields(t: TicketDto, ctx: MessageContext): TextObject[] {
	const sla = `${slackDate(t.sla_deadline)} · ${t.sla_status}`;
	const out: TextObject[] = [
		md(`Ticket\n${mrkdwnLink(ticketUrl(t, ctx), t.id)}`),
		md(`Status\n${STATUS[t.status]}`),
		md(`Severity\n${escapeMrkdwn(t.severity)}`),
		md(`Priority\n${escapeMrkdwn(t.priority)}`),
		md(`SLA deadline\n${sla}`),
		plain(clip(`Team / owner\n${t.team ?? '—'} / ${t.owner ?? '—'}`, LIMITS.field)),
		plain(clip(`Run id\n${t.run_id ?? '—'}`, LIMITS.field))
	];
	if (t.jira_key)
		out.push(
			t.jira_url
				? md(`Jira\n${mrkdwnLink(t.jira_url, clip(t.jira_key, 100))}`)
				: plain(clip(`Jira\n${t.jira_key}`, LIMITS.field))
		);
	return out.slice(0, LIMITS.fields);
}

/** Who acknowledged / resolved and how long it took, or the breach: plain text (names are untrusted). */
function statusLine(t: TicketDto): string | null {
	const parts: string[] = [];
	if (t.acknowledged_at)
		parts.push(
			`Acknowledged by ${t.acknowledged_by ?? 'someone'} after ${formatDuration(t.ack_seconds)} · SLA ${t.sla_status}`
		);
	else if (isBreached(t))
		parts.push(`🔴 SLA breached: not acknowledged within ${formatDuration(t.sla_seconds)}`);
	if (t.resolved_at)
		parts.push(
			`Resolved by ${t.resolved_by ?? 'someone'} · MTTR ${formatDuration(t.mttr_seconds)}`
		);
	if (t.recovered_at && !t.resolved_at)
		parts.push(
			`🟢 Recovered at source: run ${t.recovered_run_id ?? '—'} succeeded at ${t.recovered_at.slice(0, 16).replace('T', ' ')} UTC`
		);
	if (t.attempts > 1) parts.push(`Attempt ${t.attempts} failed`);
	return parts.length ? clip(parts.join('\n'), LIMITS.sectionText) : null;
}

function analysis(t: TicketDto): Block {
	const recommendations = t.recommendations.slice(0, 5);
	return {
		type: 'rich_text',
		elements: [
			{
				type: 'rich_text_section',
				elements: [run('Root cause', { bold: true }), run('\n' + clip(t.root_cause || '—', 1500))]
			},
			...(recommendations.length
				? [
						{
							type: 'rich_text_section' as const,
							elements: [run('\nRecommendations', { bold: true })]
						},
						{
							type: 'rich_text_list' as const,
							style: 'bullet' as const,
							elements: recommendations.map((r) => ({
								type: 'rich_text_section' as const,
								elements: [run(clip(r, 300))]
							}))
						}
					]
				: []),
			{ type: 'rich_text_section', elements: [run('\nError', { bold: true })] },
			{ type: 'rich_text_preformatted', elements: [run(clip(t.error_message || '—', 700))] }
		]
	};
}

function buttons(t: TicketDto, ctx: MessageContext): Block {
	const btn = (action_id: string, text: string, style?: Button['style']): Button => ({
		type: 'button',
		action_id,
		text: { type: 'plain_text', text, emoji: false },
		value: t.id,
		...(style ? { style } : {})
	});
	const elements: Button[] = [];
	if (t.status === 'open') elements.push(btn(ACTION_IDS.acknowledge, 'Acknowledge', 'primary'));
	if (t.status !== 'closed') elements.push(btn(ACTION_IDS.resolve, 'Resolve'));
	else elements.push(btn(ACTION_IDS.reopen, 'Reopen'));
	elements.push({
		type: 'button',
		action_id: ACTION_IDS.open,
		text: { type: 'plain_text', text: 'Open in Vigil', emoji: false },
		url: ticketUrl(t, ctx)
	});
	return { type: 'actions', block_id: 'vigil_actions', elements };
}

/** The alert for a ticket, in its current state (posted once, then updated in place). */
export function alertMessage(t: TicketDto, ctx: MessageContext): SlackMessage {
	const status = statusLine(t);
	const blocks: Block[] = [
		header(t),
		{ type: 'section', fields: fields(t, ctx) },
		...(status ? [{ type: 'context' as const, elements: [plain(status)] }] : []),
		...(t.incident_children > 0 && t.grouped_reason
			? [
					{
						type: 'context' as const,
						elements: [
							plain(
								clip(
									`${incidentLabel(t)} (this one and ${t.incident_children} more) · ${t.grouped_reason}`,
									LIMITS.sectionText
								)
							)
						]
					}
				]
			: []),
		analysis(t),
		buttons(t, ctx),
		{
			type: 'context',
			elements: [
				plain(
					clip(
						`${t.category} · ${t.error_type} · ${t.confidence} confidence (${t.triage_source === 'ai' ? 'AI' : 'offline'} triage)`,
						LIMITS.sectionText
					)
				)
			]
		}
	];
	const summary = status ? ` — ${status.split('\n').at(-1)}` : '';
	const incident = incidentLabel(t);
	const text = `${marker(t)} ${t.priority} ${incident ? `${incident}: ` : ''}${t.pipeline} (${sourceLabel(t)}) failed: ${t.id}${summary}`;
	return {
		text: escapeMrkdwn(clip(text, LIMITS.fallbackText)),
		blocks: blocks.slice(0, LIMITS.blocks)
	};
}

const VIA: Record<AuditEntryDto['actor_source'], string> = {
	slack: 'in Slack',
	dashboard: 'on the board',
	jira: 'in Jira',
	api: 'through the API',
	mcp: 'through an AI assistant (MCP)',
	system: 'by Vigil',
	source: 'at the source'
};

/** Lifecycle actions that get a reply in the alert's thread. */
export const THREAD_ACTIONS = ['Acknowledged', 'Resolved', 'Reopened', 'SLA Breached'] as const;

export interface ReplyContext extends MessageContext {
	/** The on-call user group id (S…), mentioned when the SLA is breached. */
	oncallGroup?: string | null;
}

/** The thread reply recording one audit entry; null for actions that get none. */
export function threadReply(
	a: AuditEntryDto,
	t: TicketDto,
	ctx: ReplyContext
): SlackMessage | null {
	const who = `${a.actor_name} ${VIA[a.actor_source]}`;
	switch (a.action) {
		case 'Acknowledged': {
			const sla = typeof a.details.sla_status === 'string' ? a.details.sla_status : t.sla_status;
			return notice(
				`✅ Acknowledged by ${who} after ${formatDuration(a.time_taken_seconds)} · SLA ${sla}`
			);
		}
		case 'Resolved':
			return notice(`🏁 Resolved by ${who} · MTTR ${formatDuration(a.time_taken_seconds)}`);
		case 'Reopened':
			return notice(`↩️ Reopened by ${who}`);
		case 'SLA Breached': {
			const mention = subteamMention(ctx.oncallGroup);
			const line =
				`🔴 ${mention ? mention + ' ' : ''}*SLA breached*: ${mrkdwnLink(ticketUrl(t, ctx), t.id)} ` +
				`(${escapeMrkdwn(t.priority)}) was not acknowledged within ${formatDuration(t.sla_seconds)}.`;
			return {
				text: line,
				blocks: [
					{ type: 'section', text: { type: 'mrkdwn', text: line } },
					{
						type: 'context',
						elements: [plain(clip(`Pipeline: ${t.pipeline}`, LIMITS.sectionText))]
					}
				]
			};
		}
		default:
			return null;
	}
}

/** A short message (thread reply, ephemeral notice) whose text may carry untrusted parts. */
export function notice(text: string): SlackMessage {
	const clipped = clip(text, LIMITS.sectionText);
	return {
		text: escapeMrkdwn(clipped),
		blocks: [{ type: 'section', text: plain(clipped) }]
	};
}
