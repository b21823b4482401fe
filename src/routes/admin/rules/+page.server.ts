import type { Actions, PageServerLoad } from './$types';
import {
	createRule,
	deleteRule,
	listRules,
	RuleCreateBody,
	RuleUpdateBody,
	updateRule
} from '#lib/server/routing/rules.ts';
import {
	attempt,
	field,
	parseForm,
	problem,
	requirePageUser
} from '#lib/server/http/form-action.ts';
import { runtime } from '#lib/server/runtime.ts';
import { ruleInput } from './rule-input.ts';

export const load: PageServerLoad = async (event) => {
	requirePageUser(event, 'admin');
	return { rules: await listRules(runtime().em()) };
};

export const actions: Actions = {
	create: async (event) => {
		requirePageUser(event, 'admin');
		const input = ruleInput(await event.request.formData(), false);
		if (!input.ok)
			return problem('create', 400, 'Check the highlighted fields.', input.errors, input.values);
		const parsed = parseForm('create', RuleCreateBody, input.body, input.values);
		if (!parsed.ok) return parsed.failure;
		const done = await attempt(
			'create',
			() => createRule(runtime().em(), parsed.data),
			input.values
		);
		if (!done.ok) return done.failure;
		return {
			form: 'create',
			saved: `Rule “${done.value.name}” added at position ${done.value.position}.`
		};
	},
	update: async (event) => {
		requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const id = field(f, 'id');
		const form = `edit-${id}`;
		// The default rule's pattern and place are fixed: only its tags are sent (the service refuses more).
		const input = ruleInput(f, f.get('is_default') === 'true');
		if (!input.ok)
			return problem(form, 400, 'Check the highlighted fields.', input.errors, input.values);
		const parsed = parseForm(form, RuleUpdateBody, input.body, input.values);
		if (!parsed.ok) return parsed.failure;
		const done = await attempt(
			form,
			() => updateRule(runtime().em(), id, parsed.data),
			input.values
		);
		if (!done.ok) return done.failure;
		return { form, saved: `Rule “${done.value.name}” saved.` };
	},
	delete: async (event) => {
		requirePageUser(event, 'admin');
		const id = field(await event.request.formData(), 'id');
		const done = await attempt(`delete-${id}`, () => deleteRule(runtime().em(), id));
		if (!done.ok) return done.failure;
		return { form: 'delete', saved: 'Rule deleted.' };
	}
};
