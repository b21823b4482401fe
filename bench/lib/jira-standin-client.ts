import { spawn } from 'node:child_process';
import path from 'node:path';
import type { JiraWebhookEvent } from '../../tests/support/jira-standin.ts';
import { ownChild } from './cleanup.ts';
import type { StandinMessage, StandinReport, StandinRequest } from './jira-standin-process.ts';

const CHILD = path.join(import.meta.dirname, 'jira-standin-process.ts');

export interface RemoteStandin {
	url: string;
	email: string;
	apiToken: string;
	/** A person moves the issue in Jira; the webhook Jira would send for it. */
	transition(key: string, to: string): Promise<JiraWebhookEvent>;
	report(): Promise<StandinReport>;
	close(): Promise<void>;
}

type Distributive<T> = T extends unknown ? Omit<T, 'id'> : never;

/** Starts bench/lib/jira-standin-process.ts (the cloud-mode Jira stand-in) as a child process. */
export async function startRemoteStandin(): Promise<RemoteStandin> {
	const child = ownChild(
		// The stand-in is test code written for Vitest: it uses TypeScript that Node only
		// transforms (parameter properties), not strips.
		spawn(
			process.execPath,
			['--experimental-transform-types', '--disable-warning=ExperimentalWarning', CHILD],
			{ stdio: ['ignore', 'inherit', 'pipe', 'ipc'] }
		)
	);
	let stderr = '';
	child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
	const exited = new Promise<number | null>((r) => child.once('exit', r));
	let next = 1;
	const pending = new Map<number, (m: StandinMessage) => void>();

	const ready = await new Promise<Extract<StandinMessage, { ready: true }>>((resolve, reject) => {
		child.on('message', (m: StandinMessage) => {
			if ('ready' in m) return resolve(m);
			pending.get(m.id)?.(m);
			pending.delete(m.id);
		});
		void exited.then((code) =>
			reject(new Error(`Jira stand-in exited (${code}) before it was ready:\n${stderr}`))
		);
	});

	const ask = (req: Distributive<StandinRequest>) =>
		new Promise<StandinMessage>((resolve, reject) => {
			const id = next++;
			pending.set(id, resolve);
			child.send({ ...req, id } as StandinRequest, (err) => err && reject(err));
		});

	return {
		url: ready.url,
		email: ready.email,
		apiToken: ready.apiToken,
		async transition(key, to) {
			const m = await ask({ op: 'transition', key, to });
			if ('event' in m) return m.event;
			throw new Error(`stand-in: ${'error' in m ? m.error : 'unexpected answer'}`);
		},
		async report() {
			const m = await ask({ op: 'report' });
			if ('report' in m) return m.report;
			throw new Error(`stand-in: ${'error' in m ? m.error : 'unexpected answer'}`);
		},
		async close() {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
			await exited;
		}
	};
}
