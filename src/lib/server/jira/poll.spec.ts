import { describe, expect, it } from 'vitest';
import { jqlMinute, parseJiraTime, pollJql } from './poll.ts';

describe('JQL dates for polling', () => {
	const at = new Date('2026-11-26T21:30:59.999Z');

	it('floors to the minute in the API user’s time zone, the way Jira reads a JQL date', () => {
		expect(jqlMinute(at, 'UTC')).toBe('2026/11/26 21:30');
		expect(jqlMinute(at, 'Europe/Rome')).toBe('2026/11/26 22:30');
		expect(jqlMinute(at, 'America/Los_Angeles')).toBe('2026/11/26 13:30');
		// Past midnight there: the date moves too.
		expect(jqlMinute(new Date('2026-11-26T23:05:00Z'), 'Asia/Tokyo')).toBe('2026/11/27 08:05');
	});

	it('falls back to UTC for a zone it does not know', () => {
		expect(jqlMinute(at, 'Mars/Olympus_Mons')).toBe('2026/11/26 21:30');
	});

	it('asks for Vigil’s issues updated since then, oldest first, key breaking ties', () => {
		expect(pollJql(at, 'UTC')).toBe(
			'labels = "vigil" AND updated >= "2026/11/26 21:30" ORDER BY updated ASC, key ASC'
		);
	});

	it('reads Jira’s timestamps with an offset without a colon', () => {
		expect(parseJiraTime('2026-11-26T21:30:15.123+0000')?.toISOString()).toBe(
			'2026-11-26T21:30:15.123Z'
		);
		expect(parseJiraTime('2026-11-26T22:30:15.123+0100')?.toISOString()).toBe(
			'2026-11-26T21:30:15.123Z'
		);
		expect(parseJiraTime('yesterday')).toBeNull();
		expect(parseJiraTime(null)).toBeNull();
	});
});
