import { readFileSync } from 'node:fs';

/** A process's resident memory, from /proc/<pid>/status, in bytes. */
export interface Rss {
	/** VmRSS: resident now. */
	rss: number;
	/** VmHWM: the most it has been resident since it started. */
	peak: number;
}

/** null where /proc is unavailable or the process is gone. */
export function rssOf(pid: number): Rss | null {
	try {
		const status = readFileSync(`/proc/${pid}/status`, 'utf8');
		const kb = (field: string) =>
			Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
		const rss = kb('VmRSS');
		const peak = kb('VmHWM');
		return Number.isFinite(rss) && Number.isFinite(peak)
			? { rss: rss * 1024, peak: peak * 1024 }
			: null;
	} catch {
		return null;
	}
}
