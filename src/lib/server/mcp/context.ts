/**
 * Resources and prompts: what an assistant reads into its context (a ticket by URI, the
 * open incidents) and the two conversations Vigil starts for it (triage one ticket, write
 * the shift handover). Plain data here; server.ts registers them with the SDK.
 */
import { z } from 'zod';
import type { Pool } from '../db/pool.ts';
import { handover } from '../tickets/handover.ts';
import { getTicket, listTickets, TicketId } from '../tickets/queries.ts';
import { findSimilar } from '../triage/similar.ts';
import { auditSummary, lastOf, ticketDetail, ticketSummary } from './format.ts';

export const TICKET_URI = 'vigil://tickets/{id}';
/** The prompts server.ts registers; the access log page lists them as filters. */
export const PROMPT_NAMES = ['triage_ticket', 'shift_handover'] as const;
export const OPEN_INCIDENTS_URI = 'vigil://incidents/open';
export const ticketUri = (id: string) => `vigil://tickets/${encodeURIComponent(id)}`;

const OPEN_MAX = 100;

/** A ticket with the last 50 entries of its timeline; null when there is no such ticket. */
export async function ticketDocument(pool: Pool, id: string) {
	const detail = await getTicket(pool, id);
	if (!detail) return null;
	const t = lastOf(detail.timeline.map(auditSummary), 50);
	return {
		ticket: ticketDetail(detail.ticket),
		timeline: t.items,
		...(t.omitted_earlier ? { timeline_omitted_earlier: t.omitted_earlier } : {})
	};
}

/** Everything not closed, most urgent first, capped. */
export async function openIncidents(pool: Pool, limit = OPEN_MAX) {
	const r = await listTickets(pool, {
		status: ['open', 'in_progress'],
		sort: 'urgency',
		limit
	});
	return {
		incidents: r.items.map(ticketSummary),
		...(r.next_cursor
			? { note: `Only the ${limit} most urgent are listed; search_tickets pages through all.` }
			: {})
	};
}

const json = (v: unknown) => JSON.stringify(v, null, 1);

/* ---------- prompts: arguments are strings in MCP, validated here ---------- */

export const TriageArgs = { ticket_id: TicketId };

const hoursError = 'hours must be a whole number from 1 to 72';
export const HandoverArgs = {
	hours: z
		.string({ error: hoursError })
		.trim()
		.regex(/^\d{1,2}$/, { error: hoursError })
		.refine((h) => Number(h) >= 1 && Number(h) <= 72, { error: hoursError })
		.describe('How many hours the shift covered, 1 to 72 (e.g. 8)')
};

export async function triagePrompt(pool: Pool, id: string): Promise<string | null> {
	const doc = await ticketDocument(pool, id);
	if (!doc) return null;
	const similar = await findSimilar(pool, doc.ticket);
	return `You are helping an on-call data engineer triage incident ${id} in Vigil.

The ticket, with its timeline (audit entries, oldest first):
${json(doc)}

Similar past incidents (full-text match on the error; resolved ones carry who fixed them):
${json(similar)}

Please:
1. Say in two or three sentences what failed and the most likely root cause, citing the error text. If Vigil's own root_cause looks wrong, say so.
2. Say whether this has happened before (the similar incidents, occurrences > 1) and what fixed it then.
3. List the next concrete checks or fixes, most likely first.
4. Say how urgent it is given its priority, its SLA deadline (${doc.ticket.sla_deadline}, status ${doc.ticket.sla_status}) and whether it is acknowledged.
Do not acknowledge, resolve or reopen the ticket unless I ask you to.`;
}

export async function handoverPrompt(pool: Pool, hours: number): Promise<string> {
	const h = await handover(pool, hours, 30);
	const cut = Object.entries(h.truncated)
		.filter(([, v]) => v)
		.map(([k]) => k);
	const data = {
		window: { from: h.from, to: h.to, hours },
		created: h.created.map(ticketSummary),
		resolved: h.resolved.map(ticketSummary),
		still_open: h.still_open.map(ticketSummary),
		breaches_and_reopens: h.breaches_and_reopens.map(auditSummary),
		...(cut.length
			? { note: `Only the first 30 of ${cut.join(', ')} are listed; there are more.` }
			: {})
	};
	return `Write the on-call shift handover for the last ${hours} hours (${h.from} to ${h.to}) from Vigil's data below.

${json(data)}

Structure it as:
- Headline: one sentence on how the shift went (how many incidents, any P1, any SLA breach).
- Still open: each incident the next shift inherits, most urgent first, with its owner or team, its SLA state and the one thing to do next.
- Resolved during the shift: one line each, grouping repeats of the same pipeline.
- SLA breaches and reopened incidents, and why if the data says.
- Patterns worth a follow-up (the same pipeline or category failing repeatedly).
Keep it short enough to read in two minutes; use ticket ids so the next shift can look them up.`;
}
