import { spawn } from 'node:child_process';
import path from 'node:path';
import { ownChild } from './cleanup.ts';
import type { SenderConfig, SenderResult } from './sender.ts';

const SENDER = path.join(import.meta.dirname, 'sender.ts');

/** Runs bench/lib/sender.ts in its own Node process and returns what it measured. */
export async function runSender(cfg: SenderConfig): Promise<SenderResult> {
	const child = ownChild(
		spawn(process.execPath, [SENDER, JSON.stringify(cfg)], { stdio: ['ignore', 'pipe', 'pipe'] })
	);
	let out = '';
	let err = '';
	child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
	child.stderr?.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
	const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
	const last = out.trim().split('\n').at(-1);
	if (code !== 0 || !last) throw new Error(`sender exited ${code}:\n${err}`);
	return JSON.parse(last) as SenderResult;
}
