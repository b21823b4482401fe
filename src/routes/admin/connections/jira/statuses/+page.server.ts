import type { Actions, PageServerLoad } from './$types';
import {
	attempt,
	field,
	parseForm,
	problem,
	requirePageUser
} from '#lib/server/http/form-action.ts';
import {
	discoverStatuses,
	saveStatusMapping,
	StatusMappingInput,
	StatusProjectQuery,
	VIGIL_ACTIONS,
	type StatusMapping
} from '#lib/server/jira/statuses.ts';
import { runtime } from '#lib/server/runtime.ts';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const load: PageServerLoad = async (event) => {
	requirePageUser(event, 'admin');
	const rt = runtime();
	const handle = await rt.jira();
	const base = {
		configured: Boolean(handle),
		project: '',
		mapping: null as StatusMapping | null,
		error: null as string | null
	};
	if (!handle) return base;
	const project = (event.url.searchParams.get('project') ?? handle.config.projectKey ?? '').trim();
	if (!project) return base;
	const key = StatusProjectQuery.safeParse({ project });
	if (!key.success) return { ...base, project, error: key.error.issues[0]!.message };
	try {
		return {
			...base,
			project: key.data.project,
			mapping: await discoverStatuses(rt.jira, key.data.project)
		};
	} catch (err) {
		return { ...base, project: key.data.project, error: message(err) };
	}
};

export const actions: Actions = {
	save: async (event) => {
		requirePageUser(event, 'admin');
		const f = await event.request.formData();
		// One select per status (`state.<name>`, empty = by category) and one per action.
		const states: Record<string, string> = {};
		for (const [name, value] of f.entries())
			if (name.startsWith('state.') && typeof value === 'string' && value)
				states[name.slice('state.'.length)] = value;
		const actions = Object.fromEntries(
			VIGIL_ACTIONS.map((a) => [a, field(f, `action.${a}`) || null])
		);
		const values = { states, actions };
		const parsed = parseForm(
			'statuses',
			StatusMappingInput,
			{ projectKey: field(f, 'projectKey'), states, actions },
			values
		);
		if (!parsed.ok) return parsed.failure;
		const rt = runtime();
		const done = await attempt(
			'statuses',
			() => saveStatusMapping({ pool: rt.pool, jira: rt.jira }, parsed.data),
			values
		);
		if (!done.ok) return done.failure;
		if (done.value.problems.length)
			return problem('statuses', 400, '', done.value.problems, values);
		return { form: 'statuses', saved: true };
	}
};
