import type { Priority } from '#lib/contracts/tickets.ts';

/** Colours the charts take from the current theme (read when a chart is drawn). */
export interface ChartTheme {
	dark: boolean;
	text: string;
	muted: string;
	grid: string;
	surface: string;
	priority: Record<Priority, string>;
	met: string;
	breached: string;
	pending: string;
	accent: string;
	accentSoft: string;
	second: string;
	secondSoft: string;
}

export function chartTheme(): ChartTheme {
	const dark =
		typeof document !== 'undefined' && document.documentElement.classList.contains('dark');
	return dark
		? {
				dark,
				text: '#e2e8f0',
				muted: '#94a3b8',
				grid: 'rgba(148, 163, 184, 0.14)',
				surface: '#0f172a',
				priority: { P1: '#f87171', P2: '#fb923c', P3: '#facc15', P4: '#60a5fa' },
				met: '#34d399',
				breached: '#f87171',
				pending: '#64748b',
				accent: '#2dd4bf',
				accentSoft: 'rgba(45, 212, 191, 0.7)',
				second: '#a78bfa',
				secondSoft: 'rgba(167, 139, 250, 0.75)'
			}
		: {
				dark,
				text: '#0f172a',
				muted: '#475569',
				grid: 'rgba(100, 116, 139, 0.16)',
				surface: '#ffffff',
				priority: { P1: '#dc2626', P2: '#ea580c', P3: '#ca8a04', P4: '#2563eb' },
				met: '#059669',
				breached: '#dc2626',
				pending: '#94a3b8',
				accent: '#0d9488',
				accentSoft: 'rgba(13, 148, 136, 0.6)',
				second: '#7c3aed',
				secondSoft: 'rgba(124, 58, 237, 0.6)'
			};
}
