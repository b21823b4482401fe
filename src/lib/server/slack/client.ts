/**
 * The only file that imports the Slack SDK (@slack/bolt, and @slack/web-api
 * through Bolt's `webApi` re-export). Everything else talks to `SlackClient`.
 */
import {
	App,
	LogLevel,
	isValidSlackRequest,
	types,
	webApi,
	type BlockAction,
	type ButtonAction,
	type Logger as BoltLogger,
	type Receiver
} from '@slack/bolt';
import { log } from '../log.ts';
import type { Block } from './kit.ts';

export interface SlackClientOptions {
	botToken: string;
	/** Web API base URL; a local stand-in in tests (keep the trailing slash). */
	apiUrl?: string | null;
	timeoutMs?: number;
}

export type SlackErrorKind = 'rate_limited' | 'platform' | 'http' | 'network';

/** Slack `error` codes worth retrying; every other `ok: false` is permanent (fix settings first). */
const RETRYABLE_CODES = new Set([
	'ratelimited',
	'rate_limited',
	'internal_error',
	'fatal_error',
	'service_unavailable',
	'request_timeout',
	'team_added_to_org'
]);

export class SlackCallError extends Error {
	readonly kind: SlackErrorKind;
	/** Slack's `error` (channel_not_found…), `http_503`, or the network error code. */
	readonly code: string;
	readonly retryAfterSeconds: number | null;
	readonly retryable: boolean;
	constructor(
		method: string,
		kind: SlackErrorKind,
		code: string,
		retryAfterSeconds: number | null = null
	) {
		super(`${method}: ${code}`);
		this.name = 'SlackCallError';
		this.kind = kind;
		this.code = code;
		this.retryAfterSeconds = retryAfterSeconds;
		this.retryable =
			kind === 'rate_limited' ||
			kind === 'network' ||
			(kind === 'platform' && RETRYABLE_CODES.has(code)) ||
			(kind === 'http' && /^http_(5\d\d|408)$/.test(code));
	}
}

function toCallError(method: string, err: unknown): SlackCallError {
	if (err instanceof webApi.WebAPIRateLimitedError)
		return new SlackCallError(method, 'rate_limited', 'rate_limited', err.retryAfter);
	if (err instanceof webApi.WebAPIPlatformError)
		return new SlackCallError(method, 'platform', String(err.data.error));
	if (err instanceof webApi.WebAPIHTTPError)
		return new SlackCallError(method, 'http', `http_${err.statusCode}`);
	const original = err instanceof webApi.WebAPIRequestError ? err.original : err;
	const cause = (original as { cause?: { code?: string } } | null)?.cause;
	const message = original instanceof Error ? original.message : String(original);
	return new SlackCallError(method, 'network', cause?.code ?? message);
}

export interface SlackUser {
	id: string;
	/** The handle (`name`), for display when no real name is set. */
	name: string;
	realName: string | null;
	/** Needs the users:read.email scope; null when Slack does not give it. */
	email: string | null;
}

export interface PostArgs {
	channel: string;
	text: string;
	blocks: Block[];
	threadTs?: string;
}

/** The Web API calls Vigil makes. Each throws SlackCallError. */
export interface SlackApi {
	postMessage(args: PostArgs): Promise<{ channel: string; ts: string }>;
	updateMessage(args: {
		channel: string;
		ts: string;
		text: string;
		blocks: Block[];
	}): Promise<void>;
	postEphemeral(args: PostArgs & { user: string }): Promise<void>;
	userInfo(user: string): Promise<SlackUser>;
	authTest(): Promise<{ team: string; user: string; teamId: string; userId: string }>;
}

/** A button click as Vigil needs it, lifted out of Slack's block_actions payload. */
export interface IncomingAction {
	actionId: string;
	value: string | null;
	actionTs: string;
	triggerId: string | null;
	userId: string;
	userName: string | null;
	channelId: string | null;
	messageTs: string | null;
}

export interface SlackClient {
	api: SlackApi;
	/**
	 * Runs one verified request body through Bolt. Resolves once Bolt is done;
	 * `acked` is false when no listener took it (an event or command Vigil ignores).
	 */
	dispatch(
		body: Record<string, unknown>,
		meta?: { retryNum?: number; retryReason?: string }
	): Promise<{ acked: boolean }>;
}

/** Slack's v0 request signature (HMAC-SHA256 of `v0:{timestamp}:{body}`), checked by Bolt. */
export function isSignatureValid(args: {
	signingSecret: string;
	timestamp: number;
	signature: string;
	body: string;
	nowMs: number;
}): boolean {
	return isValidSlackRequest({
		signingSecret: args.signingSecret,
		body: args.body,
		headers: { 'x-slack-signature': args.signature, 'x-slack-request-timestamp': args.timestamp },
		nowMilliseconds: args.nowMs
	});
}

const boltLogger = (): BoltLogger => {
	const child = log.child({ component: 'slack-sdk' });
	let level = LogLevel.INFO;
	const text = (msg: unknown[]) =>
		msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
	return {
		debug: (...msg) => child.debug(text(msg)),
		info: (...msg) => child.info(text(msg)),
		warn: (...msg) => child.warn(text(msg)),
		error: (...msg) => child.error(text(msg)),
		setLevel: (l) => void (level = l),
		getLevel: () => level,
		setName: () => {}
	};
};

function webClientOptions(opts: SlackClientOptions): webApi.WebClientOptions {
	const base = opts.apiUrl?.trim() || 'https://slack.com/api/';
	return {
		slackApiUrl: base.endsWith('/') ? base : base + '/',
		// Retries belong to the job queue: never sleep through a Retry-After inside a worker.
		retryConfig: { retries: 0 },
		rejectRateLimitedCalls: true,
		timeout: opts.timeoutMs ?? 10_000,
		logger: boltLogger()
	};
}

function createApi(opts: SlackClientOptions): SlackApi {
	const client = new webApi.WebClient(opts.botToken, webClientOptions(opts));
	const call = async <T>(method: string, fn: () => Promise<T>): Promise<T> => {
		try {
			return await fn();
		} catch (err) {
			throw toCallError(method, err);
		}
	};
	// Block Kit JSON as built by blocks.ts; the SDK's own block types are a superset.
	type SdkBlocks = types.KnownBlock[];
	return {
		postMessage: ({ channel, text, blocks, threadTs }) =>
			call('chat.postMessage', async () => {
				const r = await client.chat.postMessage({
					channel,
					text,
					blocks: blocks as SdkBlocks,
					unfurl_links: false,
					unfurl_media: false,
					...(threadTs ? { thread_ts: threadTs } : {})
				});
				return { channel: String(r.channel), ts: String(r.ts) };
			}),
		updateMessage: ({ channel, ts, text, blocks }) =>
			call('chat.update', async () => {
				await client.chat.update({ channel, ts, text, blocks: blocks as SdkBlocks });
			}),
		postEphemeral: ({ channel, user, text, blocks, threadTs }) =>
			call('chat.postEphemeral', async () => {
				await client.chat.postEphemeral({
					channel,
					user,
					text,
					blocks: blocks as SdkBlocks,
					...(threadTs ? { thread_ts: threadTs } : {})
				});
			}),
		userInfo: (user) =>
			call('users.info', async () => {
				const r = await client.users.info({ user });
				const u = r.user;
				return {
					id: u?.id ?? user,
					name: u?.name ?? user,
					realName: u?.real_name || u?.profile?.real_name || null,
					email: u?.profile?.email || null
				};
			}),
		authTest: () =>
			call('auth.test', async () => {
				const r = await client.auth.test();
				return {
					team: String(r.team ?? ''),
					user: String(r.user ?? ''),
					teamId: String(r.team_id ?? ''),
					userId: String(r.user_id ?? '')
				};
			})
	};
}

/** Requests reach Bolt through `dispatch`, so the receiver has nothing to start or stop. */
class SeamReceiver implements Receiver {
	init(): void {}
	async start(): Promise<void> {}
	async stop(): Promise<void> {}
}

function toIncoming(body: BlockAction<ButtonAction>, action: ButtonAction): IncomingAction {
	return {
		actionId: action.action_id,
		value: action.value ?? null,
		actionTs: action.action_ts,
		triggerId: body.trigger_id ?? null,
		userId: body.user.id,
		userName: body.user.name ?? body.user.username ?? null,
		channelId: body.container?.channel_id ?? body.channel?.id ?? null,
		messageTs: body.container?.message_ts ?? body.message?.ts ?? null
	};
}

/**
 * A Bolt app for one Slack connection. `onAction` runs for Vigil's
 * Acknowledge / Resolve / Reopen buttons before the ack, so it must be quick
 * (record and enqueue; the work runs in a job). Slack also reports clicks on
 * the "Open in Vigil" link button: those are only acked.
 */
export function createSlackClient(
	opts: SlackClientOptions & {
		onAction: (action: IncomingAction, meta: { retryNum?: number }) => Promise<void>;
		/** Button action ids that act; other `vigil_` ids (the link button) are only acked. */
		actionIds: readonly string[];
	}
): SlackClient {
	const botToken = opts.botToken;
	const app = new App({
		receiver: new SeamReceiver(),
		authorize: async () => ({ botToken }),
		clientOptions: webClientOptions(opts),
		logger: boltLogger(),
		convoStore: false
	});
	const ids = new Set(opts.actionIds);
	app.action<BlockAction<ButtonAction>>(
		{ type: 'block_actions', action_id: /^vigil_/ },
		async ({ ack, body, action, context }) => {
			if (ids.has(action.action_id))
				await opts.onAction(toIncoming(body, action), { retryNum: context.retryNum });
			await ack();
		}
	);
	app.error(async (error) => {
		throw error;
	});
	return {
		api: createApi(opts),
		async dispatch(body, meta = {}) {
			let acked = false;
			await app.processEvent({
				body,
				retryNum: meta.retryNum,
				retryReason: meta.retryReason,
				ack: async () => {
					acked = true;
				}
			});
			return { acked };
		}
	};
}

/** The Web API alone, without a Bolt app (the connection test needs no more). */
export function createSlackApi(opts: SlackClientOptions): SlackApi {
	return createApi(opts);
}
