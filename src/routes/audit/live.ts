import type { Socket } from 'socket.io-client';
import type { AuditEntryDto, ServerToClientEvents } from '#lib/contracts/tickets.ts';

/**
 * Subscribes to new audit entries over the board's Socket.IO connection (same session
 * cookie). Returns a stop function; the page works without it, this only keeps it current.
 */
export function watchAudit(handlers: {
	entry: (e: AuditEntryDto) => void;
	connected: (up: boolean) => void;
}): () => void {
	let socket: Socket<ServerToClientEvents> | undefined;
	let stopped = false;
	void import('socket.io-client').then(({ io }) => {
		if (stopped) return;
		socket = io({ transports: ['websocket', 'polling'] });
		socket.on('connect', () => handlers.connected(true));
		socket.on('disconnect', () => handlers.connected(false));
		socket.on('audit:appended', handlers.entry);
	});
	return () => {
		stopped = true;
		socket?.disconnect();
	};
}
