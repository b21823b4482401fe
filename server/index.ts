/**
 * Production entry: one HTTP server for SvelteKit and Socket.IO. Transport
 * only; the domain runtime starts inside the SvelteKit bundle (its init hook)
 * and receives the Socket.IO server through the seam. The plain webhooks are
 * handed to the bundle's own handler before SvelteKit (http/direct-seam.ts).
 */
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { directWebhooks } from '../src/lib/server/http/direct-seam.ts';
import { attachSocketServer } from './socket.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '0.0.0.0';

// adapter-node assumes https unless told the scheme; without ORIGIN set, derive it per
// request (a proxy's X-Forwarded-Proto, else the socket) so cookies and the CSRF check
// are right on plain http://localhost as well as behind TLS.
process.env.PROTOCOL_HEADER ??= 'x-vigil-proto';
// Webhooks take up to 1 MiB and answer a larger body with Vigil's JSON 413 (recorded); adapter-node's
// own limit (512 KiB by default) must sit above that, or it refuses first. 1 MiB + 64 KiB.
process.env.BODY_SIZE_LIMIT ??= String(1024 * 1024 + 64 * 1024);

/** hooks.server.ts's CSP for what is not a page: a static file may run, load or frame nothing. */
const STATIC_CSP =
	"default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

// Behind a load balancer (several instances), a connection it keeps open must not be closed
// by Vigil first: a request sent on it just as Node's 5 s idle timer fires is reset (the
// balancer answers 502, a scheduler sees ECONNRESET). Longer than the common balancers' 60 s.
const httpServer = createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000 });
const io = attachSocketServer(httpServer);
// Importing the handler runs SvelteKit's init hook: database, migrations, jobs.
const { handler } = (await import(pathToFileURL(path.join(root, 'build/handler.js')).href)) as {
	handler: (
		req: import('node:http').IncomingMessage,
		res: import('node:http').ServerResponse
	) => void;
};
httpServer.on('request', (req, res) => {
	if (req.url?.startsWith('/socket.io/')) return; // Socket.IO answers these itself.
	const forwarded = req.headers['x-forwarded-proto'];
	const proto =
		(typeof forwarded === 'string' && forwarded.split(',')[0]!.trim()) ||
		('encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http');
	req.headers['x-vigil-proto'] = proto;
	// The static files under /_app are served before SvelteKit's hooks, which set these on
	// everything else (hooks.server.ts): set here they reach every answer. HSTS only when
	// the browser reached Vigil over TLS (directly or through a proxy saying so).
	res.setHeader('x-content-type-options', 'nosniff');
	res.setHeader('x-frame-options', 'DENY');
	res.setHeader('referrer-policy', 'strict-origin-when-cross-origin');
	// Pages and API answers replace this with their own (SvelteKit's headers win).
	res.setHeader('content-security-policy', STATIC_CSP);
	if (proto === 'https') res.setHeader('strict-transport-security', 'max-age=31536000');
	// The plain webhooks skip SvelteKit: a fifth of the server's CPU each under a storm.
	if (directWebhooks()?.(req, res)) return;
	void handler(req, res);
});

httpServer.listen(port, host, () => {
	const addr = httpServer.address();
	const actual = typeof addr === 'object' && addr ? addr.port : port;
	process.stdout.write(`Vigil listening on http://localhost:${actual}\n`);
});

let closing = false;
async function shutdown(signal: string) {
	if (closing) return;
	closing = true;
	process.stdout.write(`${signal}: shutting down\n`);
	// The embedded PostgreSQL stops on the same signal (and a terminal's Ctrl-C reaches it
	// directly), so connections may be cut under clients that are closing: expected now.
	process.on('uncaughtException', (err: Error & { code?: string }) => {
		if (
			err.code === '57P01' ||
			err.code === 'ECONNRESET' ||
			/Connection terminated/.test(err.message)
		)
			return;
		process.stderr.write(`uncaught during shutdown: ${err.stack ?? err}\n`);
		process.exit(1);
	});
	const force = setTimeout(() => process.exit(1), 15_000);
	force.unref();
	httpServer.closeIdleConnections();
	const holder = (
		globalThis as Record<symbol, { runtime?: { drain(): void; stop(): Promise<void> } } | undefined>
	)[Symbol.for('vigil.runtime')];
	// Answers that stream until the client leaves (MCP event streams) would hold the close.
	holder?.runtime?.drain();
	// Closes the sockets and the HTTP server under them.
	await new Promise<void>((resolve) => void io.close(() => resolve()));
	// adapter-node only emits this from its own entry; ours must, so jobs and the database stop.
	process.emit('sveltekit:shutdown' as 'exit', 0);
	await holder?.runtime?.stop();
	process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
