/** Durations live in duration.ts; re-exported for the pages and reports that read times here. */
export { formatDuration } from './duration.ts';

/** "just now", "42s ago", "3m ago", "2h ago", "5d ago"; a time ahead of `nowMs` reads "in 3m". */
export function relativeTime(iso: string, nowMs: number): string {
	const diff = Math.round((nowMs - Date.parse(iso)) / 1000);
	const ahead = diff < 0;
	const s = Math.abs(diff);
	if (s < 5) return 'just now';
	let text: string;
	if (s < 60) text = `${s}s`;
	else if (s < 3600) text = `${Math.floor(s / 60)}m`;
	else if (s < 86_400) text = `${Math.floor(s / 3600)}h`;
	else text = `${Math.floor(s / 86_400)}d`;
	return ahead ? `in ${text}` : `${text} ago`;
}

export function formatRelative(iso: string | Date, now: number = Date.now()): string {
	return relativeTime(typeof iso === 'string' ? iso : iso.toISOString(), now);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 2026-01-26 14:35:22 in UTC (or the browser's zone with `local`): sortable and unambiguous. */
export function formatDateTime(iso: string | Date, local = false): string {
	const d = typeof iso === 'string' ? new Date(iso) : iso;
	if (Number.isNaN(d.getTime())) return '—';
	const [y, mo, day, h, mi, s] = local
		? [d.getFullYear(), d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds()]
		: [
				d.getUTCFullYear(),
				d.getUTCMonth() + 1,
				d.getUTCDate(),
				d.getUTCHours(),
				d.getUTCMinutes(),
				d.getUTCSeconds()
			];
	return `${y}-${pad(mo)}-${pad(day)} ${pad(h)}:${pad(mi)}:${pad(s)}`;
}

/** 0.753 → “75 %”; null → “—”. Never rounds a miss up to 100 %. */
export function formatPercent(ratio: number | null | undefined): string {
	if (ratio === null || ratio === undefined) return '—';
	return ratio < 1 ? `${Math.min(99, Math.round(ratio * 100))} %` : '100 %';
}
