import type { Server } from 'socket.io';

/**
 * The custom server and the SvelteKit bundle are two module graphs; the
 * Socket.IO server crosses from one to the other through this slot on
 * globalThis (the others: server/index.ts stopping the runtime at shutdown,
 * through runtime.ts's slot, and handing it the plain webhooks, through
 * http/direct-seam.ts). The runtime waits for it with `onSocketServer()`.
 */
const SLOT = Symbol.for('vigil.socket-server');

type Slot = { io?: Server; waiters: ((io: Server) => void)[] };

function slot(): Slot {
	const g = globalThis as unknown as Record<symbol, Slot | undefined>;
	return (g[SLOT] ??= { waiters: [] });
}

export function publishSocketServer(io: Server): void {
	const s = slot();
	s.io = io;
	for (const w of s.waiters.splice(0)) w(io);
}

export function currentSocketServer(): Server | undefined {
	return slot().io;
}

export function onSocketServer(cb: (io: Server) => void): void {
	const s = slot();
	if (s.io) cb(s.io);
	else s.waiters.push(cb);
}
