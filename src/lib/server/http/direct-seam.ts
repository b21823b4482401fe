import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers the request and returns true, or leaves it untouched and returns false. */
export type DirectHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * server/index.ts and the SvelteKit bundle are two module graphs: direct-webhooks.ts's handler
 * crosses from the bundle (hooks.server.ts's init, once the runtime is up) through this slot
 * on globalThis, as the Socket.IO server crosses the other way (realtime/seam.ts). This file
 * imports nothing of the bundle's, so server/index.ts can load it.
 */
const SLOT = Symbol.for('vigil.direct-webhooks');

export function publishDirectWebhooks(handler: DirectHandler): void {
	(globalThis as Record<symbol, unknown>)[SLOT] = handler;
}

/** The handler, once the bundle has published it (until then every request goes to SvelteKit). */
export function directWebhooks(): DirectHandler | undefined {
	return (globalThis as Record<symbol, DirectHandler | undefined>)[SLOT];
}
