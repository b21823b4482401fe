import { describe, expect, it } from 'vitest';
import { callOutcome, callRequests, metricName, sizeArguments } from './access-log.ts';

const call = (id: number, method: string, params: unknown) => ({
	jsonrpc: '2.0',
	id,
	method,
	params
});

describe('callRequests', () => {
	it('picks tool calls, resource reads and prompts, with the ticket they name', () => {
		const asked = callRequests([
			call(1, 'tools/call', { name: 'get_ticket', arguments: { id: 'ADF-1' } }),
			call(2, 'resources/read', { uri: 'vigil://tickets/GEN%2D2' }),
			call(3, 'prompts/get', { name: 'triage_ticket', arguments: { ticket_id: 'DBX-3' } }),
			call(4, 'tools/list', {}),
			{ jsonrpc: '2.0', method: 'notifications/initialized' }
		]);
		expect(asked).toEqual([
			{ id: 1, kind: 'tool', name: 'get_ticket', ticketId: 'ADF-1', arguments: { id: 'ADF-1' } },
			{
				id: 2,
				kind: 'resource',
				name: 'vigil://tickets/GEN%2D2',
				ticketId: 'GEN-2',
				arguments: {}
			},
			{
				id: 3,
				kind: 'prompt',
				name: 'triage_ticket',
				ticketId: 'DBX-3',
				arguments: { ticket_id: 'DBX-3' }
			}
		]);
	});

	it('records a call without a name or with odd arguments rather than dropping it', () => {
		expect(callRequests(call(7, 'tools/call', { arguments: 'x' }))).toEqual([
			{ id: 7, kind: 'tool', name: '(none)', ticketId: null, arguments: { value: 'x' } }
		]);
	});
});

describe('sizeArguments', () => {
	it('cuts long texts and lists, redacts credentials, drops NUL', () => {
		const sized = sizeArguments({
			note: 'x'.repeat(1000),
			q: 'a\u0000b',
			api_key: 'vik_secret',
			password: 'hunter2',
			jira_key: 'OPS-1',
			action: Array.from({ length: 25 }, (_, i) => `A${i}`)
		});
		expect(sized.note).toBe(`${'x'.repeat(200)}… [truncated: 800 more characters]`);
		expect(sized.q).toBe('ab');
		expect(sized.api_key).toBe('[redacted]');
		expect(sized.password).toBe('[redacted]');
		expect(sized.jira_key).toBe('OPS-1');
		expect(sized.action).toHaveLength(21);
		expect((sized.action as string[])[20]).toBe('[5 more]');
	});

	it('keeps only the start of a huge argument object, as text', () => {
		const many = Object.fromEntries(
			Array.from({ length: 29 }, (_, i) => [`k${i}`, { deep: 'y'.repeat(190) }])
		);
		const sized = sizeArguments(many);
		expect(Object.keys(sized)).toEqual(['truncated']);
		expect((sized.truncated as string).length).toBeLessThanOrEqual(4001);
	});

	it('says how many keys it left out and stops at four levels', () => {
		const wide = Object.fromEntries(Array.from({ length: 35 }, (_, i) => [`k${i}`, i]));
		expect(sizeArguments(wide)['…']).toBe('5 more keys');
		expect(sizeArguments({ a: { b: { c: { d: { e: 1 } } } } })).toEqual({
			a: { b: { c: { d: '[nested]' } } }
		});
	});
});

describe('callOutcome', () => {
	it('tells ok from a tool error, a protocol error and no answer', () => {
		expect(callOutcome({ id: 1, result: { content: [] } })).toEqual({ outcome: 'ok', error: null });
		expect(
			callOutcome({
				id: 1,
				result: { isError: true, content: [{ type: 'text', text: 'needs the responder role' }] }
			})
		).toEqual({ outcome: 'error', error: 'needs the responder role' });
		expect(callOutcome({ id: 1, error: { code: -32602, message: 'No ticket with id X' } })).toEqual(
			{ outcome: 'error', error: 'No ticket with id X' }
		);
		expect(callOutcome(undefined)).toEqual({ outcome: 'error', error: 'No answer' });
	});
});

describe('metricName', () => {
	it('keeps the label set bounded', () => {
		const known = new Set(['get_ticket', 'vigil://incidents/open']);
		expect(metricName({ kind: 'tool', name: 'get_ticket' }, known)).toBe('get_ticket');
		expect(metricName({ kind: 'tool', name: 'made_up_42' }, known)).toBe('unknown');
		expect(metricName({ kind: 'resource', name: 'vigil://tickets/ADF-1' }, known)).toBe(
			'vigil://tickets/{id}'
		);
		expect(metricName({ kind: 'resource', name: 'vigil://incidents/open' }, known)).toBe(
			'vigil://incidents/open'
		);
	});
});
