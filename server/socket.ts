import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { publishSocketServer } from '../src/lib/server/realtime/seam.ts';

/**
 * Creates the Socket.IO server on the HTTP server and hands it to the SvelteKit
 * side through the seam; authentication and broadcasting live there.
 */
export function attachSocketServer(httpServer: HttpServer): Server {
	const io = new Server(httpServer, { serveClient: false, transports: ['websocket', 'polling'] });
	publishSocketServer(io);
	return io;
}
