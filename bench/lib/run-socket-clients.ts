import { spawn } from 'node:child_process';
import path from 'node:path';
import { ownChild } from './cleanup.ts';
import type { ClientsConfig, ClientsResult, Connected, Finish } from './socket-clients.ts';

const CLIENTS = path.join(import.meta.dirname, 'socket-clients.ts');

export interface SocketClients {
	connected: Connected;
	/** Waits for every client to hold every ticket (or `graceMs`), returns what they received; the process then exits. */
	finish(ticketIds: string[], graceMs: number): Promise<ClientsResult>;
}

/** Starts bench/lib/socket-clients.ts in its own Node process and waits until every handshake settled. */
export async function startSocketClients(cfg: ClientsConfig): Promise<SocketClients> {
	const child = ownChild(
		spawn(process.execPath, [CLIENTS, JSON.stringify(cfg)], {
			stdio: ['ignore', 'ignore', 'pipe', 'ipc']
		})
	);
	let err = '';
	child.stderr?.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
	const exited = new Promise<never>((_, reject) =>
		child.once('exit', (code) => reject(new Error(`socket clients exited ${code}:\n${err}`)))
	);
	// Only the one message each step waits for; a later exit is the normal end.
	exited.catch(() => {});
	const next = <T>(type: T extends { type: infer K } ? K : never) =>
		Promise.race([
			new Promise<T>((resolve) => {
				const on = (msg: { type: string }) => {
					if (msg.type !== type) return;
					child.off('message', on);
					resolve(msg as T);
				};
				child.on('message', on);
			}),
			exited
		]);

	const connected = await next<Connected>('connected');
	return {
		connected,
		async finish(ticketIds, graceMs) {
			const result = next<ClientsResult>('result');
			child.send({ type: 'finish', ticketIds, graceMs } satisfies Finish);
			const out = await result;
			child.disconnect();
			return out;
		}
	};
}
