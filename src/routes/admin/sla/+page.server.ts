import type { Actions, PageServerLoad } from './$types';
import { getSlaPolicy, SlaPolicyBody, updateSlaPolicy } from '#lib/server/routing/sla-policy.ts';
import { attempt, field, problem, requirePageUser } from '#lib/server/http/form-action.ts';
import { runtime } from '#lib/server/runtime.ts';
import { PRIORITY_ROWS, toSeconds } from './units.ts';

export const load: PageServerLoad = async (event) => {
	requirePageUser(event, 'admin');
	return await getSlaPolicy(runtime().em());
};

export const actions: Actions = {
	default: async (event) => {
		requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const values: Record<string, string> = {};
		const errors: { field: string; message: string }[] = [];
		const policy: Record<string, number> = {};
		for (const { priority } of PRIORITY_ROWS) {
			const amount = field(f, priority);
			const unit = field(f, `${priority}_unit`);
			values[priority] = amount;
			values[`${priority}_unit`] = unit;
			const seconds = toSeconds(amount, unit);
			if (seconds === null)
				errors.push({ field: priority, message: 'enter a number of minutes or hours' });
			else policy[priority] = seconds;
		}
		const parsed = SlaPolicyBody.safeParse(policy);
		if (errors.length === 0 && !parsed.success)
			for (const issue of parsed.error.issues)
				errors.push({ field: String(issue.path[0]), message: 'must be from 1 minute to 30 days' });
		if (errors.length > 0 || !parsed.success)
			return problem('sla', 400, 'Check the highlighted priorities.', errors, values);
		const done = await attempt('sla', () => updateSlaPolicy(runtime().em(), parsed.data), values);
		if (!done.ok) return done.failure;
		return { form: 'sla', saved: true };
	}
};
