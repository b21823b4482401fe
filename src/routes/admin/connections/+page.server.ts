import type { Actions, PageServerLoad } from './$types';
import { testConnection } from '#lib/server/integrations/connection-test.ts';
import {
	CONNECTION_BODIES,
	connectionKind,
	listConnections,
	saveConnectionSettings
} from '#lib/server/connections/settings.ts';
import { attempt, field, parseForm, requirePageUser } from '#lib/server/http/form-action.ts';
import { pollState } from '#lib/server/jira/poll.ts';
import { runtime } from '#lib/server/runtime.ts';
import { CONNECTION_FIELDS, connectionInput } from './fields.ts';

export const load: PageServerLoad = async (event) => {
	requirePageUser(event, 'admin');
	const rt = runtime();
	const [connections, jiraPoll] = await Promise.all([listConnections(rt), pollState(rt.pool)]);
	return { connections, jiraPoll };
};

export const actions: Actions = {
	save: async (event) => {
		requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const form = `save-${field(f, 'kind')}`;
		const known = await attempt(form, async () => connectionKind(field(f, 'kind')));
		if (!known.ok) return known.failure;
		const kind = known.value;
		const input = connectionInput(kind, f);
		// Secrets never travel back to the page, not even the ones just typed.
		const secret = new Set(
			CONNECTION_FIELDS[kind].filter((x) => x.type === 'secret').map((x) => x.name)
		);
		const values = Object.fromEntries(Object.entries(input).filter(([k]) => !secret.has(k)));
		const parsed = parseForm(form, CONNECTION_BODIES[kind], input, values);
		if (!parsed.ok) return parsed.failure;
		// A refused save keeps what was typed (a new URL, say), so the admin can add the secret.
		const saved = await attempt(
			form,
			() => saveConnectionSettings(runtime(), kind, parsed.data),
			values
		);
		if (!saved.ok) return saved.failure;
		return { form, saved: true };
	},
	test: async (event) => {
		requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const form = `test-${field(f, 'kind')}`;
		const done = await attempt(form, async () =>
			testConnection(runtime(), connectionKind(field(f, 'kind')))
		);
		if (!done.ok) return done.failure;
		return { form, test: done.value };
	}
};
