import { describe, expect, it } from 'vitest';
import type { AuditEntryDto } from '#lib/contracts/tickets.ts';
import { auditNote } from './describe.ts';

const entry = (over: Partial<AuditEntryDto>): AuditEntryDto => ({
	id: 1,
	at: '2026-01-26T14:35:22Z',
	ticket_id: 'ADF-20260126T143522-abc123',
	pipeline: 'pl_sales',
	run_id: 'r1',
	action: 'Ticket Created',
	actor_name: 'Vigil',
	actor_source: 'system',
	time_taken_seconds: null,
	mttr_seconds: null,
	sla_status: 'Pending',
	rca_summary: 'Source database refused the connection',
	team: null,
	owner: null,
	jira_key: null,
	details: {},
	...over
});

describe('auditNote', () => {
	it('shows the root cause on creation and unknown actions', () => {
		expect(auditNote(entry({}))).toBe('Source database refused the connection');
		expect(auditNote(entry({ action: 'Something New' }))).toBe(
			'Source database refused the connection'
		);
	});

	it('puts a failure reason before the root cause', () => {
		expect(
			auditNote(entry({ action: 'Databricks Enrichment Failed', details: { error: 'HTTP 403' } }))
		).toBe('HTTP 403');
		expect(
			auditNote(
				entry({
					action: 'AI Triage Failed',
					details: { reason: 'timeout', detail: 'no answer in 10 s' }
				})
			)
		).toBe('timeout: no answer in 10 s (kept the offline result)');
	});

	it('says what changed', () => {
		expect(
			auditNote(
				entry({ action: 'Priority Changed', details: { summary: 'Priority P3→P1 by Jira' } })
			)
		).toBe('Priority P3→P1 by Jira');
		expect(
			auditNote(
				entry({
					action: 'Reopened',
					details: { previous_resolved_by: 'Dana', previous_mttr_seconds: 3900 }
				})
			)
		).toBe('Was resolved by Dana after 1h 5m');
		expect(
			auditNote(
				entry({
					action: 'SLA Breached',
					time_taken_seconds: 900,
					details: { deadline: '2026-01-26T14:50:22.000Z', priority: 'P1' }
				})
			)
		).toBe('Not acknowledged within 15m (P1)');
		expect(auditNote(entry({ action: 'Acknowledged', details: { via: 'resolve' } }))).toBe(
			'Acknowledged by resolving'
		);
		expect(auditNote(entry({ action: 'Acknowledged' }))).toBeNull();
	});

	it('describes the Jira sync: the linked key, comments mirrored from Jira, and its problems', () => {
		expect(
			auditNote(
				entry({
					action: 'Jira Issue Created',
					details: { key: 'OPS-12', url: 'https://contoso.atlassian.net/browse/OPS-12' }
				})
			)
		).toBe('Linked to OPS-12');
		expect(
			auditNote(
				entry({
					action: 'Jira Issue Created',
					details: { key: 'OPS-12', found_by: 'tag search after a lost answer' }
				})
			)
		).toBe('Linked to OPS-12 (found again after a lost answer)');
		expect(
			auditNote(
				entry({
					action: 'Jira Comment',
					actor_source: 'jira',
					actor_name: 'Marco Bianchi',
					details: { key: 'OPS-12', comment_id: '10001', text: 'Restarted the\n\ngateway VM' }
				})
			)
		).toBe('“Restarted the gateway VM”');
		expect(
			auditNote(entry({ action: 'Jira Comment Edited', details: { text: 'Gateway VM is back' } }))
		).toBe('Edited: “Gateway VM is back”');
		expect(
			auditNote(
				entry({
					action: 'Jira Transition Missing',
					details: { error: 'The Jira workflow has no transition from "To Do" to a done status' }
				})
			)
		).toBe('The Jira workflow has no transition from "To Do" to a done status');
		expect(
			auditNote(
				entry({
					action: 'Jira Sync Failed',
					details: { error: 'Jira refused the request (400): customfield_10050: Team is required.' }
				})
			)
		).toBe('Jira refused the request (400): customfield_10050: Team is required.');
		expect(auditNote(entry({ action: 'Jira Issue Deleted', details: { key: 'OPS-12' } }))).toBe(
			'OPS-12 was deleted in Jira; the ticket is no longer linked'
		);
		expect(
			auditNote(
				entry({
					action: 'Jira Event Replayed',
					details: {
						event_id: 41,
						event: 'jira:issue_updated',
						issue_key: 'OPS-12',
						previous_state: 'processed'
					}
				})
			)
		).toBe('Jira event 41 (jira:issue_updated on OPS-12), processed before, processed again');
	});

	it('says what reconciliation found and which side won, by policy or by whom', () => {
		const drift = { key: 'OPS-12', jira_status: 'Done', jira_state: 'closed', vigil_state: 'open' };
		expect(
			auditNote(
				entry({
					action: 'Jira Drift Repaired',
					details: {
						...drift,
						kind: 'resolution',
						winner: 'jira',
						policy: 'default',
						change: 'resolve'
					}
				})
			)
		).toBe(
			'OPS-12 is Done in Jira, the ticket open: the ticket was resolved (policy: Jira wins for resolution, Vigil for acknowledgement)'
		);
		expect(
			auditNote(
				entry({
					action: 'Jira Drift Repaired',
					details: {
						...drift,
						winner: 'vigil',
						policy: 'manual',
						decided_by: 'Ada Admin',
						change: 'Done → To Do'
					}
				})
			)
		).toBe(
			'OPS-12 is Done in Jira, the ticket open: the issue moved Done → To Do (decided by Ada Admin)'
		);
		expect(
			auditNote(
				entry({ action: 'Resolved', actor_source: 'jira', details: { via: 'reconciliation' } })
			)
		).toBe('Through reconciliation with Jira');
		expect(auditNote(entry({ action: 'Jira Conflict', details: drift }))).toBe(
			'OPS-12 is Done in Jira, the ticket open: waiting for an admin to choose'
		);
	});

	it('shows the note a person wrote when resolving, and says when it was one of many', () => {
		expect(
			auditNote(entry({ action: 'Resolved', details: { note: 'Reran\n after the fix' } }))
		).toBe('“Reran after the fix”');
		expect(
			auditNote(entry({ action: 'Resolved', details: { note: 'Firewall fixed', via: 'bulk' } }))
		).toBe('In a bulk action: “Firewall fixed”');
		expect(auditNote(entry({ action: 'Acknowledged', details: { via: 'bulk' } }))).toBe(
			'In a bulk action'
		);
	});

	it('tells how a ticket joined or left an incident, and what the incident did to it', () => {
		const reason = 'grouped: resource shir-onprem-01, category connectivity, within 10 min';
		expect(
			auditNote(entry({ details: { incident_id: 'ADF-20260126T143000-aaa111', reason } }))
		).toBe(`Part of incident ADF-20260126T143000-aaa111: ${reason}`);
		expect(
			auditNote(
				entry({
					action: 'Incident Opened',
					details: { reason, first_child: 'ADF-20260126T143522-abc123' }
				})
			)
		).toBe(`${reason} (first: ADF-20260126T143522-abc123)`);
		expect(
			auditNote(
				entry({
					action: 'Acknowledged',
					details: { via: 'incident', incident_id: 'ADF-20260126T143000-aaa111' }
				})
			)
		).toBe('With its incident ADF-20260126T143000-aaa111');
		expect(
			auditNote(
				entry({
					action: 'Split from Incident',
					details: { child_id: 'ADF-20260126T143522-abc123', children_left: 4 }
				})
			)
		).toBe('ADF-20260126T143522-abc123 taken out; 4 left');
		expect(
			auditNote(
				entry({
					action: 'Split from Incident',
					details: { incident_id: 'ADF-20260126T143000-aaa111' }
				})
			)
		).toBe('Now standalone (was in incident ADF-20260126T143000-aaa111)');
		// A plain creation and resolution keep their usual notes.
		expect(auditNote(entry({ action: 'Resolved' }))).toBe('Source database refused the connection');
	});
});
