import type { Actions, PageServerLoad } from './$types';
import { field, parseForm, requirePageUser } from '#lib/server/http/form-action.ts';
import {
	GroupingBody,
	groupingSettings,
	updateGroupingSettings
} from '#lib/server/incidents/settings.ts';
import { runtime } from '#lib/server/runtime.ts';

export const load: PageServerLoad = async (event) => {
	requirePageUser(event, 'admin');
	return { settings: await groupingSettings(runtime().pool, true) };
};

export const actions: Actions = {
	default: async (event) => {
		const user = requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const minutes = field(f, 'window_minutes');
		const values = {
			enabled: f.get('enabled') === 'on',
			keys: f.getAll('keys').map(String),
			window_minutes: minutes
		};
		// The same schema as PUT /api/admin/incident-grouping; a blank or non-number window is
		// passed through as typed so its message names the field.
		const parsed = parseForm(
			'grouping',
			GroupingBody,
			{ ...values, window_minutes: /^\d+$/.test(minutes) ? Number(minutes) : minutes },
			values
		);
		if (!parsed.ok) return parsed.failure;
		await updateGroupingSettings(runtime().pool, parsed.data, user.email);
		return { form: 'grouping', saved: true };
	}
};
