import type { Actions, PageServerLoad } from './$types';
import {
	getRecoverySettings,
	RecoverySettingsBody,
	updateRecoverySettings
} from '#lib/server/recovery/settings.ts';
import { attempt, field, parseForm, requirePageUser } from '#lib/server/http/form-action.ts';
import { runtime } from '#lib/server/runtime.ts';
import { SOURCES } from '#lib/contracts/words.ts';

export const load: PageServerLoad = async (event) => {
	requirePageUser(event, 'admin');
	return { recovery: await getRecoverySettings(runtime().pool) };
};

export const actions: Actions = {
	default: async (event) => {
		requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const values = Object.fromEntries(SOURCES.map((s) => [s, field(f, s)]));
		const parsed = parseForm('recovery', RecoverySettingsBody, values, values);
		if (!parsed.ok) return parsed.failure;
		const done = await attempt(
			'recovery',
			() => updateRecoverySettings(runtime().pool, parsed.data),
			values
		);
		if (!done.ok) return done.failure;
		return { form: 'recovery', saved: true };
	}
};
