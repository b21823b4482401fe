/**
 * What an MCP client may do, as plain definitions: a name, the zod schema the input is
 * validated with, the role it needs and what it runs. Inputs reuse the HTTP API's own
 * schemas (the board's TicketFilters, the audit page's AuditFilters, the analytics
 * RangeParam), so a filter means the same thing and fails with the same message on both;
 * only `limit` is narrowed, because a page goes into a model's context. server.ts hands
 * these to the SDK; nothing here imports it.
 */
import { z } from 'zod';
import { analytics, RangeParam } from '../analytics/queries.ts';
import { AuditFilters, listAudit } from '../audit/queries.ts';
import type { Role } from '../auth/entities.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { Pool } from '../db/pool.ts';
import { ApiError } from '../errors.ts';
import { SlaAtRiskQuery, slaAtRisk } from '../tickets/at-risk.ts';
import type { Actor } from '../tickets/audit.ts';
import { ActionNote } from '../tickets/bulk.ts';
import { acknowledge, reopen, resolve, TicketNotFoundError } from '../tickets/lifecycle.ts';
import {
	getTicket,
	listTickets,
	TicketFilters,
	TicketId,
	ticketStats
} from '../tickets/queries.ts';
import { findSimilar } from '../triage/similar.ts';
import { auditSummary, lastOf, ticketDetail, ticketSummary } from './format.ts';

export interface ToolContext {
	pool: Pool;
	/** Who called, with their role as of this request (the token is checked on every request). */
	user: AuthUser;
}

/** A refusal or a miss the model should read and act on (not an internal failure). */
export class ToolError extends Error {}

export interface ToolDef<S extends z.ZodObject = z.ZodObject> {
	name: string;
	title: string;
	description: string;
	input: S;
	/** viewer: reads; responder: changes a ticket (admins may too). */
	role: Extract<Role, 'viewer' | 'responder'>;
	run(ctx: ToolContext, args: z.output<S>): Promise<unknown>;
}

const define = <S extends z.ZodObject>(def: ToolDef<S>) => def as unknown as ToolDef;

const limitError = 'limit must be an integer from 1 to 50';
/** A page a model can read whole; the HTTP API allows 200. */
export const pageLimit = z.coerce
	.number({ error: limitError })
	.int({ error: limitError })
	.min(1, { error: limitError })
	.max(50, { error: limitError })
	.default(20)
	.describe('Rows per page, 1 to 50 (default 20); pass next_cursor back for the next page');

const ById = z.object({ id: TicketId });
/** A change and, as on the board and POST /api/tickets/{id}/{action}, an optional note. */
const Change = z.object({ id: TicketId, note: ActionNote.optional() });

async function ticketOrMiss(pool: Pool, id: string) {
	const detail = await getTicket(pool, id);
	if (!detail)
		throw new ToolError(
			`No ticket with id ${id}. search_tickets finds ids by pipeline, run id, Jira key or text.`
		);
	return detail;
}

const page = <T>(items: T[], next: string | null) => ({
	items,
	next_cursor: next,
	...(next ? { note: 'More rows match: call again with cursor = next_cursor.' } : {})
});

const TIMELINE_MAX = 50;

export const READ_TOOLS: ToolDef[] = [
	define({
		name: 'search_tickets',
		title: 'Search and list tickets',
		description:
			"Lists incidents with the board's filters (status, priority, severity, source, sla_status, team, free text q over pipeline, error, run id, Jira key), newest first or by urgency (sort=urgency: closest SLA deadline first). Each row is a summary; get_ticket has the rest. Paged: pass next_cursor back as cursor.",
		input: TicketFilters.extend({ limit: pageLimit }),
		role: 'viewer',
		async run({ pool }, args) {
			const r = await listTickets(pool, args);
			return page(r.items.map(ticketSummary), r.next_cursor);
		}
	}),
	define({
		name: 'get_ticket',
		title: 'Get a ticket with its timeline',
		description:
			'One incident in full (error, root cause, recommendations, evidence, SLA, owner, Jira and Slack state) with its timeline of audit entries (the last 50). Long texts are cut and say so.',
		input: ById,
		role: 'viewer',
		async run({ pool }, { id }) {
			const { ticket, timeline } = await ticketOrMiss(pool, id);
			const t = lastOf(timeline.map(auditSummary), TIMELINE_MAX);
			return {
				ticket: ticketDetail(ticket),
				timeline: t.items,
				...(t.omitted_earlier ? { timeline_omitted_earlier: t.omitted_earlier } : {})
			};
		}
	}),
	define({
		name: 'similar_incidents',
		title: 'Similar past incidents',
		description:
			'Up to three past incidents most like this one (same words in the error, same category first, resolved ones preferred since they carry a fix): has this happened before, and who fixed it?',
		input: ById,
		role: 'viewer',
		async run({ pool }, { id }) {
			const { ticket } = await ticketOrMiss(pool, id);
			const similar = await findSimilar(pool, ticket);
			return {
				ticket: ticketSummary(ticket),
				similar: similar.map((s) => ({
					id: s.ticketId,
					pipeline: s.pipeline,
					error_type: s.errorType,
					category: s.category,
					root_cause: s.rootCause.slice(0, 600),
					resolution: s.resolution
				})),
				...(similar.length ? {} : { note: 'No past incident shares enough words with this one.' })
			};
		}
	}),
	define({
		name: 'incident_stats',
		title: 'Incident stats and analytics',
		description:
			'Counts now (open, in progress, closed, SLA breached, mean time to acknowledge and resolve) and, for a range (24h, 7d, 30d, 90d), incidents, SLA compliance, MTTA/MTTR medians and 90th percentiles, the busiest pipelines and teams, and the busiest hours or days.',
		input: z.object({
			range: RangeParam.describe('24h, 7d, 30d or 90d (default 7d)')
		}),
		role: 'viewer',
		async run({ pool }, { range }) {
			const [now, a] = await Promise.all([ticketStats(pool), analytics(pool, range)]);
			const busiest = a.buckets
				.filter((b) => b.incidents > 0)
				.sort((x, y) => y.incidents - x.incidents)
				.slice(0, 10)
				.map((b) => ({ start: b.start, incidents: b.incidents, breached: b.breached }));
			return {
				now,
				range: { range: a.range, unit: a.unit, from: a.from, to: a.to },
				summary: a.summary,
				pipelines: a.pipelines,
				teams: a.teams.slice(0, 10),
				[`busiest_${a.unit}s`]: busiest
			};
		}
	}),
	define({
		name: 'sla_at_risk',
		title: 'SLA at risk',
		description:
			'Unacknowledged incidents whose acknowledgement deadline falls in the next within_minutes (default 60), soonest first; seconds_left is negative for a deadline already passed whose breach is being recorded. Acknowledging a ticket settles its SLA.',
		input: SlaAtRiskQuery.extend({ limit: pageLimit }),
		role: 'viewer',
		async run({ pool }, { within_minutes, limit }) {
			const r = await slaAtRisk(pool, within_minutes, limit);
			return {
				within_minutes,
				items: r.items.map((i) => ({ seconds_left: i.seconds_left, ...ticketSummary(i.ticket) })),
				...(r.more
					? { note: `More than ${limit} tickets are at risk: raise limit or narrow the window.` }
					: {})
			};
		}
	}),
	define({
		name: 'search_audit',
		title: 'Search the audit trail',
		description:
			'Audit entries newest first: who did what to which ticket, from where (dashboard, api, slack, jira, mcp, system). Filter by action (comma list, e.g. Acknowledged,Resolved,SLA Breached,Reopened), ticket_id, or free text q. Paged like search_tickets.',
		input: AuditFilters.extend({ limit: pageLimit }),
		role: 'viewer',
		async run({ pool }, args) {
			const r = await listAudit(pool, args);
			return page(r.items.map(auditSummary), r.next_cursor);
		}
	})
];

type ChangeFn = typeof acknowledge;

/** The same service functions as POST /api/tickets/{id}/{action}: Slack, Jira and the boards follow. */
function changeTool(
	name: string,
	title: string,
	description: string,
	change: ChangeFn,
	unchanged: string
): ToolDef {
	return define({
		name,
		title,
		description,
		input: Change,
		role: 'responder',
		async run({ pool, user }, { id, note }) {
			const actor: Actor = { name: user.name || user.email, source: 'mcp', userId: user.id };
			try {
				const { ticket, changed } = await change(pool, id, actor, { note });
				return {
					status: changed ? 'changed' : 'unchanged',
					...(changed ? {} : { note: `${unchanged} (status ${ticket.status}).` }),
					ticket: ticketSummary(ticket)
				};
			} catch (err) {
				if (err instanceof TicketNotFoundError) throw new ToolError(`No ticket with id ${id}.`);
				throw err;
			}
		}
	});
}

export const WRITE_TOOLS: ToolDef[] = [
	changeTool(
		'acknowledge_ticket',
		'Acknowledge a ticket',
		'Takes an open incident: it goes In Progress, the acknowledgement SLA is settled (Met or Breached), and Slack, Jira and every board follow. Recorded in the audit trail as you, via MCP, with your note if you give one. Responders and admins only.',
		acknowledge,
		'Nothing changed: the ticket is no longer open'
	),
	changeTool(
		'resolve_ticket',
		'Resolve a ticket',
		'Closes an incident (acknowledging it first if it was still open), recording the time to resolve; Slack, Jira and every board follow. Recorded as you, via MCP; the note (what was done, why it is closed) shows on the timeline under Resolved. Responders and admins only.',
		resolve,
		'Nothing changed: the ticket was already closed'
	),
	changeTool(
		'reopen_ticket',
		'Reopen a ticket',
		'Reopens a closed incident (back to In Progress, its resolution cleared); Slack, Jira and every board follow. Recorded as you, via MCP, with your note if you give one. Responders and admins only.',
		reopen,
		'Nothing changed: only a closed ticket can be reopened'
	)
];

export const TOOLS: ToolDef[] = [...READ_TOOLS, ...WRITE_TOOLS];

const RANK: Record<Role, number> = { viewer: 0, responder: 1, admin: 2 };

/** Runs a tool for a user, refusing one their role does not allow (checked on every call). */
export async function runTool(tool: ToolDef, ctx: ToolContext, args: unknown): Promise<unknown> {
	if (RANK[ctx.user.role] < RANK[tool.role])
		throw new ToolError(
			`${tool.name} needs the ${tool.role} role; you are ${ctx.user.role}. Ask an admin to change your role.`
		);
	try {
		return await tool.run(ctx, args as never);
	} catch (err) {
		// The shared query code answers bad cursors and the like as 400s: same words here.
		if (err instanceof ApiError && err.status < 500) throw new ToolError(err.message);
		throw err;
	}
}
