import type { Plugin } from 'vite';

/** In `vite dev`, attach Socket.IO to Vite's HTTP server, as server/index.ts does in production. */
export function socketIoDevPlugin(): Plugin {
	return {
		name: 'vigil-socket-io-dev',
		async configureServer(server) {
			if (!server.httpServer) return;
			const { attachSocketServer } = await import('./socket.ts');
			attachSocketServer(server.httpServer as import('node:http').Server);
		}
	};
}
