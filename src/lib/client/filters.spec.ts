import { describe, expect, it } from 'vitest';
import {
	apiSearch,
	boardSearch,
	EMPTY_FILTERS,
	matchesFilters,
	matchesView,
	parseBoardQuery
} from './filters.ts';
import { sampleTicket } from '../../../tests/support/ticket-sample.ts';

const parse = (qs: string) => parseBoardQuery(new URLSearchParams(qs));

describe('parseBoardQuery', () => {
	it('opens the Open tab with no filters by default', () => {
		expect(parse('')).toEqual({ status: 'open', sort: 'urgency', filters: EMPTY_FILTERS });
	});

	it('reads the tab and every filter from the URL', () => {
		const view = parse(
			'status=closed&q=google%20ads&severity=Critical&priority=P1&team=payments&source=adf&sla_status=Breached'
		);
		expect(view).toEqual({
			status: 'closed',
			sort: 'newest',
			filters: {
				q: 'google ads',
				severity: 'Critical',
				priority: 'P1',
				team: 'payments',
				source: 'adf',
				sla_status: 'Breached'
			}
		});
	});

	it('drops values it does not know instead of failing the page', () => {
		expect(parse('status=archived&severity=Urgent&priority=P9&source=jenkins&sort=x')).toEqual({
			status: 'open',
			sort: 'urgency',
			filters: EMPTY_FILTERS
		});
	});
});

describe('URLs for a view', () => {
	it('round-trips through the board URL, leaving out blanks and the default tab', () => {
		const view = parse('q=ads&priority=P1');
		expect(boardSearch(view)).toBe('?q=ads&priority=P1');
		expect(boardSearch(parse(''))).toBe('');
		const view2 = parse('status=in_progress&team=payments');
		expect(parse(boardSearch(view2).slice(1))).toEqual(view2);
	});

	it('sorts by urgency on the Open and Acknowledged tabs and newest first on Closed, remembering a choice', () => {
		expect(parse('status=in_progress').sort).toBe('urgency');
		expect(parse('status=closed').sort).toBe('newest');
		const newest = parse('sort=newest&team=payments');
		expect(newest.sort).toBe('newest');
		expect(boardSearch(newest)).toBe('?team=payments&sort=newest');
		expect(parse(boardSearch(newest).slice(1))).toEqual(newest);
		expect(boardSearch(parse('sort=urgency'))).toBe('');
		expect(boardSearch(parse('status=closed&sort=urgency'))).toBe('?status=closed&sort=urgency');
	});

	it('always names the status for the API and the CSV export', () => {
		expect(apiSearch(parse('severity=High'))).toBe('?severity=High&status=open&sort=urgency');
		expect(apiSearch(parse('status=closed'), { limit: '100' })).toBe(
			'?status=closed&sort=newest&limit=100'
		);
	});
});

describe('matchesFilters', () => {
	const t = sampleTicket();
	const f = (over: Partial<typeof EMPTY_FILTERS>) => ({ ...EMPTY_FILTERS, ...over });

	it('matches everything without filters', () => {
		expect(matchesFilters(t, EMPTY_FILTERS)).toBe(true);
	});

	it('applies each select filter exactly', () => {
		expect(matchesFilters(t, f({ severity: 'High' }))).toBe(true);
		expect(matchesFilters(t, f({ severity: 'Critical' }))).toBe(false);
		expect(matchesFilters(t, f({ priority: 'P1' }))).toBe(false);
		expect(matchesFilters(t, f({ source: 'adf' }))).toBe(false);
		expect(matchesFilters(t, f({ sla_status: 'Breached' }))).toBe(false);
		expect(matchesFilters(t, f({ team: 'marketing-analytics' }))).toBe(true);
		expect(matchesFilters(t, f({ team: 'marketing' }))).toBe(false);
	});

	it('searches ticket id, pipeline, root cause, run id and Jira key, case-insensitively', () => {
		expect(matchesFilters(t, f({ q: 'gen-20261014' }))).toBe(true);
		expect(matchesFilters(t, f({ q: 'google_ads' }))).toBe(true);
		expect(matchesFilters(t, f({ q: 'QUOTA' }))).toBe(true);
		expect(matchesFilters(t, f({ q: 'scheduled__2026-10-14T05:00:00+00:00' }))).toBe(true);
		expect(matchesFilters(t, f({ q: 'ops-1042' }))).toBe(true);
	});

	it('needs every search term to match', () => {
		expect(matchesFilters(t, f({ q: 'google quota' }))).toBe(true);
		expect(matchesFilters(t, f({ q: 'google snowflake' }))).toBe(false);
	});
});

describe('matchesView', () => {
	it('also needs the tab to match', () => {
		const view = parse('q=google');
		expect(matchesView(sampleTicket(), view)).toBe(true);
		expect(matchesView(sampleTicket({ status: 'in_progress' }), view)).toBe(false);
	});
});
