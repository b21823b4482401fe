import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { signupAction } from '#lib/server/auth/forms.ts';
import { runtime } from '#lib/server/runtime.ts';

export const load: PageServerLoad = ({ locals }) => {
	if (locals.user) redirect(303, '/');
	return { domains: runtime().config.ALLOWED_EMAIL_DOMAINS };
};

export const actions: Actions = { default: signupAction };
