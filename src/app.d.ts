import type { AuthUser } from '#lib/server/auth/sessions.ts';
import type { ApiError } from '#lib/server/errors.ts';

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
			/** The personal API token's id when via is 'token' (the MCP access log names it). */
			tokenId: string | null;
			/** A 4xx thrown by a route, answered as JSON by the apiErrors handle. */
			apiError: ApiError | null;
		}
	}
}

export {};
