import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local Slack Web API answering as Slack's Web API OpenAPI description
 * (slackapi/slack-api-specs) and its documentation describe it:
 * POST /api/<method> with form-encoded (what @slack/web-api sends) or JSON
 * arguments, `Authorization: Bearer xoxb-…`; errors as HTTP 200
 * `{"ok": false, "error": "…"}`, rate limits as HTTP 429 with Retry-After.
 * It records every call, and the contract problems it saw, for the tests.
 */

export const STANDIN_TEAM = { id: 'T02ABCDEF12', name: 'Contoso', domain: 'contoso' };
export const STANDIN_BOT = { userId: 'U05VIGILBOT', botId: 'B05VIGIL001', name: 'vigil' };

export interface StandinUser {
	id: string;
	name: string;
	real_name?: string;
	/** Omitted = the token lacks users:read.email (Slack then leaves it out). */
	email?: string;
}

export interface SlackCall {
	method: string;
	/** The bearer token (or `token` argument) the call carried. */
	token: string | null;
	contentType: string;
	/** Arguments as Slack reads them; `blocks` / `attachments` JSON-decoded. */
	args: Record<string, unknown>;
	status: number;
	answer: Record<string, unknown>;
	at: number;
}

export interface StoredMessage {
	channel: string;
	ts: string;
	text: string;
	blocks: unknown[];
	threadTs: string | null;
	edits: number;
}

export type SlackFault =
	| { kind: 'rate_limited'; retryAfterSeconds: number }
	| { kind: 'error'; error: string }
	| { kind: 'http'; status: number };

export interface SlackStandin {
	/** Web API base URL with the trailing slash, for SLACK_API_URL. */
	url: string;
	token: string;
	calls: SlackCall[];
	callsTo(method: string): SlackCall[];
	/** Calls that broke the documented contract (missing fallback text, > 50 blocks…). */
	violations: string[];
	messages: StoredMessage[];
	addUser(user: StandinUser): void;
	/** The next `times` calls of `method` answer with this fault. */
	failNext(method: string, fault: SlackFault, times?: number): void;
	close(): Promise<void>;
}

const METHODS = [
	'auth.test',
	'chat.postMessage',
	'chat.update',
	'chat.postEphemeral',
	'users.info'
];

async function readArgs(
	req: IncomingMessage
): Promise<{ args: Record<string, unknown>; error?: string }> {
	const chunks: Buffer[] = [];
	for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
	const raw = Buffer.concat(chunks).toString('utf8');
	const url = new URL(req.url ?? '/', 'http://standin');
	const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
	let args: Record<string, unknown> = Object.fromEntries(url.searchParams);
	try {
		if (type === 'application/json') args = { ...args, ...(raw ? JSON.parse(raw) : {}) };
		else if (type === 'application/x-www-form-urlencoded' || raw === '')
			args = { ...args, ...Object.fromEntries(new URLSearchParams(raw)) };
		else return { args, error: 'invalid_post_type' };
	} catch {
		return { args, error: 'invalid_json' };
	}
	for (const key of ['blocks', 'attachments']) {
		if (typeof args[key] !== 'string') continue;
		try {
			args[key] = JSON.parse(args[key] as string);
		} catch {
			return { args, error: 'invalid_array_arg' };
		}
	}
	return { args };
}

export async function startSlackStandin(opts: { token?: string } = {}): Promise<SlackStandin> {
	const token = opts.token ?? 'xoxb-standin-0000000000-vigil';
	const channels = new Map<string, string>([
		['#dataops-alerts', 'C05DATAOPS1'],
		['dataops-alerts', 'C05DATAOPS1'],
		['C05DATAOPS1', 'C05DATAOPS1'],
		['#finance-data', 'C07FINANCE1'],
		['finance-data', 'C07FINANCE1'],
		['C07FINANCE1', 'C07FINANCE1']
	]);
	const users = new Map<string, StandinUser>();
	const faults = new Map<string, SlackFault[]>();
	const calls: SlackCall[] = [];
	const violations: string[] = [];
	const messages: StoredMessage[] = [];
	let seq = 0;
	const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;

	function checkMessageArgs(method: string, args: Record<string, unknown>): string | null {
		const blocks = args.blocks;
		if (blocks !== undefined && !Array.isArray(blocks)) return 'invalid_blocks';
		if (Array.isArray(blocks) && blocks.length > 50) return 'invalid_blocks';
		if (!args.text && !blocks && !args.attachments) return 'no_text';
		// Slack accepts blocks without text, but warns: notifications then show nothing useful.
		if (blocks && !args.text) violations.push(`${method} without a text fallback`);
		if (typeof args.text === 'string' && args.text.length > 40_000) return 'msg_too_long';
		return null;
	}

	function answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
		switch (method) {
			case 'auth.test':
				return {
					ok: true,
					url: `https://${STANDIN_TEAM.domain}.slack.com/`,
					team: STANDIN_TEAM.name,
					user: STANDIN_BOT.name,
					team_id: STANDIN_TEAM.id,
					user_id: STANDIN_BOT.userId,
					bot_id: STANDIN_BOT.botId,
					is_enterprise_install: false
				};
			case 'chat.postMessage': {
				const channel = channels.get(String(args.channel ?? ''));
				if (!channel) return { ok: false, error: 'channel_not_found' };
				const problem = checkMessageArgs(method, args);
				if (problem) return { ok: false, error: problem };
				const threadTs = typeof args.thread_ts === 'string' ? args.thread_ts : null;
				if (
					threadTs &&
					!messages.some((m) => m.channel === channel && m.ts === threadTs && !m.threadTs)
				)
					violations.push(
						`chat.postMessage with thread_ts ${threadTs} that is no message in ${channel}`
					);
				const m: StoredMessage = {
					channel,
					ts: nextTs(),
					text: String(args.text ?? ''),
					blocks: (args.blocks as unknown[]) ?? [],
					threadTs,
					edits: 0
				};
				messages.push(m);
				return {
					ok: true,
					channel,
					ts: m.ts,
					message: {
						type: 'message',
						subtype: 'bot_message',
						text: m.text,
						ts: m.ts,
						bot_id: STANDIN_BOT.botId
					}
				};
			}
			case 'chat.update': {
				// chat.update takes the channel id only, as returned by chat.postMessage.
				const channel = String(args.channel ?? '');
				if (!/^[CGD][A-Z0-9]+$/.test(channel) || !channels.has(channel))
					return { ok: false, error: 'channel_not_found' };
				const m = messages.find((x) => x.channel === channel && x.ts === args.ts);
				if (!m) return { ok: false, error: 'message_not_found' };
				const problem = checkMessageArgs(method, args);
				if (problem) return { ok: false, error: problem };
				m.text = String(args.text ?? '');
				m.blocks = (args.blocks as unknown[]) ?? [];
				m.edits++;
				return {
					ok: true,
					channel,
					ts: m.ts,
					text: m.text,
					message: { text: m.text, user: STANDIN_BOT.userId }
				};
			}
			case 'chat.postEphemeral': {
				const channel = channels.get(String(args.channel ?? ''));
				if (!channel) return { ok: false, error: 'channel_not_found' };
				if (!users.has(String(args.user ?? ''))) return { ok: false, error: 'user_not_in_channel' };
				const problem = checkMessageArgs(method, args);
				if (problem) return { ok: false, error: problem };
				return { ok: true, message_ts: nextTs() };
			}
			case 'users.info': {
				const u = users.get(String(args.user ?? ''));
				if (!u) return { ok: false, error: 'user_not_found' };
				return {
					ok: true,
					user: {
						id: u.id,
						team_id: STANDIN_TEAM.id,
						name: u.name,
						deleted: false,
						real_name: u.real_name ?? u.name,
						is_bot: false,
						profile: {
							real_name: u.real_name ?? u.name,
							display_name: u.name,
							...(u.email ? { email: u.email } : {}),
							team: STANDIN_TEAM.id
						}
					}
				};
			}
			default:
				return { ok: false, error: 'unknown_method' };
		}
	}

	function send(
		res: ServerResponse,
		status: number,
		body: Record<string, unknown>,
		headers: Record<string, string> = {}
	) {
		res
			.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
			.end(JSON.stringify(body));
	}

	const server = createServer((req, res) => {
		void (async () => {
			const url = new URL(req.url ?? '/', 'http://standin');
			const method = url.pathname.replace(/^\/api\//, '');
			const { args, error: parseError } = await readArgs(req);
			const bearer = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1] ?? null;
			const callToken = bearer ?? (typeof args.token === 'string' ? args.token : null);
			const record = (status: number, body: Record<string, unknown>) => {
				calls.push({
					method,
					token: callToken,
					contentType: String(req.headers['content-type'] ?? ''),
					args,
					status,
					answer: body,
					at: Date.now()
				});
			};
			if (req.method !== 'POST' && req.method !== 'GET') {
				record(405, { ok: false, error: 'invalid_post_type' });
				return send(res, 405, { ok: false, error: 'invalid_post_type' });
			}
			if (!METHODS.includes(method)) {
				record(404, { ok: false, error: 'unknown_method' });
				return send(res, 404, { ok: false, error: 'unknown_method' });
			}
			const fault = faults.get(method)?.shift();
			if (fault?.kind === 'rate_limited') {
				const body = { ok: false, error: 'ratelimited' };
				record(429, body);
				return send(res, 429, body, { 'retry-after': String(fault.retryAfterSeconds) });
			}
			if (fault?.kind === 'http') {
				record(fault.status, {});
				return void res
					.writeHead(fault.status, { 'content-type': 'text/html' })
					.end('<html>upstream error</html>');
			}
			let body: Record<string, unknown>;
			if (parseError) body = { ok: false, error: parseError };
			else if (!callToken) body = { ok: false, error: 'not_authed' };
			else if (callToken !== token) body = { ok: false, error: 'invalid_auth' };
			else if (fault?.kind === 'error') body = { ok: false, error: fault.error };
			else body = answer(method, args);
			record(200, body);
			send(res, 200, body);
		})().catch((err: unknown) => {
			res.writeHead(500).end(String(err));
		});
	});

	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		url: `http://127.0.0.1:${port}/api/`,
		token,
		calls,
		callsTo: (method) => calls.filter((c) => c.method === method),
		violations,
		messages,
		addUser: (u) => void users.set(u.id, u),
		failNext(method, fault, times = 1) {
			const queue = faults.get(method) ?? [];
			for (let i = 0; i < times; i++) queue.push(fault);
			faults.set(method, queue);
		},
		close() {
			server.closeAllConnections();
			return new Promise((resolve, reject) =>
				server.close((err) => (err ? reject(err) : resolve()))
			);
		}
	};
}

/** The environment that connects a test runtime to a Slack stand-in, alerts to #dataops-alerts. */
export function slackEnv(slack: SlackStandin, signingSecret: string): Record<string, string> {
	return {
		SLACK_BOT_TOKEN: slack.token,
		SLACK_SIGNING_SECRET: signingSecret,
		SLACK_DEFAULT_CHANNEL: '#dataops-alerts',
		SLACK_API_URL: slack.url
	};
}
