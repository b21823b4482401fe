import { describe, expect, it } from 'vitest';
import type { AuditEntryDto, TicketDto } from '#lib/contracts/tickets.ts';
import { sampleTicket } from '../../../../tests/support/ticket-sample.ts';
import { ACTION_IDS, alertMessage, notice, threadReply } from './blocks.ts';
import type { Block, SlackMessage } from './kit.ts';
import { clip, escapeMrkdwn, formatDuration, safeUrl, slackDate, subteamMention } from './text.ts';

const ctx = { origin: 'https://vigil.contoso.example' };

/** An ADF blob-missing ticket: the sample with what these specs assert on. */
function ticket(over: Partial<TicketDto> = {}): TicketDto {
	return sampleTicket({
		id: 'ADF-20261014T021743-k3x9qa',
		source: 'adf',
		format: 'azure-metric',
		pipeline: 'pl_ingest_daily_orders',
		run_id: 'b3c9f1e2-7a45-4d2e-9f0a-1c2d3e4f5a6b',
		resource: 'adf-contoso-prod',
		category: 'source_missing',
		error_type: 'UserErrorSourceBlobNotExists',
		error_code: '2200',
		failure_type: 'UserError',
		error_message: 'The required Blob is missing.',
		root_cause: 'The upstream export did not land the orders file.',
		recommendations: ['Check the upstream export', 'Re-run the pipeline'],
		affected_entity: 'orders/2026-10-14.csv',
		auto_heal_possible: false,
		sla_deadline: '2026-10-14T02:47:43.000Z',
		occurred_at: null,
		created_at: '2026-10-14T02:17:43.000Z',
		updated_at: '2026-10-14T02:17:43.000Z',
		team: 'data-platform',
		owner: 'priya',
		cost_center: null,
		jira_key: null,
		jira_url: null,
		...over
	});
}

type Obj = Record<string, unknown>;

/** Every text object / rich text run in the blocks, with its kind. */
function texts(blocks: Block[]): { kind: string; text: string }[] {
	const out: { kind: string; text: string }[] = [];
	const walk = (v: unknown): void => {
		if (Array.isArray(v)) return v.forEach(walk);
		if (!v || typeof v !== 'object') return;
		const o = v as Obj;
		if (
			(o.type === 'plain_text' || o.type === 'mrkdwn' || o.type === 'text') &&
			typeof o.text === 'string'
		)
			out.push({ kind: o.type, text: o.text });
		Object.values(o).forEach(walk);
	};
	walk(blocks);
	return out;
}
const mrkdwn = (m: SlackMessage) =>
	texts(m.blocks)
		.filter((t) => t.kind === 'mrkdwn')
		.map((t) => t.text);
const literal = (m: SlackMessage) =>
	texts(m.blocks)
		.filter((t) => t.kind !== 'mrkdwn')
		.map((t) => t.text)
		.join('\n');
const buttons = (m: SlackMessage) =>
	m.blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));

describe('alert message', () => {
	it('has a header with priority, pipeline and source, the fields, root cause, recommendations and buttons', () => {
		const m = alertMessage(ticket(), ctx);
		expect(m.blocks.length).toBeLessThanOrEqual(50);
		expect(m.blocks[0]).toEqual({
			type: 'header',
			text: {
				type: 'plain_text',
				text: '🟠 P2 · pl_ingest_daily_orders · Azure Data Factory',
				emoji: false
			}
		});
		const md = mrkdwn(m).join('\n');
		expect(md).toContain(
			'Ticket\n<https://vigil.contoso.example/tickets/ADF-20261014T021743-k3x9qa|ADF-20261014T021743-k3x9qa>'
		);
		expect(md).toContain('Severity\nHigh');
		expect(md).toContain('Priority\nP2');
		expect(md).toContain(
			'SLA deadline\n<!date^1791946063^{date_short_pretty} {time}|2026-10-14 02:47 UTC> · Pending'
		);
		const lit = literal(m);
		expect(lit).toContain('Team / owner\ndata-platform / priya');
		expect(lit).toContain('Run id\nb3c9f1e2-7a45-4d2e-9f0a-1c2d3e4f5a6b');
		expect(lit).toContain('The upstream export did not land the orders file.');
		expect(lit).toContain('Check the upstream export');
		expect(lit).toContain('Re-run the pipeline');
		expect(buttons(m)).toEqual([
			expect.objectContaining({
				action_id: ACTION_IDS.acknowledge,
				value: 'ADF-20261014T021743-k3x9qa',
				style: 'primary'
			}),
			expect.objectContaining({
				action_id: ACTION_IDS.resolve,
				value: 'ADF-20261014T021743-k3x9qa'
			}),
			expect.objectContaining({
				action_id: ACTION_IDS.open,
				url: 'https://vigil.contoso.example/tickets/ADF-20261014T021743-k3x9qa'
			})
		]);
		expect(m.text).toContain('P2 pl_ingest_daily_orders');
		expect(m.text).toContain('ADF-20261014T021743-k3x9qa');
	});

	it('links Jira when the ticket has an issue, and names the declared scheduler of a generic alert', () => {
		const m = alertMessage(
			ticket({
				source: 'generic',
				labels: { source: 'airflow' },
				jira_key: 'OPS-42',
				jira_url: 'https://contoso.atlassian.net/browse/OPS-42'
			}),
			ctx
		);
		expect(mrkdwn(m)).toContain('Jira\n<https://contoso.atlassian.net/browse/OPS-42|OPS-42>');
		expect((m.blocks[0] as { text: { text: string } }).text.text).toContain('Generic (airflow)');
	});

	it('after acknowledgement shows who, after how long and the SLA verdict, and drops the Acknowledge button', () => {
		const m = alertMessage(
			ticket({
				status: 'in_progress',
				acknowledged_at: '2026-10-14T02:20:55.000Z',
				acknowledged_by: 'Priya Raman',
				ack_seconds: 192,
				sla_status: 'Met'
			}),
			ctx
		);
		expect((m.blocks[0] as { text: { text: string } }).text.text).toMatch(/^🟡 P2/);
		expect(literal(m)).toContain('Acknowledged by Priya Raman after 3m 12s · SLA Met');
		expect(buttons(m).map((b) => b.action_id)).toEqual([ACTION_IDS.resolve, ACTION_IDS.open]);
	});

	it('after resolution shows who resolved and the MTTR, and offers Reopen', () => {
		const m = alertMessage(
			ticket({
				status: 'closed',
				acknowledged_at: '2026-10-14T02:20:55.000Z',
				acknowledged_by: 'Priya Raman',
				ack_seconds: 192,
				sla_status: 'Met',
				resolved_at: '2026-10-14T03:19:43.000Z',
				resolved_by: 'Sam Okafor',
				mttr_seconds: 3720
			}),
			ctx
		);
		expect(literal(m)).toContain('Resolved by Sam Okafor · MTTR 1h 02m');
		expect(buttons(m).map((b) => b.action_id)).toEqual([ACTION_IDS.reopen, ACTION_IDS.open]);
		expect((m.blocks[0] as { text: { text: string } }).text.text).toMatch(/^✅/);
	});

	it('says a ticket recovered at source and which attempt failed last, so the message changes', () => {
		const plain = JSON.stringify(alertMessage(ticket(), ctx));
		const m = alertMessage(
			ticket({
				recovered_at: '2026-10-14T03:02:10.000Z',
				recovered_run_id: '914258733099999',
				attempts: 3
			}),
			ctx
		);
		expect(literal(m)).toContain(
			'Recovered at source: run 914258733099999 succeeded at 2026-10-14 03:02 UTC'
		);
		expect(literal(m)).toContain('Attempt 3 failed');
		expect(JSON.stringify(m)).not.toBe(plain);
	});

	it('turns the header red when the SLA is breached while open', () => {
		const m = alertMessage(ticket({ sla_status: 'Breached' }), ctx);
		expect((m.blocks[0] as { text: { text: string } }).text.text).toMatch(/^🔴 P2/);
		expect(literal(m)).toContain('SLA breached: not acknowledged within 30m 00s');
		expect(m.text).toMatch(/^🔴/);
	});

	it('keeps the same message for the same ticket (the sync job relies on it)', () => {
		expect(JSON.stringify(alertMessage(ticket(), ctx))).toBe(
			JSON.stringify(alertMessage(ticket(), ctx))
		);
	});

	it('clips long untrusted text to Slack limits', () => {
		const m = alertMessage(
			ticket({ pipeline: 'p'.repeat(400), error_message: 'e'.repeat(10_000) }),
			ctx
		);
		const header = (m.blocks[0] as { text: { text: string } }).text.text;
		expect(Array.from(header).length).toBeLessThanOrEqual(150);
		for (const t of texts(m.blocks)) expect(t.text.length).toBeLessThanOrEqual(3000);
	});
});

describe('untrusted text cannot ping, format or link', () => {
	const evil =
		'<!channel> <!here> <@U123> *bold* _x_ ~x~ `x` <script>alert(1)</script> <https://evil.example|click> & done';

	it('never reaches mrkdwn in the alert, and shows literally elsewhere', () => {
		const m = alertMessage(
			ticket({
				pipeline: evil,
				error_message: evil,
				root_cause: evil,
				recommendations: [evil],
				team: evil,
				owner: evil,
				run_id: evil,
				category: evil as never, // the contract allows only known categories; the escaping must hold anyway
				status: 'in_progress',
				acknowledged_at: '2026-10-14T02:20:55.000Z',
				acknowledged_by: evil,
				ack_seconds: 10
			}),
			ctx
		);
		for (const text of mrkdwn(m)) {
			for (const bad of [
				'<!channel>',
				'<!here>',
				'<@U123>',
				'<script>',
				'<https://evil',
				'*bold*',
				'_x_',
				'~x~',
				'`x`'
			])
				expect(text).not.toContain(bad);
		}
		// Shown as typed: plain_text and rich text runs are rendered literally by Slack.
		expect(literal(m).split(evil).length - 1).toBeGreaterThanOrEqual(8);
		// No :emoji: codes expanded from untrusted text either.
		expect(JSON.stringify(m.blocks)).not.toContain('"emoji":true');
		// The notification text is mrkdwn-escaped: no mention, no link.
		expect(m.text).not.toMatch(/<[!@#]|<https?:|<script/);
		expect(m.text).toContain('&lt;!channel&gt;');
	});

	it('escapes a hostile Jira URL instead of letting it close the link early', () => {
		const m = alertMessage(
			ticket({ jira_key: 'OPS-1|<!channel>', jira_url: 'https://x.example/a|b><!here>' }),
			ctx
		);
		const jira = mrkdwn(m).find((t) => t.startsWith('Jira'))!;
		expect(jira).toBe('Jira\n<https://x.example/a%7Cb%3E%3C!here%3E|OPS-1¦&lt;!channel&gt;>');
		const js = alertMessage(ticket({ jira_key: 'OPS-1', jira_url: 'javascript:alert(1)' }), ctx);
		expect(mrkdwn(js).find((t) => t.startsWith('Jira'))).toBe('Jira\nOPS-1');
	});

	it('keeps actor names in thread replies and notices literal', () => {
		const a = audit({
			action: 'Acknowledged',
			actor_name: evil,
			actor_source: 'slack',
			time_taken_seconds: 75
		});
		const reply = threadReply(a, ticket(), ctx)!;
		expect(mrkdwn(reply)).toEqual([]);
		expect(literal(reply)).toBe(`✅ Acknowledged by ${evil} in Slack after 1m 15s · SLA Met`);
		expect(reply.text).not.toMatch(/<[!@]/);
		expect(notice(evil).text).toBe(escapeMrkdwn(evil));
	});
});

function audit(over: Partial<AuditEntryDto>): AuditEntryDto {
	return {
		id: 7,
		at: '2026-10-14T02:20:55.000Z',
		ticket_id: 'ADF-20261014T021743-k3x9qa',
		pipeline: 'pl_ingest_daily_orders',
		run_id: null,
		action: 'Acknowledged',
		actor_name: 'Priya Raman',
		actor_source: 'slack',
		time_taken_seconds: 192,
		mttr_seconds: null,
		sla_status: 'Met',
		rca_summary: null,
		team: null,
		owner: null,
		jira_key: null,
		details: { sla_status: 'Met' },
		...over
	};
}

describe('thread replies', () => {
	it('record acknowledgements, resolutions and reopenings with who, where and how long', () => {
		expect(literal(threadReply(audit({}), ticket(), ctx)!)).toBe(
			'✅ Acknowledged by Priya Raman in Slack after 3m 12s · SLA Met'
		);
		expect(
			literal(
				threadReply(
					audit({ action: 'Resolved', actor_source: 'dashboard', time_taken_seconds: 3720 }),
					ticket(),
					ctx
				)!
			)
		).toBe('🏁 Resolved by Priya Raman on the board · MTTR 1h 02m');
		expect(
			literal(threadReply(audit({ action: 'Reopened', actor_source: 'jira' }), ticket(), ctx)!)
		).toBe('↩️ Reopened by Priya Raman in Jira');
		expect(threadReply(audit({ action: 'Priority Changed' }), ticket(), ctx)).toBeNull();
	});

	it('mention the on-call group on a breach, in the blocks and the notification text', () => {
		const reply = threadReply(
			audit({ action: 'SLA Breached', actor_name: 'SLA timer', actor_source: 'system' }),
			ticket({ sla_status: 'Breached', pipeline: '<!channel>' }),
			{ ...ctx, oncallGroup: 'S0ONCALL42' }
		)!;
		expect(reply.text).toContain('<!subteam^S0ONCALL42>');
		expect(mrkdwn(reply)[0]).toBe(
			'🔴 <!subteam^S0ONCALL42> *SLA breached*: <https://vigil.contoso.example/tickets/ADF-20261014T021743-k3x9qa|ADF-20261014T021743-k3x9qa> (P2) was not acknowledged within 30m 00s.'
		);
		expect(literal(reply)).toBe('Pipeline: <!channel>');
	});

	it('mention nobody when no valid on-call group is configured', () => {
		const a = audit({ action: 'SLA Breached', actor_source: 'system' });
		for (const group of [null, '', 'here', '<!channel>', 'U123ABC'])
			expect(threadReply(a, ticket(), { ...ctx, oncallGroup: group })!.text).not.toMatch(/<!/);
	});
});

describe('text helpers', () => {
	it('escapes exactly the three control characters', () => {
		expect(escapeMrkdwn('a & <b> "c" \'d\'')).toBe('a &amp; &lt;b&gt; "c" \'d\'');
	});

	it('formats durations', () => {
		expect([45, 192, 3720, 183600, null].map(formatDuration)).toEqual([
			'45s',
			'3m 12s',
			'1h 02m',
			'2d 3h',
			'—'
		]);
	});

	it('accepts only http(s) URLs and encodes characters that would end a link', () => {
		expect(safeUrl('https://x.example/a?b=1&c=2')).toBe('https://x.example/a?b=1&amp;c=2');
		expect(safeUrl('javascript:alert(1)')).toBeNull();
		expect(safeUrl('not a url')).toBeNull();
	});

	it('builds Slack date tokens and on-call mentions', () => {
		expect(slackDate('2026-10-14T02:47:43Z', '{time}')).toBe(
			'<!date^1791946063^{time}|2026-10-14 02:47 UTC>'
		);
		expect(subteamMention('S0ONCALL42')).toBe('<!subteam^S0ONCALL42>');
		expect(subteamMention('<!subteam^S0ONCALL42|@data-oncall>')).toBe('<!subteam^S0ONCALL42>');
		expect(subteamMention('@data-oncall')).toBeNull();
	});

	it('clips without splitting an emoji', () => {
		expect(clip('🔴🔴🔴', 2)).toBe('🔴…');
	});
});
