import type { AuditEntryDto } from '#lib/contracts/tickets.ts';
import { formatDuration } from '#lib/format/time.ts';

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/**
 * One line saying what an entry adds beyond its action: the reason a step failed,
 * what changed, or the root cause the ticket had at that moment.
 */
export function auditNote(e: AuditEntryDto): string | null {
	const d = e.details ?? {};
	const error = str(d.error);
	// What a person wrote when they acted (resolving, one or many) says more than the root cause.
	const note = str(d.note);
	const bulk = d.via === 'bulk' ? 'In a bulk action' : null;
	// An incident's acknowledgement or resolution, written on each of its grouped failures.
	if (d.via === 'incident' && (e.action === 'Resolved' || e.action === 'Acknowledged')) {
		const via = `With its incident ${str(d.incident_id) ?? ''}`.trim();
		return note ? `${via}: “${note.replace(/\s+/g, ' ')}”` : via;
	}
	// Reconciliation found Jira ahead of Vigil: the entry after it says which status and why.
	if (d.via === 'reconciliation' && ['Resolved', 'Acknowledged', 'Reopened'].includes(e.action))
		return 'Through reconciliation with Jira';
	if (e.action === 'Resolved' || (bulk && e.action === 'Acknowledged'))
		return note
			? `${bulk ? `${bulk}: ` : ''}“${note.replace(/\s+/g, ' ')}”`
			: (bulk ?? e.rca_summary);
	switch (e.action) {
		case 'Priority Changed':
			return str(d.summary) ?? (d.from && d.to ? `${d.from} → ${d.to}` : null);
		case 'AI Triage Failed': {
			const reason = [str(d.reason), str(d.detail)].filter(Boolean).join(': ');
			return reason ? `${reason} (kept the offline result)` : 'Kept the offline result';
		}
		case 'Acknowledged':
			return d.via === 'resolve' ? 'Acknowledged by resolving' : null;
		case 'Ticket Created':
			if (str(d.reason) && str(d.incident_id))
				return `Part of incident ${d.incident_id}: ${d.reason}`;
			break;
		case 'Incident Opened':
			return str(d.reason)
				? `${d.reason}${str(d.first_child) ? ` (first: ${d.first_child})` : ''}`
				: null;
		case 'Split from Incident':
			if (str(d.child_id))
				return `${d.child_id} taken out; ${typeof d.children_left === 'number' ? d.children_left : '?'} left`;
			return str(d.incident_id) ? `Now standalone (was in incident ${d.incident_id})` : null;
		case 'SLA Breached':
			return e.time_taken_seconds !== null
				? `Not acknowledged within ${formatDuration(e.time_taken_seconds)}${str(d.priority) ? ` (${d.priority})` : ''}`
				: 'Not acknowledged before the deadline';
		case 'Reopened':
			return str(d.previous_resolved_by)
				? `Was resolved by ${d.previous_resolved_by}` +
						(typeof d.previous_mttr_seconds === 'number'
							? ` after ${formatDuration(d.previous_mttr_seconds)}`
							: '')
				: null;
		case 'Alert Resolved at Source':
			return 'The monitoring alert resolved; the ticket stays as it was';
		case 'Recovered at Source':
			return `${str(d.summary) ?? 'Recovered at source'}; the ticket stays open for a person to close`;
		case 'Jira Issue Created':
			return str(d.key)
				? `Linked to ${d.key}${d.found_by ? ' (found again after a lost answer)' : ''}`
				: null;
		case 'Jira Comment':
		case 'Jira Comment Edited': {
			const text = str(d.text);
			if (!text) return null;
			const line = text.replace(/\s+/g, ' ');
			return `${e.action === 'Jira Comment Edited' ? 'Edited: ' : ''}“${line}”`;
		}
		case 'Jira Issue Deleted':
			return str(d.key) ? `${d.key} was deleted in Jira; the ticket is no longer linked` : null;
		case 'Jira Event Retried':
		case 'Jira Event Replayed': {
			const what = [str(d.event), str(d.issue_key)].filter(Boolean).join(' on ');
			const event = `Jira event ${typeof d.event_id === 'number' ? d.event_id : '?'}`;
			return `${event}${what ? ` (${what})` : ''}, ${str(d.previous_state) ?? 'settled'} before, processed again`;
		}
		case 'Jira Drift Repaired':
		case 'Jira Conflict':
			return driftNote(e.action, d);
	}
	return error ?? str(d.summary) ?? e.rca_summary;
}

const STATE: Record<string, string> = {
	open: 'open',
	in_progress: 'in progress',
	closed: 'closed'
};
const CHANGE: Record<string, string> = {
	resolve: 'the ticket was resolved',
	reopen: 'the ticket was reopened',
	acknowledge: 'the ticket was acknowledged',
	return_to_open: 'the ticket is open again'
};
const POLICY: Record<string, string> = {
	default: 'Jira wins for resolution, Vigil for acknowledgement',
	jira_wins: 'Jira wins',
	vigil_wins: 'Vigil wins',
	manual: 'manual'
};

/** What reconciliation found between the ticket and its issue, and what it did about it. */
export function driftNote(action: string, d: Record<string, unknown>): string | null {
	const key = str(d.key);
	const status = str(d.jira_status);
	const vigil = STATE[str(d.vigil_state) ?? ''];
	if (!key || !status || !vigil) return null;
	const found = `${key} is ${status} in Jira, the ticket ${vigil}`;
	if (action === 'Jira Conflict') return `${found}: waiting for an admin to choose`;
	const why = str(d.decided_by)
		? `decided by ${d.decided_by}`
		: `policy: ${POLICY[str(d.policy) ?? ''] ?? d.policy}`;
	const change = str(d.change);
	const did =
		d.winner === 'jira'
			? (CHANGE[change ?? ''] ?? 'the ticket follows Jira')
			: `the issue moved ${change ?? 'to match the ticket'}`;
	return `${found}: ${did} (${why})`;
}

/** How the actor reached Vigil, as a person would say it. */
export const SOURCE_LABEL: Record<AuditEntryDto['actor_source'], string> = {
	system: 'system',
	dashboard: 'dashboard',
	slack: 'Slack',
	jira: 'Jira',
	api: 'API',
	mcp: 'MCP',
	source: 'the source'
};
