/**
 * Durations for people, in two units at most: the board, the reports and Slack all use this.
 * Shared by browser and server. (A ticking clock face is `clockDuration` in client/time.ts.)
 */

export interface DurationFormat {
	/**
	 * `'natural'` (default): a zero second unit is left out, nothing is padded:
	 * "45s", "4m 12s", "5m", "2h 5m", "2h", "3d 4h", "3d".
	 * `'padded'` (Slack): the second unit is always shown, minutes and seconds as two digits:
	 * "45s", "3m 12s", "5m 00s", "1h 02m", "2h 00m", "2d 3h", "2d 0h".
	 */
	style?: 'natural' | 'padded';
}

const two = (n: number) => String(n).padStart(2, '0');

/** Whole seconds, rounded; below zero reads "0s"; null, undefined, NaN and ±∞ read "—". */
export function formatDuration(
	seconds: number | null | undefined,
	{ style = 'natural' }: DurationFormat = {}
): string {
	if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
	const s = Math.max(0, Math.round(seconds));
	if (s < 60) return `${s}s`;
	const days = Math.floor(s / 86_400);
	const hours = Math.floor((s % 86_400) / 3600);
	const minutes = Math.floor((s % 3600) / 60);
	const secs = s % 60;
	const [major, minor, minorText] =
		days > 0
			? [`${days}d`, hours, `${hours}h`]
			: hours > 0
				? [`${hours}h`, minutes, `${style === 'padded' ? two(minutes) : minutes}m`]
				: [`${minutes}m`, secs, `${style === 'padded' ? two(secs) : secs}s`];
	return minor > 0 || style === 'padded' ? `${major} ${minorText}` : major;
}
