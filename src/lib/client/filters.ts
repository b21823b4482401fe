import type { SlaStatus, TicketDto, TicketStatus } from '#lib/contracts/tickets.ts';

import { PRIORITIES, SEVERITIES, SLA_STATUSES, SOURCES, STATUSES } from '#lib/contracts/words.ts';

export { PRIORITIES, SEVERITIES, SLA_STATUSES, SOURCES, STATUSES };

export interface BoardFilters {
	q: string;
	severity: TicketDto['severity'] | '';
	priority: TicketDto['priority'] | '';
	team: string;
	source: TicketDto['source'] | '';
	sla_status: SlaStatus | '';
}

export type BoardSort = 'urgency' | 'newest';
export const BOARD_SORTS: readonly BoardSort[] = ['urgency', 'newest'];

export interface BoardQuery {
	status: TicketStatus;
	filters: BoardFilters;
	/** Open and acknowledged tickets list what needs a human first; closed ones newest first. */
	sort: BoardSort;
}

export const defaultSort = (status: TicketStatus): BoardSort =>
	status === 'closed' ? 'newest' : 'urgency';

export const EMPTY_FILTERS: BoardFilters = {
	q: '',
	severity: '',
	priority: '',
	team: '',
	source: '',
	sla_status: ''
};

const FILTER_KEYS = ['q', 'severity', 'priority', 'team', 'source', 'sla_status'] as const;

function pick<T extends string>(values: readonly T[], raw: string | null): T | '' {
	const v = raw?.trim() ?? '';
	return (values as readonly string[]).includes(v) ? (v as T) : '';
}

/**
 * The board's view from its URL. A pasted link with a typo still opens the
 * board: unknown values are dropped instead of failing the page.
 */
export function parseBoardQuery(params: URLSearchParams): BoardQuery {
	const status = pick(STATUSES, params.get('status')) || 'open';
	return {
		status,
		sort: pick(BOARD_SORTS, params.get('sort')) || defaultSort(status),
		filters: {
			q: (params.get('q') ?? '').trim().slice(0, 200),
			severity: pick(SEVERITIES, params.get('severity')),
			priority: pick(PRIORITIES, params.get('priority')),
			team: (params.get('team') ?? '').trim().slice(0, 200),
			source: pick(SOURCES, params.get('source')),
			sla_status: pick(SLA_STATUSES, params.get('sla_status'))
		}
	};
}

/** The filters as query parameters, blanks left out (so equal views give equal URLs). */
export function filterParams(filters: BoardFilters): URLSearchParams {
	const params = new URLSearchParams();
	for (const key of FILTER_KEYS) {
		const value = filters[key].trim();
		if (value) params.set(key, value);
	}
	return params;
}

/** The board's own URL query: the default tab (open) is implied. */
export function boardSearch(query: BoardQuery): string {
	const params = filterParams(query.filters);
	if (query.status !== 'open') params.set('status', query.status);
	if (query.sort !== defaultSort(query.status)) params.set('sort', query.sort);
	const s = params.toString();
	return s ? `?${s}` : '';
}

/** The same view for /api/tickets and the CSV export, which list every status unless told. */
export function apiSearch(query: BoardQuery, extra: Record<string, string> = {}): string {
	const params = filterParams(query.filters);
	params.set('status', query.status);
	params.set('sort', query.sort);
	for (const [k, v] of Object.entries(extra)) params.set(k, v);
	return `?${params.toString()}`;
}

export function activeFilterCount(filters: BoardFilters): number {
	return FILTER_KEYS.filter((k) => k !== 'q' && filters[k] !== '').length;
}

export function sameFilters(a: BoardFilters, b: BoardFilters): boolean {
	return FILTER_KEYS.every((k) => a[k].trim() === b[k].trim());
}

const words = (s: string): string[] =>
	s
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter(Boolean);

/**
 * Whether a live ticket belongs in a filtered view. The search is a little more
 * generous than the server's (every word of every term anywhere in the fields
 * the server searches) so a pushed update never hides a card the server would
 * list; the re-sync after a reconnect is exact.
 */
export function matchesFilters(t: TicketDto, f: BoardFilters): boolean {
	if (f.severity && t.severity !== f.severity) return false;
	if (f.priority && t.priority !== f.priority) return false;
	if (f.source && t.source !== f.source) return false;
	if (f.sla_status && t.sla_status !== f.sla_status) return false;
	if (f.team.trim() && t.team !== f.team.trim()) return false;
	const q = f.q.trim().toLowerCase();
	if (!q) return true;
	const haystack = [
		t.id,
		t.pipeline,
		t.run_id,
		t.jira_key,
		t.resource,
		t.error_type,
		t.root_cause,
		t.error_message.slice(0, 4000)
	]
		.filter(Boolean)
		.join(' ')
		.toLowerCase();
	return q
		.split(/\s+/)
		.every((term) => haystack.includes(term) || words(term).every((w) => haystack.includes(w)));
}

export const matchesView = (t: TicketDto, view: BoardQuery): boolean =>
	t.status === view.status && matchesFilters(t, view.filters);
