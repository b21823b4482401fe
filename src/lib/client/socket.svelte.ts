import { io, type Socket } from 'socket.io-client';
import type {
	AuditEntryDto,
	ClientToServerEvents,
	ServerToClientEvents,
	TicketDto
} from '#lib/contracts/tickets.ts';

export type LinkState = 'live' | 'reconnecting' | 'polling';
export type TicketEventKind = 'created' | 'updated';

/** While the socket is down, the page refetches what it shows this often. */
export const POLL_MS = 15_000;
/** How long a lost socket may try to come back before the page falls back to polling. */
const GRACE_MS = 4000;
/** The server refused the handshake (expired session?): socket.io does not retry that by itself. */
const REFUSED_RETRY_MS = 10_000;

type TicketListener = (t: TicketDto, kind: TicketEventKind) => void;
type AuditListener = (a: AuditEntryDto) => void;
/** Re-reads the page's view from the HTTP API: after every (re)connect, and each poll while offline. */
type SyncListener = () => void | Promise<void>;

/**
 * One Socket.IO connection per browser tab, shared by the pages (the board and
 * a ticket's page), authenticated by the session cookie like any request.
 */
class LiveLink {
	state = $state<LinkState>('reconnecting');
	/** False until the first connect, so the indicator can say "Connecting" rather than "Reconnecting". */
	everConnected = $state(false);

	#socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
	#tickets = new Set<TicketListener>();
	#audits = new Set<AuditListener>();
	#syncs = new Set<SyncListener>();
	#graceTimer: ReturnType<typeof setTimeout> | null = null;
	#pollTimer: ReturnType<typeof setInterval> | null = null;

	/** Connects on first use; later calls share the same socket. */
	start(): void {
		if (this.#socket) return;
		const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
			transports: ['websocket', 'polling'],
			withCredentials: true,
			// A handshake that hangs (a proxy swallowing the upgrade) is retried after 8 s, not 20.
			timeout: 8000
		});
		this.#socket = socket;
		this.#armFallback();
		socket.on('connect', () => {
			this.state = 'live';
			this.everConnected = true;
			this.#stopFallback();
			this.#sync();
		});
		socket.on('disconnect', () => {
			this.state = 'reconnecting';
			this.#armFallback();
		});
		socket.on('connect_error', () => {
			if (!socket.active) setTimeout(() => socket.connect(), REFUSED_RETRY_MS);
		});
		socket.on('ticket:created', (t) => this.#tickets.forEach((fn) => fn(t, 'created')));
		socket.on('ticket:updated', (t) => this.#tickets.forEach((fn) => fn(t, 'updated')));
		socket.on('audit:appended', (a) => this.#audits.forEach((fn) => fn(a)));
	}

	onTicket(fn: TicketListener): () => void {
		this.#tickets.add(fn);
		return () => this.#tickets.delete(fn);
	}

	onAudit(fn: AuditListener): () => void {
		this.#audits.add(fn);
		return () => this.#audits.delete(fn);
	}

	onSync(fn: SyncListener): () => void {
		this.#syncs.add(fn);
		return () => this.#syncs.delete(fn);
	}

	#sync(): void {
		for (const fn of this.#syncs) void Promise.resolve(fn()).catch(() => undefined);
	}

	#armFallback(): void {
		if (this.#graceTimer || this.#pollTimer) return;
		this.#graceTimer = setTimeout(() => {
			this.#graceTimer = null;
			if (this.#socket?.connected) return;
			this.state = 'polling';
			this.#sync();
			this.#pollTimer = setInterval(() => this.#sync(), POLL_MS);
		}, GRACE_MS);
	}

	#stopFallback(): void {
		if (this.#graceTimer) clearTimeout(this.#graceTimer);
		if (this.#pollTimer) clearInterval(this.#pollTimer);
		this.#graceTimer = null;
		this.#pollTimer = null;
	}
}

export const live = new LiveLink();
