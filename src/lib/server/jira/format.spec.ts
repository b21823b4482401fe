import { describe, expect, it } from 'vitest';
import { adfProblem } from '../../../../tests/support/jira-standin.ts';
import { sampleTicket } from '../../../../tests/support/ticket-sample.ts';
import {
	actionComment,
	commentBody,
	descriptionAdf,
	descriptionWiki,
	issueLabels,
	issueSummary,
	parsePriorityMap,
	plainText,
	ticketTag
} from './format.ts';
import { pickTransition } from './sync.ts';

const ticket = sampleTicket({
	id: 'ADF-20261126T101500-abc123',
	source: 'adf',
	pipeline: 'pl_orders',
	error_type: 'SqlFailedToConnect',
	priority: 'P2',
	team: 'Data Platform',
	category: 'connectivity',
	error_message: 'Login failed; Password=hunter2secret; {noformat} [link|http://x] *bold*',
	links: { run: 'https://adf.azure.com/monitoring/pipelineruns/r1' }
});

describe('Jira formatting', () => {
	it('writes a one-line summary of at most 255 characters', () => {
		expect(issueSummary(ticket)).toBe('[P2] pl_orders failed: SqlFailedToConnect');
		const long = issueSummary({ ...ticket, pipeline: `pl\n${'x'.repeat(400)}` });
		expect(long.length).toBeLessThanOrEqual(255);
		expect(long).not.toMatch(/\n/);
	});

	it('labels without spaces, with the tag a retried create searches for', () => {
		const labels = issueLabels(ticket);
		expect(labels).toEqual([
			'vigil',
			'vigil-adf-20261126t101500-abc123',
			'adf',
			'connectivity',
			'team-data-platform'
		]);
		expect(labels).toContain(ticketTag(ticket.id));
		expect(labels.every((l) => !/\s/.test(l))).toBe(true);
	});

	it('describes the ticket as a valid Atlassian Document, secrets redacted, with both links', () => {
		const doc = descriptionAdf({ ticket, origin: 'https://vigil.example' });
		expect(adfProblem(doc)).toBeNull();
		const text = JSON.stringify(doc);
		expect(text).not.toContain('hunter2secret');
		expect(text).toContain('https://vigil.example/tickets/ADF-20261126T101500-abc123');
		expect(text).toContain('https://adf.azure.com/monitoring/pipelineruns/r1');
	});

	it('keeps untrusted text inert in wiki markup', () => {
		const wiki = descriptionWiki({ ticket, origin: 'https://vigil.example' });
		expect(wiki).toMatch(/^h3\. Root cause/);
		expect(wiki).not.toContain('hunter2secret');
		// The error sits in one {noformat} block that its own text cannot close.
		expect(wiki.match(/\{noformat\}/g)).toHaveLength(2);
		expect(wiki).toContain(
			'[Open ADF-20261126T101500-abc123 in Vigil|https://vigil.example/tickets/ADF-20261126T101500-abc123]'
		);
	});

	it('maps priorities, configurable per priority', () => {
		expect(parsePriorityMap(undefined)).toEqual({
			P1: 'Highest',
			P2: 'High',
			P3: 'Medium',
			P4: 'Low'
		});
		expect(parsePriorityMap('P1=Blocker, P4 = Trivial')).toMatchObject({
			P1: 'Blocker',
			P2: 'High',
			P4: 'Trivial'
		});
	});

	it('comments each action in both formats and reads comments back as text', () => {
		const text = actionComment('acknowledged', 'Priya Raman');
		expect(text).toBe('Acknowledged in Vigil by Priya Raman');
		const adf = commentBody('cloud', text);
		expect(adfProblem(adf)).toBeNull();
		expect(plainText(adf)).toBe(text);
		expect(commentBody('server', '*x*')).toBe('\\*x\\*');
		expect(plainText('plain wiki')).toBe('plain wiki');
	});

	it('picks a transition by configured status name, else by target category, never by id', () => {
		const transitions = [
			{ id: '11', name: 'Reopen', to: 'To Do', toCategory: 'new' as const },
			{ id: '21', name: 'Start', to: 'In Progress', toCategory: 'indeterminate' as const },
			{ id: '41', name: 'Review', to: 'In Review', toCategory: 'indeterminate' as const },
			{ id: '31', name: 'Close', to: 'Done', toCategory: 'done' as const }
		];
		expect(pickTransition(transitions, 'indeterminate')?.id).toBe('21');
		expect(pickTransition(transitions, 'indeterminate', 'in review')?.id).toBe('41');
		expect(pickTransition(transitions.slice(0, 3), 'done')).toBeNull();
	});
});
