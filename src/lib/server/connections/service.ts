import type { Pool } from '../db/pool.ts';
import type { Config } from '../config.ts';
import { seal, unseal } from '../crypto/seal.ts';
import type { ConnectionKind, ConnectionStatus } from './entities.ts';
import { CONNECTION_KINDS } from './entities.ts';

export interface ConnectionSettings {
	config: Record<string, string>;
	secrets: Record<string, string>;
}

export interface ConnectionState {
	kind: ConnectionKind;
	configured: boolean;
	status: ConnectionStatus;
	last_error: string | null;
	last_checked_at: Date | null;
	last_ok_at: Date | null;
	config: Record<string, string>;
	/**
	 * The circuit breaker of the connection's calls (Jira keeps it in this row, shared by every
	 * instance): closed = calls go through; open = refused until breaker_open_until; half_open =
	 * one call is probing whether the service is back.
	 */
	breaker_state: BreakerState;
	/** Consecutive failures that count towards opening the breaker. */
	breaker_failures: number;
	/** Open: when the next probe may go; half-open: when the probe's window ends. */
	breaker_open_until: Date | null;
	/** Jira: the last create Jira refused (which field, Jira's message), until a create succeeds. */
	last_refusal: string | null;
	last_refusal_at: Date | null;
}

export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * What each connection needs from the environment (the integration variables in README.md's
 * Configuration table) to count as configured.
 */
function fromEnv(cfg: Config): Partial<Record<ConnectionKind, ConnectionSettings>> {
	const out: Partial<Record<ConnectionKind, ConnectionSettings>> = {};
	if (cfg.GEMINI_API_KEY)
		out.gemini = {
			config: {
				model: cfg.GEMINI_MODEL,
				...(cfg.GEMINI_BASE_URL ? { baseUrl: cfg.GEMINI_BASE_URL } : {})
			},
			secrets: { apiKey: cfg.GEMINI_API_KEY }
		};
	if (cfg.DATABRICKS_HOST && cfg.DATABRICKS_TOKEN)
		out.databricks = {
			config: { host: cfg.DATABRICKS_HOST },
			secrets: { token: cfg.DATABRICKS_TOKEN }
		};
	if (cfg.SLACK_BOT_TOKEN && cfg.SLACK_SIGNING_SECRET)
		out.slack = {
			config: {
				...(cfg.SLACK_DEFAULT_CHANNEL ? { defaultChannel: cfg.SLACK_DEFAULT_CHANNEL } : {}),
				...(cfg.SLACK_API_URL ? { apiUrl: cfg.SLACK_API_URL } : {})
			},
			secrets: { botToken: cfg.SLACK_BOT_TOKEN, signingSecret: cfg.SLACK_SIGNING_SECRET }
		};
	if (cfg.JIRA_BASE_URL && (cfg.JIRA_API_TOKEN || cfg.JIRA_PAT))
		out.jira = {
			config: {
				baseUrl: cfg.JIRA_BASE_URL,
				deployment: cfg.JIRA_DEPLOYMENT,
				...(cfg.JIRA_EMAIL ? { email: cfg.JIRA_EMAIL } : {}),
				...(cfg.JIRA_PROJECT_KEY ? { projectKey: cfg.JIRA_PROJECT_KEY } : {}),
				issueType: cfg.JIRA_ISSUE_TYPE
			},
			secrets: {
				...(cfg.JIRA_API_TOKEN ? { apiToken: cfg.JIRA_API_TOKEN } : {}),
				...(cfg.JIRA_PAT ? { pat: cfg.JIRA_PAT } : {}),
				...(cfg.JIRA_WEBHOOK_SECRET ? { webhookSecret: cfg.JIRA_WEBHOOK_SECRET } : {})
			}
		};
	return out;
}

/** Environment seeds connections on first start only; afterwards the admin UI owns them. */
export async function seedConnections(pool: Pool, cfg: Config, key: Buffer): Promise<void> {
	for (const [kind, settings] of Object.entries(fromEnv(cfg))) {
		await pool.query(
			`insert into connections (kind, config, secrets) values ($1, $2, $3) on conflict (kind) do nothing`,
			[kind, settings.config, seal(key, JSON.stringify(settings.secrets))]
		);
	}
}

/**
 * Secrets and settings each kind cannot work without. Jira Cloud authenticates with e-mail +
 * API token, Server / Data Center with a personal access token.
 */
export function requiredSettings(kind: ConnectionKind, config: Record<string, string>): string[] {
	if (kind === 'gemini') return ['apiKey'];
	if (kind === 'slack') return ['botToken', 'signingSecret'];
	if (kind === 'databricks') return ['host', 'token'];
	return config.deployment === 'server' ? ['baseUrl', 'pat'] : ['baseUrl', 'email', 'apiToken'];
}

/** Configured = everything the kind needs is stored; an admin who clears a required secret unconfigures it. */
export function isConfigured(kind: ConnectionKind, settings: ConnectionSettings): boolean {
	return requiredSettings(kind, settings.config).every(
		(name) => Boolean(settings.secrets[name]) || Boolean(settings.config[name])
	);
}

/**
 * `newSite`: the settings now send calls to another host. What the row remembers of the old
 * one (its circuit breaker, the last create it refused) says nothing about the new one, and an
 * open breaker would refuse the new site's first calls until the old outage's cool-down ends.
 */
export async function saveConnection(
	pool: Pool,
	key: Buffer,
	kind: ConnectionKind,
	settings: ConnectionSettings,
	opts: { newSite?: boolean } = {}
): Promise<void> {
	// No secret left: nothing sealed, so nothing counts the connection as set up.
	const sealed =
		Object.keys(settings.secrets).length > 0 ? seal(key, JSON.stringify(settings.secrets)) : null;
	await pool.query(
		`insert into connections (kind, config, secrets, status, last_error, updated_at)
		values ($1, $2, $3, 'not_connected', null, now())
		on conflict (kind) do update set config = excluded.config, secrets = excluded.secrets,
			status = 'not_connected', last_error = null, updated_at = now(),
			breaker_state = case when $4 then 'closed' else connections.breaker_state end,
			breaker_failures = case when $4 then 0 else connections.breaker_failures end,
			breaker_open_until = case when $4 then null else connections.breaker_open_until end,
			last_refusal = case when $4 then null else connections.last_refusal end,
			last_refusal_at = case when $4 then null else connections.last_refusal_at end`,
		[kind, settings.config, sealed, opts.newSite === true]
	);
}

/**
 * The connection as stored, whether or not it is complete (the admin page merges its
 * secrets with a new save). Callers that use it to talk to a service want loadConnection.
 */
export async function loadStoredConnection(
	pool: Pool,
	key: Buffer,
	kind: ConnectionKind
): Promise<(ConnectionSettings & { updatedAt: Date }) | null> {
	const r = await pool.query(
		`select config, secrets, updated_at from connections where kind = $1`,
		[kind]
	);
	const row = r.rows[0];
	if (!row || !row.secrets) return null;
	return {
		config: row.config,
		secrets: JSON.parse(unseal(key, row.secrets)),
		updatedAt: row.updated_at
	};
}

/** The connection to use, or null while it is not configured (nothing stored, or a required secret cleared). */
export async function loadConnection(
	pool: Pool,
	key: Buffer,
	kind: ConnectionKind
): Promise<(ConnectionSettings & { updatedAt: Date }) | null> {
	const stored = await loadStoredConnection(pool, key, kind);
	return stored && isConfigured(kind, stored) ? stored : null;
}

/** The Databricks workspace host as configured (not a secret), for links to its run pages. */
export async function databricksHost(pool: Pool): Promise<string | null> {
	const r = await pool.query(
		`select config->>'host' as host from connections where kind = 'databricks'`
	);
	const host = r.rows[0]?.host;
	return typeof host === 'string' && host.trim() ? host.trim() : null;
}

/** Every external call reports here, so the admin page shows healthy / failing with the last error. */
export async function recordConnectionResult(
	pool: Pool,
	kind: ConnectionKind,
	result: { ok: true } | { ok: false; error: string }
): Promise<void> {
	await pool.query(
		result.ok
			? `update connections set status = 'healthy', last_checked_at = now(), last_ok_at = now() where kind = $1`
			: `update connections set status = 'failing', last_error = $2, last_checked_at = now() where kind = $1`,
		result.ok ? [kind] : [kind, result.error.slice(0, 2000)]
	);
}

export async function connectionStates(pool: Pool, key: Buffer): Promise<ConnectionState[]> {
	const r = await pool.query(`select * from connections`);
	const byKind = new Map(r.rows.map((row) => [row.kind as ConnectionKind, row]));
	return CONNECTION_KINDS.map((kind) => {
		const row = byKind.get(kind);
		const config: Record<string, string> = row?.config ?? {};
		return {
			kind,
			configured:
				Boolean(row?.secrets) &&
				isConfigured(kind, { config, secrets: readSecrets(key, row.secrets) }),
			status: row?.status ?? 'not_connected',
			last_error: row?.last_error ?? null,
			last_checked_at: row?.last_checked_at ?? null,
			last_ok_at: row?.last_ok_at ?? null,
			config,
			breaker_state: row?.breaker_state ?? 'closed',
			breaker_failures: row?.breaker_failures ?? 0,
			breaker_open_until: row?.breaker_open_until ?? null,
			last_refusal: row?.last_refusal ?? null,
			last_refusal_at: row?.last_refusal_at ?? null
		};
	});
}

/** Sealed secrets, or none when they cannot be read (e.g. sealed under another encryption key). */
function readSecrets(key: Buffer, sealed: string | null | undefined): Record<string, string> {
	if (!sealed) return {};
	try {
		return JSON.parse(unseal(key, sealed));
	} catch {
		return {};
	}
}
