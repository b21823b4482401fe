import { relativeTime } from '#lib/client/time.ts';

/** Durations live in duration.ts; re-exported for the pages and reports that read times here. */
export { formatDuration } from './duration.ts';

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
