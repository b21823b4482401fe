import type { Actions } from './$types';
import { logoutAction } from '#lib/server/auth/forms.ts';

export const actions: Actions = { default: logoutAction };
