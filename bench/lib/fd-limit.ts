/**
 * Every socket is a file descriptor on both ends, and RLIMIT_NOFILE is per
 * process. Node raises its own soft limit to the hard one at start-up, so the
 * hard limit (`ulimit -Hn`) is what decides how many clients fit.
 */
import { readFileSync } from 'node:fs';

/** Descriptors a process needs besides the sockets: the database pool, pg-boss, files, listeners. */
export const FD_RESERVE = 256;

/** This process's open-file limit (soft, after Node raised it); null where /proc is unavailable. */
export function openFileLimit(): number | null {
	try {
		const line = readFileSync('/proc/self/limits', 'utf8')
			.split('\n')
			.find((l) => l.startsWith('Max open files'));
		const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
		if (soft === 'unlimited') return Number.POSITIVE_INFINITY;
		return soft ? Number(soft) : null;
	} catch {
		return null;
	}
}

/** How many sockets each process can hold: `wanted` when the limit allows, else as many as fit. */
export function socketBudget(wanted: number, log: (line: string) => void): number {
	const limit = openFileLimit();
	const need = wanted + FD_RESERVE;
	if (limit === null || limit >= need) return wanted;
	const fits = Math.max(0, limit - FD_RESERVE);
	log(
		`!!! open-file limit is ${limit}: ${wanted} sockets need ${need} per process; measuring ${fits} clients instead (raise the hard limit: ulimit -Hn)`
	);
	return fits;
}
