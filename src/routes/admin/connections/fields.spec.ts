import { describe, expect, it } from 'vitest';
import { CONNECTION_BODIES, SECRET_DESTINATION } from '#lib/server/connections/settings.ts';
import { requiredSettings } from '#lib/server/connections/service.ts';
import { CONNECTION_FIELDS, connectionInput, sameUrl, type Kind } from './fields.ts';

const form = (entries: Record<string, string>) => {
	const f = new FormData();
	for (const [k, v] of Object.entries(entries)) f.set(k, v);
	return f;
};

describe('connectionInput', () => {
	it('keeps a stored secret when its field is left empty, and removes it only when asked', () => {
		expect(
			connectionInput('databricks', form({ host: ' https://adb.example ', token: '' }))
		).toEqual({ host: 'https://adb.example' });
		expect(connectionInput('databricks', form({ host: 'https://a', token: 'dapi1' }))).toEqual({
			host: 'https://a',
			token: 'dapi1'
		});
		expect(
			connectionInput('databricks', form({ host: 'https://a', token: 'x', token__remove: 'on' }))
		).toEqual({ host: 'https://a', token: null });
	});

	it('leaves out empty optional settings so the API does not see blank URLs', () => {
		expect(connectionInput('gemini', form({ model: 'gemini-2.5-flash', baseUrl: '' }))).toEqual({
			model: 'gemini-2.5-flash'
		});
	});

	it('names exactly the fields the API accepts', () => {
		for (const kind of Object.keys(CONNECTION_FIELDS) as Kind[])
			expect(CONNECTION_FIELDS[kind].map((f) => f.name).sort(), kind).toEqual(
				Object.keys(CONNECTION_BODIES[kind].shape).sort()
			);
	});

	it('marks the secrets the server binds to a URL, and the ones it requires', () => {
		for (const kind of Object.keys(CONNECTION_FIELDS) as Kind[]) {
			const secrets = CONNECTION_FIELDS[kind].filter((f) => f.type === 'secret');
			const to = SECRET_DESTINATION[kind];
			expect(
				secrets.filter((f) => f.sentTo).map((f) => f.name),
				kind
			).toEqual(to.secrets);
			for (const f of secrets.filter((x) => x.sentTo)) expect(f.sentTo, f.name).toBe(to.field);
			for (const deployment of ['cloud', 'server'])
				expect(
					secrets
						.filter((f) => f.required && (!f.deployment || f.deployment === deployment))
						.map((f) => f.name),
					`${kind} ${deployment}`
				).toEqual(
					requiredSettings(kind, { deployment }).filter((n) => secrets.some((f) => f.name === n))
				);
		}
	});

	it('sees a changed URL as the server would, give or take a trailing slash or case', () => {
		expect(sameUrl('https://adb.example/', 'https://ADB.example')).toBe(true);
		expect(sameUrl('https://adb.example', undefined)).toBe(false);
		expect(sameUrl('https://evil.example', 'https://adb.example')).toBe(false);
	});
});
