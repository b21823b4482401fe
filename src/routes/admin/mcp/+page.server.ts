import type { PageServerLoad } from './$types';
import { ApiError } from '#lib/server/errors.ts';
import { requirePageUser } from '#lib/server/http/form-action.ts';
import {
	listMcpCalls,
	parseMcpCallFilters,
	tokenOwners,
	type McpCallDto,
	type McpCallQuery
} from '#lib/server/mcp/calls.ts';
import { PROMPT_NAMES } from '#lib/server/mcp/context.ts';
import { TOOLS } from '#lib/server/mcp/tools.ts';
import { runtime } from '#lib/server/runtime.ts';
import type { Page } from '#lib/server/tickets/queries.ts';

export const load: PageServerLoad = async (event) => {
	requirePageUser(event, 'admin');
	const { url } = event;
	const pool = runtime().pool;
	let filters: McpCallQuery | null = null;
	let problem: string | null = null;
	try {
		filters = parseMcpCallFilters(url.searchParams);
	} catch (err) {
		// A bad link (old cursor, a mistyped session id) still shows the page, saying what was wrong.
		if (!(err instanceof ApiError)) throw err;
		problem = err.message.replace(/\.$/, '');
	}
	const empty: Page<McpCallDto> = { items: [], next_cursor: null };
	const [page, users] = await Promise.all([
		filters ? listMcpCalls(pool, filters) : empty,
		tokenOwners(pool)
	]);
	const param = (k: string) => url.searchParams.get(k) ?? '';
	return {
		page,
		problem,
		users,
		tools: TOOLS.map((t) => ({ name: t.name, writes: t.role !== 'viewer' })),
		prompts: [...PROMPT_NAMES],
		filters: {
			user: param('user'),
			name: param('name'),
			kind: param('kind'),
			outcome: param('outcome'),
			ticket_id: param('ticket_id'),
			session_id: param('session_id')
		},
		paged: url.searchParams.has('cursor'),
		retentionDays: runtime().config.VIGIL_MCP_LOG_DAYS,
		now: Date.now()
	};
};
