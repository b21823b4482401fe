import type { PageServerLoad } from './$types';
import type { AuditEntryDto } from '#lib/contracts/tickets.ts';
import { listAudit, parseAuditFilters, type AuditQuery } from '#lib/server/audit/queries.ts';
import { ApiError } from '#lib/server/errors.ts';
import { runtime } from '#lib/server/runtime.ts';
import { ticketStats, type Page } from '#lib/server/tickets/queries.ts';

export const load: PageServerLoad = async ({ url }) => {
	const pool = runtime().pool;
	let filters: AuditQuery | null = null;
	let problem: string | null = null;
	try {
		filters = parseAuditFilters(url.searchParams);
	} catch (err) {
		// A bad link (old cursor, overlong search) still shows the page, saying what was wrong.
		if (!(err instanceof ApiError)) throw err;
		const fields = Array.isArray(err.details)
			? (err.details as { field?: string }[]).map((d) => d.field)
			: [];
		problem =
			fields.length === 1 && fields[0] === 'cursor'
				? 'its page position is no longer valid'
				: err.message.replace(/\.$/, '');
	}
	const empty: Page<AuditEntryDto> = { items: [], next_cursor: null };
	const [page, stats] = await Promise.all([
		filters ? listAudit(pool, filters) : empty,
		ticketStats(pool)
	]);
	return {
		page,
		stats,
		problem,
		q: url.searchParams.get('q') ?? '',
		action: url.searchParams.get('action') ?? '',
		paged: url.searchParams.has('cursor'),
		now: Date.now()
	};
};
