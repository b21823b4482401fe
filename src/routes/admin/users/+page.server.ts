import type { Actions, PageServerLoad } from './$types';
import { listUsers, RoleBody, setUserRole } from '#lib/server/auth/users.ts';
import { attempt, field, parseForm, requirePageUser } from '#lib/server/http/form-action.ts';
import { runtime } from '#lib/server/runtime.ts';

export const load: PageServerLoad = async (event) => {
	requirePageUser(event, 'admin');
	return { users: await listUsers(runtime().em()) };
};

export const actions: Actions = {
	role: async (event) => {
		requirePageUser(event, 'admin');
		const f = await event.request.formData();
		const id = field(f, 'id');
		const form = `role-${id}`;
		const parsed = parseForm(form, RoleBody, { role: field(f, 'role') });
		if (!parsed.ok) return parsed.failure;
		const done = await attempt(form, () => setUserRole(runtime().em(), id, parsed.data.role));
		if (!done.ok) return done.failure;
		return { form, saved: `${done.value.name || done.value.email} is now ${done.value.role}.` };
	}
};
