import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between Vigil and PostgreSQL that can stall: while frozen, connections stay
 * open and new ones are accepted, but not a byte moves either way, which is what a client sees
 * of a database that hangs (stopped, swapping, behind a dead network path) rather than dies.
 * Bytes sent meanwhile are held and delivered on thaw, as a kernel's buffers would.
 */
export interface StallingProxy {
	url: string;
	port: number;
	freeze(): void;
	thaw(): void;
	frozen(): boolean;
	/** Connections the proxy holds open (both halves alive). */
	connections(): number;
	close(): Promise<void>;
}

interface Pair {
	client: Socket;
	upstream: Socket | null;
	toUpstream: Buffer[];
	toClient: Buffer[];
}

export async function startStallingProxy(targetUrl: string): Promise<StallingProxy> {
	const target = new URL(targetUrl);
	const targetPort = Number(target.port || 5432);
	const targetHost = target.hostname;
	let isFrozen = false;
	const pairs = new Set<Pair>();

	const openUpstream = (pair: Pair) => {
		const up = connect(targetPort, targetHost);
		pair.upstream = up;
		up.on('data', (d: Buffer) => {
			if (isFrozen) pair.toClient.push(d);
			else pair.client.write(d);
		});
		const end = () => {
			pair.client.destroy();
			pairs.delete(pair);
		};
		up.on('error', end);
		up.on('close', end);
		for (const d of pair.toUpstream.splice(0)) up.write(d);
	};

	const server: Server = createServer((client) => {
		const pair: Pair = { client, upstream: null, toUpstream: [], toClient: [] };
		pairs.add(pair);
		client.on('data', (d: Buffer) => {
			if (isFrozen || !pair.upstream) pair.toUpstream.push(d);
			else pair.upstream.write(d);
		});
		const end = () => {
			pair.upstream?.destroy();
			pairs.delete(pair);
		};
		client.on('error', end);
		client.on('close', end);
		// A frozen database does not even answer the startup packet.
		if (!isFrozen) openUpstream(pair);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => resolve());
	});
	const addr = server.address();
	const port = typeof addr === 'object' && addr ? addr.port : 0;
	const url = new URL(targetUrl);
	url.hostname = '127.0.0.1';
	url.port = String(port);

	return {
		url: url.toString(),
		port,
		freeze: () => void (isFrozen = true),
		thaw() {
			isFrozen = false;
			for (const pair of pairs) {
				if (!pair.upstream) openUpstream(pair);
				else for (const d of pair.toUpstream.splice(0)) pair.upstream.write(d);
				for (const d of pair.toClient.splice(0)) pair.client.write(d);
			}
		},
		frozen: () => isFrozen,
		connections: () => pairs.size,
		close: () =>
			new Promise<void>((resolve) => {
				for (const pair of pairs) {
					pair.client.destroy();
					pair.upstream?.destroy();
				}
				server.close(() => resolve());
			})
	};
}
