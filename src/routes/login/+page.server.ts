import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { loginAction, safeNext } from '#lib/server/http/auth-forms.ts';
import { runtime } from '#lib/server/runtime.ts';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
	return { signupOpen: runtime().config.ALLOWED_EMAIL_DOMAINS.length > 0 };
};

export const actions: Actions = { default: (event) => loginAction(event, runtime().em()) };
