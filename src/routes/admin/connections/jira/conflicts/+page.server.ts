import type { Actions, PageServerLoad } from './$types';
import { attempt, field, parseForm, requirePageUser } from '#lib/server/http/form-action.ts';
import {
	ConflictDecision,
	conflictId,
	listConflicts,
	loadReconcileSettings,
	ReconcileSettingsInput,
	requestReconciliation,
	resolveConflict,
	saveReconcileSettings
} from '#lib/server/jira/reconcile.ts';
import { runtime } from '#lib/server/runtime.ts';

export const load: PageServerLoad = async (event) => {
	requirePageUser(event, 'admin');
	const rt = runtime();
	const [handle, settings, conflicts] = await Promise.all([
		rt.jira(),
		loadReconcileSettings(rt.pool),
		listConflicts(rt.pool)
	]);
	return { configured: Boolean(handle), settings, conflicts };
};

export const actions: Actions = {
	settings: async (event) => {
		const user = requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const values = { policy: field(f, 'policy'), everyMinutes: field(f, 'everyMinutes') };
		const parsed = parseForm('settings', ReconcileSettingsInput, values, values);
		if (!parsed.ok) return parsed.failure;
		await saveReconcileSettings(runtime(), parsed.data, user.name);
		return { form: 'settings', saved: true };
	},
	run: async (event) => {
		requirePageUser(event, 'admin');
		const queued = await requestReconciliation(runtime().boss);
		return { form: 'run', queued };
	},
	resolve: async (event) => {
		const user = requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const parsed = parseForm('conflict', ConflictDecision, { side: field(f, 'side') });
		if (!parsed.ok) return parsed.failure;
		const rt = runtime();
		const done = await attempt('conflict', async () =>
			resolveConflict(
				{ pool: rt.pool, jira: rt.jira },
				conflictId(field(f, 'id')),
				parsed.data.side,
				user.name
			)
		);
		if (!done.ok) return done.failure;
		return { form: 'conflict', resolved: done.value };
	}
};
