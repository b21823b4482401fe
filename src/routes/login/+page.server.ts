import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { loginAction, NEUTRAL_SIGNUP, safeNext } from '#lib/server/http/auth-forms.ts';
import { runtime } from '#lib/server/runtime.ts';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.user) redirect(303, safeNext(url.searchParams.get('next')));
	return {
		signupOpen: runtime().config.ALLOWED_EMAIL_DOMAINS.length > 0,
		notice: url.searchParams.has('signed_up') ? NEUTRAL_SIGNUP : null
	};
};

export const actions: Actions = {
	default: (event) => {
		const rt = runtime();
		return loginAction(event, { em: rt.em(), limits: rt.limits });
	}
};
