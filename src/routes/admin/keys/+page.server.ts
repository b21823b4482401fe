import type { Actions, PageServerLoad } from './$types';
import { formatRateRule } from '#lib/contracts/rate-rule.ts';
import {
	createKey,
	IngestKeyBody,
	IngestKeyLimitBody,
	revokeKey,
	setKeyRateLimit
} from '#lib/server/auth/ingest-keys.ts';
import { listIngestKeys } from '#lib/server/auth/ingest-keys.ts';
import { attempt, field, parseForm, requirePageUser } from '#lib/server/http/form-action.ts';
import { runtime } from '#lib/server/runtime.ts';

export const load: PageServerLoad = async (event) => {
	requirePageUser(event, 'admin');
	const rule = runtime().config.VIGIL_INGEST_RATE_LIMIT;
	return {
		keys: await listIngestKeys(runtime().em()),
		origin: event.url.origin,
		defaultLimit: rule ? formatRateRule(rule) : null
	};
};

export const actions: Actions = {
	create: async (event) => {
		const user = requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const values = { name: field(f, 'name') };
		const parsed = parseForm('create', IngestKeyBody, values, values);
		if (!parsed.ok) return parsed.failure;
		const key = await createKey(runtime().em(), parsed.data.name, user.id);
		// The only time the key exists outside the caller's hands: Vigil keeps its hash.
		return { form: 'create', created: { name: key.name, key: key.key } };
	},
	limit: async (event) => {
		requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const id = field(f, 'id');
		const form = `limit-${id}`;
		// Empty follows the default (VIGIL_INGEST_RATE_LIMIT).
		const values = { rate_limit: field(f, 'rate_limit').trim() };
		const parsed = parseForm(
			form,
			IngestKeyLimitBody,
			{ rate_limit: values.rate_limit || null },
			values
		);
		if (!parsed.ok) return parsed.failure;
		const done = await attempt(
			form,
			() => setKeyRateLimit(runtime().em(), id, parsed.data.rate_limit),
			values
		);
		if (!done.ok) return done.failure;
		return { form, saved: true };
	},
	revoke: async (event) => {
		requirePageUser(event, 'admin');
		const id = field(await event.request.formData(), 'id');
		const done = await attempt(`revoke-${id}`, () => revokeKey(runtime().em(), id));
		if (!done.ok) return done.failure;
		return { form: `revoke-${id}`, revoked: true };
	}
};
