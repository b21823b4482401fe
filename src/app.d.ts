import type { AuthUser } from '#lib/server/auth/sessions.ts';

declare global {
	namespace App {
		interface Error {
			message: string;
			errorId?: string;
		}
		interface Locals {
			requestId: string;
			user: AuthUser | null;
			/** How the user authenticated: browser session cookie or personal API token. */
			via: 'session' | 'token' | null;
			sessionToken: string | null;
		}
	}
}

export {};
