import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '#lib/contracts/tickets.ts';
import { credentialKey, type AuthUser, type Credential, type Principal } from '../auth/sessions.ts';
import { log } from '../log.ts';
import { subscribe, type AuthRevoked } from '../events.ts';

interface SocketData {
	user: AuthUser;
	/** What the handshake authenticated with: the socket lives only as long as it does. */
	credential: Credential;
}
/** Between instances (serverSideEmit, through the cluster adapter): never seen by a browser. */
interface InterServerEvents {
	/** A user's role changed on the sending instance: their sockets here re-authenticate. */
	'vigil:reauthenticate': (userId: string) => void;
}
type Io = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

const BOARD = 'board';
/**
 * Every socket also joins rooms named after its user and its credential, so a revocation
 * reaches it through the adapter whichever instance holds it (`io.in(room).disconnectSockets`
 * is broadcast to all of them; a loop over this process's sockets would miss the others).
 */
const userRoom = (id: string) => `user:${id}`;
const credentialRoom = (c: Credential) => `${c.kind}:${c.id}`;
/** Every open socket's credential is checked again this often (expiry, other instances). */
export const RECHECK_MS = 30_000;
const RECHECK_BATCH = 500;

export interface RealtimeDeps {
	/** The session cookie's or bearer token's principal, or null. */
	authenticate(auth: { cookie?: string; token?: string }): Promise<Principal | null>;
	/** Which of these credentials still hold, and for whom now (see recheckCredentials). */
	recheck(credentials: Credential[]): Promise<Map<string, AuthUser>>;
	/** config.ORIGIN; unset, a handshake must come from the origin it was sent to (its Host). */
	origin?: string;
	recheckMs?: number;
}

type Handshake = Socket['handshake'];

function bearer(handshake: Handshake): string | undefined {
	const auth = handshake.auth as { token?: unknown } | undefined;
	if (typeof auth?.token === 'string' && auth.token) return auth.token;
	const header = handshake.headers.authorization;
	return header?.startsWith('Bearer ') ? header.slice(7).trim() || undefined : undefined;
}

/** The origin a browser page of Vigil itself has, as the HTTP CSRF check sees it. */
function ownOrigin(handshake: Handshake, configured: string | undefined): string | null {
	if (configured) return new URL(configured).origin;
	const host = handshake.headers.host;
	if (!host) return null;
	const forwarded = handshake.headers['x-forwarded-proto'];
	const proto =
		(typeof forwarded === 'string' && forwarded.split(',')[0]!.trim()) ||
		(handshake.secure ? 'https' : 'http');
	try {
		return new URL(`${proto}://${host}`).origin;
	} catch {
		return null;
	}
}

function sameOrigin(origin: string, own: string | null): boolean {
	try {
		return own !== null && new URL(origin).origin === own;
	} catch {
		return false; // "null" (a sandboxed frame, a file: page) or garbage
	}
}

/**
 * Authenticates every handshake and forwards the domain events to signed-in sockets only.
 *
 * Cross-site WebSocket hijacking: a browser sends the session cookie with a WebSocket from
 * any page, so a handshake with an Origin must come from Vigil's own origin. One without
 * an Origin is not a browser page: it may sign in with a bearer token, never the cookie.
 *
 * A socket lives only as long as its credential: signing out, revoking the token or
 * deleting the user cuts it at once (the auth:revoked event); a role change makes it
 * reconnect, and so re-authenticate (auth:changed); and every RECHECK_MS all sockets are
 * checked against the database, which catches expiry and changes made on other instances.
 * Returns a detach function.
 */
export function attachRealtime(io: Server, deps: RealtimeDeps): () => void {
	const typed = io as unknown as Io;
	typed.use((socket, next) => {
		const { handshake } = socket;
		const token = bearer(handshake);
		const origin = handshake.headers.origin;
		if (origin !== undefined && !sameOrigin(origin, ownOrigin(handshake, deps.origin)))
			return next(new Error('forbidden_origin'));
		const cookie = origin !== undefined ? handshake.headers.cookie : undefined;
		if (!token && !cookie) return next(new Error('unauthorized'));
		deps
			.authenticate(token ? { token } : { cookie })
			.then((principal) => {
				if (!principal) return next(new Error('unauthorized'));
				socket.data = { user: principal.user, credential: principal.credential };
				void socket.join([
					BOARD,
					userRoom(principal.user.id),
					credentialRoom(principal.credential)
				]);
				next();
			})
			.catch(() => next(new Error('unauthorized')));
	});

	const sockets = (): LiveSocket[] =>
		[...typed.of('/').sockets.values()].filter((s) => s.data?.credential);

	/** The socket stops: the client sees "io server disconnect" and does not come back by itself. */
	const cut = (s: LiveSocket) => s.disconnect(true);
	/** The transport closes: the client reconnects at once, through the handshake above. */
	const reauthenticate = (s: LiveSocket) => s.conn.close();

	/** The rooms of every socket a revocation ends, on any instance. */
	const revokedRooms = (r: AuthRevoked): string[] => [
		...(r.userId !== undefined ? [userRoom(r.userId)] : []),
		...(r.sessionId !== undefined ? [credentialRoom({ kind: 'session', id: r.sessionId })] : []),
		...(r.tokenId !== undefined ? [credentialRoom({ kind: 'token', id: r.tokenId })] : [])
	];
	const reauthenticateHere = (userId: string) => {
		for (const s of sockets()) if (s.data.user.id === userId) reauthenticate(s);
	};
	// Only the transport can be closed to make a client reconnect, and a remote socket has
	// none: each instance does it to its own sockets when told.
	typed.on('vigil:reauthenticate', reauthenticateHere);

	let checking = false;
	async function recheckAll(): Promise<void> {
		if (checking) return;
		checking = true;
		try {
			const all = sockets();
			for (let i = 0; i < all.length; i += RECHECK_BATCH) {
				const batch = all.slice(i, i + RECHECK_BATCH);
				const valid = await deps.recheck(batch.map((s) => s.data.credential));
				for (const s of batch) {
					if (!s.connected) continue;
					const now = valid.get(credentialKey(s.data.credential));
					if (!now) cut(s);
					else if (now.role !== s.data.user.role) reauthenticate(s);
					else s.data.user = now;
				}
			}
		} catch (err) {
			log.warn({ err }, 'could not re-check the open sockets; trying again at the next period');
		} finally {
			checking = false;
		}
	}
	const timer = setInterval(() => void recheckAll(), deps.recheckMs ?? RECHECK_MS);
	timer.unref();

	const offs = [
		subscribe('ticket:created', (t) => typed.to(BOARD).emit('ticket:created', t)),
		subscribe('ticket:updated', (t) => typed.to(BOARD).emit('ticket:updated', t)),
		subscribe('audit:appended', (a) => typed.to(BOARD).emit('audit:appended', a)),
		subscribe('auth:revoked', (r) => {
			const rooms = revokedRooms(r);
			// disconnectSockets(true) cuts as `cut` does: the client is told, and stays away.
			if (rooms.length > 0) typed.in(rooms).disconnectSockets(true);
		}),
		subscribe('auth:changed', ({ userId }) => {
			reauthenticateHere(userId);
			// Alone (or on the in-memory adapter, which only warns) there is nobody to tell.
			void Promise.resolve(typed.of('/').adapter.serverCount())
				.then((n) => n > 1 && typed.serverSideEmit('vigil:reauthenticate', userId))
				.catch((err) => log.warn({ err }, 'could not tell the other instances of a role change'));
		})
	];
	return () => {
		clearInterval(timer);
		typed.off('vigil:reauthenticate', reauthenticateHere);
		offs.forEach((off) => off());
	};
}
