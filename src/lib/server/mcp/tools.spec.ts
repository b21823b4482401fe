import { describe, expect, it } from 'vitest';
import { AuditFilters } from '../audit/queries.ts';
import type { Pool } from '../db/pool.ts';
import { TicketFilters } from '../tickets/queries.ts';
import { answerText, clip, lastOf, MAX_ANSWER } from './format.ts';
import { runTool, ToolError, TOOLS } from './tools.ts';

const tool = (name: string) => TOOLS.find((t) => t.name === name)!;
const nobody = {} as Pool;

describe('MCP tool inputs', () => {
	it('take the HTTP API filters as they are, with a page a model can read', () => {
		expect(Object.keys(tool('search_tickets').input.shape).sort()).toEqual(
			Object.keys(TicketFilters.shape).sort()
		);
		expect(Object.keys(tool('search_audit').input.shape).sort()).toEqual(
			Object.keys(AuditFilters.shape).sort()
		);
		const parsed = tool('search_tickets').input.parse({ status: 'open,closed' });
		expect(parsed).toEqual({ status: ['open', 'closed'], limit: 20 });
		const tooMany = tool('search_tickets').input.safeParse({ limit: 51 });
		expect(tooMany.error?.issues[0]?.message).toBe('limit must be an integer from 1 to 50');
		const range = tool('sla_at_risk').input.safeParse({ within_minutes: 0 });
		expect(range.error?.issues[0]?.message).toBe(
			'within_minutes must be an integer from 1 to 1440 (24 hours)'
		);
	});

	it('refuse a write to a viewer before touching anything', async () => {
		const viewer = { id: 'u1', email: 'v@contoso.example', name: 'V', role: 'viewer' as const };
		for (const name of ['acknowledge_ticket', 'resolve_ticket', 'reopen_ticket'])
			await expect(
				runTool(tool(name), { pool: nobody, user: viewer }, { id: 'GEN-1' })
			).rejects.toThrow(
				new ToolError(
					`${name} needs the responder role; you are viewer. Ask an admin to change your role.`
				)
			);
	});
});

describe('output sized for a model', () => {
	it('cuts long text and says how much is missing', () => {
		expect(clip('short', 10)).toBe('short');
		expect(clip(null, 10)).toBeNull();
		expect(clip('x'.repeat(25), 10)).toBe(`${'x'.repeat(10)}… [truncated: 15 more characters]`);
	});

	it('keeps the last entries of a long timeline and counts the rest', () => {
		expect(lastOf([1, 2, 3, 4], 2)).toEqual({ items: [3, 4], omitted_earlier: 2 });
		expect(lastOf([1], 2)).toEqual({ items: [1], omitted_earlier: 0 });
	});
});

describe('answerText', () => {
	it('cuts an answer too long for a model and says how long it was', () => {
		const rows = Array.from({ length: 2000 }, (_, i) => ({
			id: `GEN-${i}`,
			error: 'e'.repeat(40)
		}));
		const text = answerText({ items: rows });
		expect(text.length).toBeLessThan(MAX_ANSWER + 200);
		expect(text).toMatch(
			/… \[truncated: the answer was \d+ characters; narrow the request or lower limit\]$/
		);
		expect(answerText({ items: rows.slice(0, 2) })).toBe(
			JSON.stringify({ items: rows.slice(0, 2) }, null, 1)
		);
	});
});
