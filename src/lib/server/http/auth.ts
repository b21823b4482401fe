import type { RequestEvent } from '@sveltejs/kit';
import type { Role } from '../auth/entities.ts';
import type { AuthUser } from '../auth/sessions.ts';
import type { Actor } from '../tickets/audit.ts';
import { ApiError } from '../errors.ts';

const RANK: Record<Role, number> = { viewer: 0, responder: 1, admin: 2 };

/** The signed-in user of an API request, or a 401 / 403 naming what is missing. */
export function requireUser(event: RequestEvent, role: Role = 'viewer'): AuthUser {
	const user = event.locals.user;
	if (!user)
		throw new ApiError(401, 'unauthorized', 'Sign in or send Authorization: Bearer <token>');
	if (RANK[user.role] < RANK[role])
		throw new ApiError(403, 'forbidden', `This needs the ${role} role; you are ${user.role}`);
	return user;
}

/** Who did it, as the audit trail records it: a browser session acts from the dashboard. */
export function actorOf(event: RequestEvent, user: AuthUser): Actor {
	return {
		name: user.name || user.email,
		source: event.locals.via === 'token' ? 'api' : 'dashboard',
		userId: user.id
	};
}
