import { describe, expect, it } from 'vitest';
import { CONNECTION_BODIES } from '#lib/server/connections/settings.ts';
import { CONNECTION_FIELDS, connectionInput, type Kind } from './fields.ts';

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
});
