/** The time ranges the event log page offers, newest data first. */
export const RANGES = ['1h', '24h', '7d', '30d', 'all'] as const;
export type Range = (typeof RANGES)[number];

export const RANGE_LABEL: Record<Range, string> = {
	'1h': 'Last hour',
	'24h': 'Last 24 hours',
	'7d': 'Last 7 days',
	'30d': 'Last 30 days',
	all: 'Everything kept'
};

const HOURS: Record<Exclude<Range, 'all'>, number> = { '1h': 1, '24h': 24, '7d': 168, '30d': 720 };

/** Where a range starts, or null for everything the log still keeps. */
export function rangeStart(range: Range, now: Date): Date | null {
	return range === 'all' ? null : new Date(now.getTime() - HOURS[range] * 3_600_000);
}
