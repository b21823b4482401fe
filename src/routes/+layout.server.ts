import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ locals, cookies }) => ({
	user: locals.user,
	theme: cookies.get('vigil_theme') === 'light' ? ('light' as const) : ('dark' as const)
});
