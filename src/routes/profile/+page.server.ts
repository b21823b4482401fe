import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { createApiToken, listApiTokens, revokeApiToken } from '#lib/server/auth/sessions.ts';
import { field, parseForm, problem, requirePageUser } from '#lib/server/http/form-action.ts';
import { runtime } from '#lib/server/runtime.ts';

// The same rule as POST /api/tokens.
const TokenBody = z.object({ name: z.string().trim().min(1, 'required').max(100) });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async (event) => {
	const user = requirePageUser(event, 'viewer');
	const rt = runtime();
	return {
		tokens: await listApiTokens(rt.em(), user.id),
		origin: rt.config.ORIGIN ?? event.url.origin
	};
};

export const actions: Actions = {
	create: async (event) => {
		const user = requirePageUser(event, 'viewer');
		const values = { name: field(await event.request.formData(), 'name') };
		const parsed = parseForm('create', TokenBody, values, values);
		if (!parsed.ok) return parsed.failure;
		const created = await createApiToken(runtime().em(), user.id, parsed.data.name);
		return { form: 'create', created: { name: parsed.data.name, token: created.token } };
	},
	revoke: async (event) => {
		const user = requirePageUser(event, 'viewer');
		const id = field(await event.request.formData(), 'id');
		// Only the signed-in user's own tokens: the query is scoped to their id.
		if (!UUID.test(id) || !(await revokeApiToken(runtime().em(), user.id, id)))
			return problem(`revoke-${id}`, 404, 'No active token of yours with this id.', null);
		return { form: `revoke-${id}`, revoked: true };
	}
};
