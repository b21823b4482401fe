/** Human durations and times for the pages; pure, so server and browser render the same text. */

/** 45 s · 12 min · 1 h 05 min · 3 d 4 h — two units at most, enough to compare at a glance. */
export function formatDuration(seconds: number | null | undefined): string {
	if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
	const s = Math.max(0, Math.round(seconds));
	if (s < 60) return `${s} s`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m} min`;
	const h = Math.floor(m / 60);
	if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
	const d = Math.floor(h / 24);
	return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** “just now”, “5 min ago”, “3 h ago”, “2 d ago”; older than a week: the date. */
export function formatRelative(iso: string | Date, now: number = Date.now()): string {
	const at = typeof iso === 'string' ? Date.parse(iso) : iso.getTime();
	const diff = Math.round((now - at) / 1000);
	if (diff < 0) return formatDateTime(iso);
	if (diff < 45) return 'just now';
	if (diff < 3600) return `${Math.max(1, Math.round(diff / 60))} min ago`;
	if (diff < 86_400) return `${Math.floor(diff / 3600)} h ago`;
	if (diff < 7 * 86_400) return `${Math.floor(diff / 86_400)} d ago`;
	return formatDate(iso);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 2026-01-26 14:35:22 in the given zone (UTC unless `local`): sortable and unambiguous. */
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

export function formatDate(iso: string | Date): string {
	return formatDateTime(iso).slice(0, 10);
}

/** 0.753 → “75 %”; null → “—”. Rounds down from 99.5 so a breach never shows as 100 %. */
export function formatPercent(ratio: number | null | undefined): string {
	if (ratio === null || ratio === undefined) return '—';
	const pct = ratio * 100;
	return `${ratio < 1 ? Math.min(99, Math.round(pct)) : 100} %`;
}
