import { describe, expect, it } from 'vitest';
import { safeHref, slackHref, ticketLinks } from './links.ts';

describe('safeHref', () => {
	it('keeps http and https links', () => {
		expect(safeHref('https://adb-1.azuredatabricks.net/#job/1/run/2')).toBe(
			'https://adb-1.azuredatabricks.net/#job/1/run/2'
		);
		expect(safeHref('http://airflow.local/dags')).toBe('http://airflow.local/dags');
	});
	it('refuses script, data and relative URLs', () => {
		expect(safeHref('javascript:alert(1)')).toBeNull();
		expect(safeHref('JaVaScRiPt:alert(1)')).toBeNull();
		expect(safeHref('data:text/html,<script>alert(1)</script>')).toBeNull();
		expect(safeHref('/relative')).toBeNull();
		expect(safeHref(null)).toBeNull();
	});
});

describe('ticketLinks', () => {
	it('names known links and drops unsafe ones', () => {
		expect(
			ticketLinks({ links: { run: 'https://x.example/run/1', evil: 'javascript:alert(1)' } })
		).toEqual([{ label: 'Run page', href: 'https://x.example/run/1' }]);
	});
});

describe('slackHref', () => {
	it('links the alert message in its channel', () => {
		expect(slackHref({ slack_channel: 'C0123ABC', slack_ts: '1760420000.123456' })).toBe(
			'https://slack.com/archives/C0123ABC/p1760420000123456'
		);
	});
	it('gives nothing when the alert was not posted or the values look wrong', () => {
		expect(slackHref({ slack_channel: null, slack_ts: null })).toBeNull();
		expect(slackHref({ slack_channel: '#ops', slack_ts: '1760420000.123456' })).toBeNull();
	});
});
