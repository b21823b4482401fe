import type { RequestEvent } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { ApiError } from '#lib/server/errors.ts';
import { actorOf } from '#lib/server/http/auth.ts';
import { attempt, field, requirePageUser } from '#lib/server/http/form-action.ts';
import {
	actOnEvent,
	eventId,
	eventStats,
	listEvents,
	parseEventFilters,
	type EventAction
} from '#lib/server/jira/events.ts';
import { runtime } from '#lib/server/runtime.ts';
import { RANGES, rangeStart, type Range } from './ranges.ts';

/** The page's filters are the API's, with a time range picked from a list instead of from/to. */
export const load: PageServerLoad = async (event) => {
	requirePageUser(event, 'admin');
	const rt = runtime();
	const params = new URLSearchParams(event.url.searchParams);
	const picked = params.get('range') ?? '24h';
	const range: Range = (RANGES as readonly string[]).includes(picked) ? (picked as Range) : '24h';
	params.delete('range');
	const from = rangeStart(range, new Date());
	if (from && !params.get('from')) params.set('from', from.toISOString());
	let problem: string | null = null;
	let filters;
	try {
		filters = parseEventFilters(params);
	} catch (err) {
		if (!(err instanceof ApiError)) throw err;
		const details = (err.details ?? []) as { message: string }[];
		problem = details.map((d) => d.message).join('; ') || err.message;
		filters = parseEventFilters(new URLSearchParams(from ? { from: from.toISOString() } : {}));
	}
	const [page, stats, handle] = await Promise.all([
		listEvents(rt.pool, filters),
		// The stats cover the chosen range, whatever the other filters: the whole picture.
		eventStats(rt.pool, from ? { from: from.toISOString() } : { from: '1970-01-01T00:00:00Z' }),
		rt.jira()
	]);
	const typed = (name: string) => event.url.searchParams.get(name) ?? '';
	return {
		configured: Boolean(handle),
		events: page.items,
		nextCursor: page.next_cursor,
		stats,
		problem,
		values: {
			direction: typed('direction'),
			state: typed('state'),
			event: typed('event'),
			issue_key: typed('issue_key'),
			range
		},
		paged: event.url.searchParams.has('cursor'),
		now: Date.now()
	};
};

const act = (action: EventAction) => async (event: RequestEvent) => {
	const user = requirePageUser(event, 'admin');
	const f = await event.request.formData();
	const rt = runtime();
	const raw = field(f, 'id');
	const done = await attempt(
		`event-${raw}`,
		() => actOnEvent(rt, eventId(raw), action, actorOf(event, user)),
		{ id: raw }
	);
	if (!done.ok) return done.failure;
	return { form: `event-${raw}`, action, queued: done.value.queued !== null };
};

export const actions: Actions = { retry: act('retry'), replay: act('replay') };
