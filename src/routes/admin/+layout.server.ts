import type { LayoutServerLoad } from './$types';
import { requirePageUser } from '#lib/server/http/form-action.ts';

/** Every admin page needs the admin role; each action checks again (actions skip this load). */
export const load: LayoutServerLoad = (event) => {
	requirePageUser(event, 'admin');
	return {};
};
