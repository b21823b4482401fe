import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RouteServer {
	url: string;
	server: Server;
	close(): Promise<void>;
}

/**
 * A tiny HTTP server in front of one route's Fetch-style handler, as
 * SvelteKit's adapter serves it: for tests that drive a route over real HTTP
 * (Slack's or Jira's deliveries) without the whole app.
 */
export async function serveRoute(
	path: string,
	handle: (request: Request) => Response | Promise<Response>
): Promise<RouteServer> {
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const headers = new Headers();
			for (const [k, v] of Object.entries(req.headers))
				if (typeof v === 'string') headers.set(k, v);
			const request = new Request(`http://127.0.0.1${req.url}`, {
				method: req.method,
				headers,
				body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks)
			});
			void Promise.resolve(handle(request)).then(async (response) => {
				res.writeHead(response.status, Object.fromEntries(response.headers));
				res.end(Buffer.from(await response.arrayBuffer()));
			});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}${path}`,
		server,
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			})
	};
}
