import type { Pool } from '../db/pool.ts';
import {
	loadConnection,
	recordConnectionResult,
	type ConnectionSettings
} from '../connections/service.ts';
import { log } from '../log.ts';
import {
	SlackCallError,
	createSlackClient,
	type IncomingAction,
	type SlackApi,
	type SlackClient
} from './client.ts';

/** The Slack connection as stored (connections table, kind 'slack'). */
export interface SlackSettings {
	botToken: string;
	signingSecret: string;
	/** Where alerts go when the routing rule names no channel. */
	defaultChannel: string | null;
	apiUrl: string | null;
	/** Admin setting: Slack users without a Vigil account may act, recorded under their Slack name. */
	allowUnmapped: boolean;
	/** User group id (S…) mentioned on a breach. */
	oncallGroup: string | null;
}

export function readSlackSettings(c: ConnectionSettings): SlackSettings | null {
	const { botToken, signingSecret } = c.secrets;
	if (!botToken || !signingSecret) return null;
	return {
		botToken,
		signingSecret,
		defaultChannel: c.config.defaultChannel?.trim() || null,
		apiUrl: c.config.apiUrl?.trim() || null,
		allowUnmapped: c.config.allowUnmapped === 'true',
		oncallGroup: c.config.oncallGroup?.trim() || null
	};
}

export interface SlackHandle {
	settings: SlackSettings;
	/** The Bolt app, for verified requests. */
	client: SlackClient;
	/** Web API calls; they report the connection's health as they go. */
	api: SlackApi;
}

export type SlackLookup = () => Promise<SlackHandle | null>;

// Failures that say the connection itself (token, URL, channel) is wrong or Slack is unreachable.
const CONNECTION_CODES = new Set([
	'not_authed',
	'invalid_auth',
	'token_revoked',
	'token_expired',
	'account_inactive',
	'missing_scope',
	'channel_not_found',
	'not_in_channel',
	'is_archived'
]);

function withHealth(pool: Pool, api: SlackApi): SlackApi {
	const report = (ok: boolean, error?: string) =>
		recordConnectionResult(
			pool,
			'slack',
			ok ? { ok: true } : { ok: false, error: error ?? 'failed' }
		).catch((err) => log.warn({ err }, 'could not record Slack connection health'));
	const track =
		<A extends unknown[], R>(fn: (...args: A) => Promise<R>, provesHealth: boolean) =>
		async (...args: A): Promise<R> => {
			try {
				const result = await fn(...args);
				if (provesHealth) await report(true);
				return result;
			} catch (err) {
				if (
					err instanceof SlackCallError &&
					err.kind !== 'rate_limited' &&
					(provesHealth || err.kind !== 'platform' || CONNECTION_CODES.has(err.code))
				)
					await report(false, err.message);
				throw err;
			}
		};
	return {
		postMessage: track(api.postMessage, true),
		updateMessage: track(api.updateMessage, true),
		authTest: track(api.authTest, true),
		postEphemeral: track(api.postEphemeral, false),
		userInfo: track(api.userInfo, false)
	};
}

/**
 * The current Slack connection, rebuilt when an admin changes it (its
 * updated_at moves); null while none is configured.
 */
export function createSlackLookup(deps: {
	pool: Pool;
	secretKey: Buffer;
	actionIds: readonly string[];
	onAction: (action: IncomingAction, meta: { retryNum?: number }) => Promise<void>;
}): SlackLookup {
	let cached: { at: number; handle: SlackHandle } | null = null;
	return async () => {
		let stored;
		try {
			stored = await loadConnection(deps.pool, deps.secretKey, 'slack');
		} catch (err) {
			log.error({ err }, 'the Slack connection cannot be read (encryption key changed?)');
			return null;
		}
		const settings = stored && readSlackSettings(stored);
		if (!stored || !settings) return null;
		if (cached?.at !== stored.updatedAt.getTime()) {
			const client = createSlackClient({
				botToken: settings.botToken,
				apiUrl: settings.apiUrl,
				actionIds: deps.actionIds,
				onAction: deps.onAction
			});
			cached = {
				at: stored.updatedAt.getTime(),
				handle: { settings, client, api: withHealth(deps.pool, client.api) }
			};
		}
		return cached.handle;
	};
}
