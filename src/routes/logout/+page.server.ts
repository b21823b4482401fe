import type { Actions } from './$types';
import { logoutAction } from '#lib/server/http/auth-forms.ts';
import { runtime } from '#lib/server/runtime.ts';

export const actions: Actions = { default: (event) => logoutAction(event, runtime().em()) };
