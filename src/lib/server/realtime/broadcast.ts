import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '#lib/contracts/tickets.ts';
import type { AuthUser } from '../auth/sessions.ts';
import { subscribe } from './events.ts';

type Io = Server<ClientToServerEvents, ServerToClientEvents>;

const BOARD = 'board';

/**
 * Authenticates every handshake (session cookie or bearer token) and forwards
 * the domain events to signed-in sockets only. Returns a detach function.
 */
export function attachRealtime(
	io: Server,
	authenticate: (auth: { cookie?: string; token?: string }) => Promise<AuthUser | null>
): () => void {
	const typed = io as unknown as Io;
	typed.use((socket: Socket, next) => {
		const header = socket.handshake.headers.authorization;
		const token =
			(typeof socket.handshake.auth?.token === 'string'
				? socket.handshake.auth.token
				: undefined) ?? (header?.startsWith('Bearer ') ? header.slice(7) : undefined);
		authenticate({ cookie: socket.handshake.headers.cookie, token })
			.then((user) => {
				if (!user) return next(new Error('unauthorized'));
				socket.data.user = user;
				void socket.join(BOARD);
				next();
			})
			.catch(() => next(new Error('unauthorized')));
	});
	const offs = [
		subscribe('ticket:created', (t) => typed.to(BOARD).emit('ticket:created', t)),
		subscribe('ticket:updated', (t) => typed.to(BOARD).emit('ticket:updated', t)),
		subscribe('audit:appended', (a) => typed.to(BOARD).emit('audit:appended', a))
	];
	return () => offs.forEach((off) => off());
}
