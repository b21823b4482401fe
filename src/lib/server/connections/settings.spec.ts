import { describe, expect, it } from 'vitest';
import { destination, SECRET_DESTINATION } from './settings.ts';

describe('destination', () => {
	it('treats spellings of the same place as one destination', () => {
		const same = [
			'https://adb-1.azuredatabricks.net',
			'https://ADB-1.azuredatabricks.net/',
			'https://adb-1.azuredatabricks.net:443//',
			'adb-1.azuredatabricks.net',
			'https://adb-1.azuredatabricks.net/#fragment'
		];
		for (const url of same)
			expect(destination(url, null), url).toBe('https://adb-1.azuredatabricks.net');
	});

	it('tells a different host, port, scheme or path apart', () => {
		const base = destination('https://jira.contoso.example', null);
		for (const url of [
			'https://jira.contoso.example.attacker.example',
			'https://jira.contoso.example:8443',
			'http://jira.contoso.example',
			'https://jira.contoso.example/other-tenant'
		])
			expect(destination(url, null), url).not.toBe(base);
	});

	it('counts an empty optional URL as the service default', () => {
		const gemini = SECRET_DESTINATION.gemini.fallback;
		expect(destination(undefined, gemini)).toBe(
			destination('https://generativelanguage.googleapis.com/', null)
		);
		expect(destination('  ', SECRET_DESTINATION.slack.fallback)).toBe('https://slack.com/api');
		expect(destination(undefined, null)).toBeNull();
	});
});
