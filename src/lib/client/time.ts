/** Relative times are shared with the server's reports (src/lib/format). */
export { relativeTime } from '#lib/format/time.ts';

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A countdown / count-up face in whole seconds: "0:07", "14:59", "1:02:03",
 * "2d 03:04:05". Minutes and seconds are always two digits after the first
 * field, so tabular digits keep the width steady while it ticks.
 */
export function clockDuration(totalSeconds: number): string {
	const s = Math.max(0, Math.floor(totalSeconds));
	const days = Math.floor(s / 86_400);
	const hours = Math.floor((s % 86_400) / 3600);
	const minutes = Math.floor((s % 3600) / 60);
	const seconds = s % 60;
	if (days > 0) return `${days}d ${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
	if (hours > 0) return `${hours}:${pad(minutes)}:${pad(seconds)}`;
	return `${minutes}:${pad(seconds)}`;
}

/** The same text on the server and in every browser (used for the first paint): "2026-10-14 05:12:33 UTC". */
export function utcTime(iso: string): string {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The reader's own zone, once the browser runs: "Tue, 14 Oct 2026, 07:12:33 CEST". */
export function localTime(iso: string, locale?: string): string {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	return d.toLocaleString(locale, {
		weekday: 'short',
		day: 'numeric',
		month: 'short',
		year: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
		timeZoneName: 'short'
	});
}
