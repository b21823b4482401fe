import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TicketDto } from '../../src/lib/contracts/tickets.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { invalidateIngestSettings } from '../../src/lib/server/routing/cache.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { waitForChannelSlot } from '../../src/lib/server/slack/pacing.ts';
import { testSlackConnection } from '../../src/lib/server/slack/service.ts';
import { acknowledge, markBreached } from '../../src/lib/server/tickets/lifecycle.ts';
import { startTestRuntime } from '../support/db.ts';
import {
	clickPayload,
	formBody,
	signedHeaders,
	startSlackEventsServer,
	type Clicker
} from '../support/slack-requests.ts';
import { startSlackStandin, type SlackCall, type SlackStandin } from '../support/slack-standin.ts';
import { auditActions, createTicket, eventually, getTicket } from '../support/tickets.ts';

const SECRET = 'slack-signing-secret-for-tests-0123456789';
const ORIGIN = 'https://vigil.contoso.example';
const priya: Clicker = { id: 'U04QF7K2M1N', name: 'priya.raman' };
const victor: Clicker = { id: 'U0VIEWER01', name: 'victor' };
const jane: Clicker = { id: 'U0JANE0001', name: 'jane.doe' };

let standin: SlackStandin;
let rt: Runtime;
let events: Awaited<ReturnType<typeof startSlackEventsServer>>;

beforeAll(async () => {
	standin = await startSlackStandin();
	standin.addUser({
		id: priya.id,
		name: priya.name,
		real_name: 'Priya R.',
		email: 'Priya@contoso.example'
	});
	standin.addUser({ id: victor.id, name: victor.name, email: 'victor@contoso.example' });
	standin.addUser({
		id: jane.id,
		name: jane.name,
		real_name: 'Jane Doe',
		email: 'jane@elsewhere.example'
	});
	rt = await startTestRuntime(
		{
			SLACK_BOT_TOKEN: standin.token,
			SLACK_SIGNING_SECRET: SECRET,
			SLACK_DEFAULT_CHANNEL: '#dataops-alerts',
			SLACK_API_URL: standin.url,
			ORIGIN
		},
		{ slack: { channelIntervalMs: 20 } }
	);
	await setSlackConfig({ oncallGroup: 'S0ONCALL42' });
	const em = rt.em();
	await createUser(
		em,
		{
			email: 'priya@contoso.example',
			name: 'Priya Raman',
			password: 'a long enough password',
			role: 'responder'
		},
		null
	);
	await createUser(
		em,
		{
			email: 'victor@contoso.example',
			name: 'Victor Viewer',
			password: 'a long enough password',
			role: 'viewer'
		},
		null
	);
	// The runtime started Slack with a short spacing (see startTestRuntime above); the
	// pacing itself is tested at 1 s.
	events = await startSlackEventsServer(() => rt.slackEvents);
});
afterAll(async () => {
	await events?.close();
	await rt?.stop();
	await standin?.close().catch(() => {});
});
afterEach(() => {
	expect(standin.violations).toEqual([]);
});

async function setSlackConfig(patch: Record<string, string | null>): Promise<void> {
	await rt.pool.query(
		`update connections set config = jsonb_strip_nulls(config || $1::jsonb), updated_at = now() where kind = 'slack'`,
		[JSON.stringify(patch)]
	);
}

const post = (body: string, headers: Record<string, string>) =>
	fetch(events.url, { method: 'POST', headers, body });

const click = (t: TicketDto, actionId: string, user: Clicker, value?: string) =>
	formBody(clickPayload(t, actionId, user, value));

async function postedTicket(over: Record<string, unknown> = {}): Promise<TicketDto> {
	const t = await createTicket(rt, over);
	return eventually(
		() => getTicket(rt, t.id),
		(x) => x.slack_status === 'posted'
	);
}

const texts = (c: SlackCall) =>
	JSON.stringify(c.args.blocks ?? []) + '\n' + String(c.args.text ?? '');
const updatesOf = (t: TicketDto) =>
	standin.callsTo('chat.update').filter((c) => c.args.ts === t.slack_ts);
const repliesTo = (t: TicketDto) =>
	standin.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === t.slack_ts);
const ephemeralsTo = (user: Clicker) =>
	standin.callsTo('chat.postEphemeral').filter((c) => c.args.user === user.id);

async function interactions(ticketId: string) {
	const r = await rt.pool.query(
		`select status, outcome, retries_seen from slack_interactions where ticket_id = $1 order by received_at`,
		[ticketId]
	);
	return r.rows as { status: string; outcome: string; retries_seen: number }[];
}
const settled = (ticketId: string, n: number) =>
	eventually(
		() => interactions(ticketId),
		(rows) => rows.length === n && rows.every((r) => r.status !== 'queued')
	);

describe('the alert', () => {
	it('is posted after triage to the default channel, with the blocks and a fallback text', async () => {
		const t = await postedTicket();
		expect(t.triage_status).toBe('offline_only');
		const [call, ...others] = standin
			.callsTo('chat.postMessage')
			.filter((c) => texts(c).includes(t.id));
		expect(others).toEqual([]);
		expect(call!.token).toBe(standin.token);
		expect(call!.contentType).toMatch(/^application\/x-www-form-urlencoded/);
		expect(call!.args).toMatchObject({ channel: '#dataops-alerts', unfurl_links: 'false' });
		expect(call!.args.thread_ts).toBeUndefined();
		const blocks = call!.args.blocks as {
			type: string;
			text?: { text: string };
			elements?: Record<string, unknown>[];
		}[];
		expect(blocks.length).toBeLessThanOrEqual(50);
		expect(blocks[0]!.text!.text).toBe(`🟠 ${t.priority} · ${t.pipeline} · Generic (airflow)`);
		expect(blocks.find((b) => b.type === 'actions')!.elements).toEqual([
			expect.objectContaining({ action_id: 'vigil_ack', value: t.id }),
			expect.objectContaining({ action_id: 'vigil_resolve', value: t.id }),
			expect.objectContaining({ action_id: 'vigil_open', url: `${ORIGIN}/tickets/${t.id}` })
		]);
		expect(texts(call!)).toContain(t.root_cause.slice(0, 40));
		expect(String(call!.args.text)).toContain(t.id);
		// Stored as Slack answered: chat.update needs the channel id and the ts.
		expect(t).toMatchObject({
			slack_channel: 'C05DATAOPS1',
			slack_ts: call!.answer.ts,
			slack_error: null
		});
		expect(await connectionStatus()).toMatchObject({ status: 'healthy' });
	});

	it("goes to the routing rule's channel when the rule names one", async () => {
		await rt.pool.query(
			`insert into routing_rules (name, position, field, match_type, pattern, team, slack_channel)
			values ('Finance', 1, 'pipeline', 'keyword', 'finance_', 'finance', '#finance-data')`
		);
		invalidateIngestSettings();
		const t = await postedTicket({ pipeline: 'finance_daily_close' });
		expect(t.slack_channel).toBe('C07FINANCE1');
		const call = standin.callsTo('chat.postMessage').find((c) => texts(c).includes(t.id));
		expect(call!.args.channel).toBe('#finance-data');
	});
});

describe('button clicks', () => {
	it('acknowledge once: chat.update shows who, after how long and the SLA; a thread reply records it', async () => {
		const t = await postedTicket();
		const body = click(t, 'vigil_ack', priya);
		const started = Date.now();
		const res = await post(body, signedHeaders(body, SECRET));
		expect(res.status).toBe(200);
		expect(Date.now() - started).toBeLessThan(3000);

		const acked = await eventually(
			() => getTicket(rt, t.id),
			(x) => x.status === 'in_progress'
		);
		expect(acked).toMatchObject({ acknowledged_by: 'Priya Raman', sla_status: 'Met' });
		const update = await eventually(
			async () => updatesOf(t).at(-1),
			(c) => !!c && texts(c).includes('Acknowledged by Priya Raman after')
		);
		expect(update!.args.channel).toBe('C05DATAOPS1');
		expect(texts(update!)).toContain('SLA Met');
		expect(JSON.stringify(update!.args.blocks)).not.toContain('vigil_ack');
		const reply = await eventually(
			async () => repliesTo(t),
			(r) => r.length === 1
		);
		expect(texts(reply[0]!)).toContain('Acknowledged by Priya Raman in Slack after');
		expect(reply[0]!.args.channel).toBe('C05DATAOPS1');

		// Slack retries the same delivery: answered 200 at once, nothing acts twice.
		const retry = await post(body, signedHeaders(body, SECRET, { retryNum: 1 }));
		expect(retry.status).toBe(200);
		const again = await post(body, signedHeaders(body, SECRET, { retryNum: 2 }));
		expect(again.status).toBe(200);
		expect(await interactions(t.id)).toEqual([
			expect.objectContaining({ status: 'done', retries_seen: 2 })
		]);
		const audit = await rt.pool.query(
			`select action, actor_name, actor_source from audit_log where ticket_id = $1 and action = 'Acknowledged'`,
			[t.id]
		);
		expect(audit.rows).toEqual([
			{ action: 'Acknowledged', actor_name: 'Priya Raman', actor_source: 'slack' }
		]);

		// A new click on the same button: nothing changes, the clicker is told why.
		const second = click(acked, 'vigil_ack', priya);
		expect((await post(second, signedHeaders(second, SECRET))).status).toBe(200);
		const told = await eventually(
			async () => ephemeralsTo(priya).filter((c) => texts(c).includes(t.id)),
			(c) => c.length > 0
		);
		expect(texts(told[0]!)).toContain(`${t.id} was already acknowledged by Priya Raman`);
		expect(told[0]!.args.channel).toBe('C05DATAOPS1');
		await settled(t.id, 2);
		expect(await auditActions(rt, t.id)).toEqual(['Ticket Created', 'Acknowledged']);
		expect(repliesTo(t)).toHaveLength(1);
	});

	it('refuses a bad signature, a stale timestamp and a missing signature with 401, and acts on none', async () => {
		const t = await postedTicket();
		const body = click(t, 'vigil_ack', priya);
		const bad = await post(body, signedHeaders(body, 'not-the-secret'));
		expect(bad.status).toBe(401);
		expect(await bad.json()).toMatchObject({ error: { code: 'invalid_signature' } });
		const stale = await post(
			body,
			signedHeaders(body, SECRET, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })
		);
		expect(stale.status).toBe(401);
		expect(await stale.json()).toMatchObject({ error: { code: 'stale_request' } });
		const tampered = await post(
			body.replace('vigil_ack', 'vigil_resolve'),
			signedHeaders(body, SECRET)
		);
		expect(tampered.status).toBe(401);
		const unsigned = await post(body, { 'content-type': 'application/x-www-form-urlencoded' });
		expect(unsigned.status).toBe(401);
		await new Promise((r) => setTimeout(r, 300));
		expect(await interactions(t.id)).toEqual([]);
		expect((await getTicket(rt, t.id)).status).toBe('open');
	});

	it('on an unknown ticket replies only to the clicker and changes nothing', async () => {
		const t = await postedTicket();
		const missing = 'GEN-20991231T235959-nope00';
		const body = click(t, 'vigil_resolve', priya, missing);
		expect((await post(body, signedHeaders(body, SECRET))).status).toBe(200);
		const [row] = await settled(missing, 1);
		expect(row).toMatchObject({ status: 'refused' });
		const told = ephemeralsTo(priya).filter((c) => texts(c).includes(missing));
		expect(told).toHaveLength(1);
		expect(texts(told[0]!)).toContain(`Vigil has no ticket ${missing}`);
		expect(await auditActions(rt, missing)).toEqual([]);
		expect((await getTicket(rt, t.id)).status).toBe('open');
	});

	it('an acknowledge racing a resolve ends closed with one Acknowledged and one Resolved', async () => {
		const t = await postedTicket();
		const ack = click(t, 'vigil_ack', priya);
		const res = click(t, 'vigil_resolve', priya);
		const answers = await Promise.all([
			post(ack, signedHeaders(ack, SECRET)),
			post(res, signedHeaders(res, SECRET))
		]);
		expect(answers.map((a) => a.status)).toEqual([200, 200]);
		await settled(t.id, 2);
		expect((await getTicket(rt, t.id)).status).toBe('closed');
		const actions = await auditActions(rt, t.id);
		expect(actions.filter((a) => a === 'Acknowledged')).toHaveLength(1);
		expect(actions.filter((a) => a === 'Resolved')).toHaveLength(1);
		const final = await eventually(
			async () => updatesOf(t).at(-1),
			(c) => !!c && texts(c).includes('Resolved by Priya Raman')
		);
		expect(JSON.stringify(final!.args.blocks)).toContain('vigil_reopen');
	});

	it('"Open in Vigil" is a link: acked, nothing recorded', async () => {
		const t = await postedTicket();
		const body = click(t, 'vigil_open', priya);
		expect((await post(body, signedHeaders(body, SECRET))).status).toBe(200);
		expect(await interactions(t.id)).toEqual([]);
	});
});

describe('who may click', () => {
	it('a Slack user without a Vigil account is told why nothing happened', async () => {
		const t = await postedTicket();
		const body = click(t, 'vigil_ack', jane);
		expect((await post(body, signedHeaders(body, SECRET))).status).toBe(200);
		await settled(t.id, 1);
		const told = ephemeralsTo(jane).filter(
			(c) => texts(c).includes(t.id) || texts(c).includes('jane@elsewhere.example')
		);
		expect(told).toHaveLength(1);
		expect(texts(told[0]!)).toContain('No Vigil account for jane@elsewhere.example');
		expect((await getTicket(rt, t.id)).status).toBe('open');
	});

	it('a viewer is refused', async () => {
		const t = await postedTicket();
		const body = click(t, 'vigil_resolve', victor);
		await post(body, signedHeaders(body, SECRET));
		await settled(t.id, 1);
		expect(texts(ephemeralsTo(victor).at(-1)!)).toContain('is a viewer');
		expect((await getTicket(rt, t.id)).status).toBe('open');
	});

	it('with allowUnmapped the Slack identity is recorded', async () => {
		await setSlackConfig({ allowUnmapped: 'true' });
		try {
			const t = await postedTicket();
			const body = click(t, 'vigil_ack', jane);
			await post(body, signedHeaders(body, SECRET));
			const acked = await eventually(
				() => getTicket(rt, t.id),
				(x) => x.status === 'in_progress'
			);
			expect(acked.acknowledged_by).toBe('Jane Doe (Slack)');
		} finally {
			await setSlackConfig({ allowUnmapped: null });
		}
	});
});

describe('changes made elsewhere', () => {
	it('an acknowledgement on the board updates the message and is replied in the thread', async () => {
		const t = await postedTicket();
		await acknowledge(rt.pool, t.id, { name: 'Sam Okafor', source: 'dashboard' });
		await eventually(
			async () => updatesOf(t),
			(u) => u.some((c) => texts(c).includes('Acknowledged by Sam Okafor after'))
		);
		const reply = await eventually(
			async () => repliesTo(t),
			(r) => r.length === 1
		);
		expect(texts(reply[0]!)).toContain('Acknowledged by Sam Okafor on the board');
	});

	it('a breach mentions the on-call group in the thread and turns the header red', async () => {
		const t = await postedTicket();
		await rt.pool.query(
			`update tickets set sla_deadline = now() - interval '1 minute' where id = $1`,
			[t.id]
		);
		expect((await markBreached(rt.pool, t.id)).changed).toBe(true);
		const reply = await eventually(
			async () => repliesTo(t),
			(r) => r.length === 1
		);
		expect(String(reply[0]!.args.text)).toContain('<!subteam^S0ONCALL42>');
		expect(texts(reply[0]!)).toContain('*SLA breached*');
		const update = await eventually(
			async () => updatesOf(t).at(-1),
			(c) => !!c
		);
		const header = (update!.args.blocks as { text: { text: string } }[])[0]!.text.text;
		expect(header.startsWith('🔴')).toBe(true);
	});
});

describe('rate limits and outages', () => {
	it('a 429 is waited out by re-scheduling after Retry-After; the ticket is not held up', async () => {
		standin.failNext('chat.postMessage', { kind: 'rate_limited', retryAfterSeconds: 2 });
		const t = await createTicket(rt);
		// The ticket works while its alert waits.
		const limited = await eventually(
			async () => standin.calls.find((c) => c.status === 429),
			(c) => !!c
		);
		expect((await getTicket(rt, t.id)).slack_status).toBe('pending');
		await acknowledge(rt.pool, t.id, { name: 'Sam Okafor', source: 'dashboard' });
		const posted = await eventually(
			() => getTicket(rt, t.id),
			(x) => x.slack_status === 'posted'
		);
		const ok = standin.callsTo('chat.postMessage').find((c) => c.answer.ts === posted.slack_ts)!;
		expect(ok.at - limited!.at).toBeGreaterThanOrEqual(2000);
		// Posted as the ticket now is (the acknowledgement happened while waiting).
		expect(texts(ok)).toContain('Acknowledged by Sam Okafor');
	});

	it('paces messages to one channel about one per second', async () => {
		const started = Date.now();
		const done: number[] = [];
		await Promise.all(
			[1, 2, 3].map(() =>
				waitForChannelSlot(rt.pool, '#pacing-test', 1000).then(() =>
					done.push(Date.now() - started)
				)
			)
		);
		done.sort((a, b) => a - b);
		expect(done[1]! - done[0]!).toBeGreaterThanOrEqual(900);
		expect(done[2]! - done[1]!).toBeGreaterThanOrEqual(900);
	});

	it('answers 503 when no Slack listener is registered', async () => {
		const listener = rt.slackEvents;
		rt.slackEvents = null;
		try {
			const res = await post('payload=%7B%7D', signedHeaders('payload=%7B%7D', SECRET));
			expect(res.status).toBe(503);
			expect(await res.json()).toMatchObject({ error: { code: 'slack_not_configured' } });
		} finally {
			rt.slackEvents = listener;
		}
	});

	it('tests the connection with auth.test', async () => {
		const settings = {
			config: { apiUrl: standin.url },
			secrets: { botToken: standin.token, signingSecret: SECRET }
		};
		expect(await testSlackConnection(settings)).toEqual({
			ok: true,
			team: 'Contoso',
			user: 'vigil'
		});
		expect(
			await testSlackConnection({
				...settings,
				secrets: { botToken: 'xoxb-wrong', signingSecret: SECRET }
			})
		).toEqual({ ok: false, error: 'auth.test: invalid_auth' });
	});

	// Last: it closes the stand-in.
	it('Slack down: the ticket exists, its Slack status says failed and why, the connection shows failing', async () => {
		await standin.close();
		const t = await createTicket(rt);
		const failed = await eventually(
			() => getTicket(rt, t.id),
			(x) => x.slack_status === 'failed'
		);
		expect(failed.slack_error).toMatch(
			/^chat\.postMessage: (ECONNREFUSED|fetch failed).*\(retrying\)$/
		);
		expect(await connectionStatus()).toMatchObject({
			status: 'failing',
			last_error: expect.stringContaining('chat.postMessage')
		});
		expect(
			(await acknowledge(rt.pool, t.id, { name: 'Sam Okafor', source: 'dashboard' })).changed
		).toBe(true);
	});
});

async function connectionStatus() {
	const r = await rt.pool.query(`select status, last_error from connections where kind = 'slack'`);
	return r.rows[0] as { status: string; last_error: string | null };
}
