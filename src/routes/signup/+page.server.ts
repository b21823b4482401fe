import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { signupAction } from '#lib/server/http/auth-forms.ts';
import { runtime } from '#lib/server/runtime.ts';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.user) redirect(303, '/');
	return { domains: runtime().config.ALLOWED_EMAIL_DOMAINS };
};

export const actions: Actions = {
	default: (event) => {
		const rt = runtime();
		return signupAction(event, {
			em: rt.em(),
			limits: rt.limits,
			allowedDomains: rt.config.ALLOWED_EMAIL_DOMAINS
		});
	}
};
