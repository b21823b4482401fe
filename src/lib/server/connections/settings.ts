import { z } from 'zod';
import {
	connectionStates,
	loadConnection,
	saveConnection,
	type ConnectionState
} from './service.ts';
import type { ConnectionKind } from './entities.ts';
import type { Pool } from '../db/pool.ts';
import { ApiError, invalidFields } from '../errors.ts';

/** What reading and saving settings needs: the pool and the key that seals secrets. */
export interface ConnectionDeps {
	pool: Pool;
	secretKey: Buffer;
}

const url = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const text = z.string().trim().min(1).max(200);
/** Left out = keep the stored secret (the UI never gets secrets back to echo); null = remove it. */
const secret = z.string().trim().min(1).max(4096).nullable().optional();

export const CONNECTION_BODIES = {
	gemini: z.object({
		apiKey: secret,
		model: z
			.string()
			.trim()
			.regex(/^[\w.\-/]{1,100}$/, 'must be a model name like gemini-2.5-flash'),
		baseUrl: url.optional()
	}),
	slack: z.object({
		botToken: secret,
		signingSecret: secret,
		defaultChannel: text,
		apiUrl: url.optional(),
		/** Let Slack users without a Vigil account act, recorded under their Slack name. */
		allowUnmapped: z.enum(['true', 'false']).optional(),
		/** The on-call user group mentioned on a breach (Slack subteam id, S…). */
		oncallGroup: z
			.string()
			.trim()
			.regex(/^S[A-Z0-9]+$/, 'must be a Slack user group id like S0123ABCD')
			.optional()
	}),
	jira: z.object({
		baseUrl: url,
		deployment: z.enum(['cloud', 'server']),
		email: z.email().optional(),
		apiToken: secret,
		pat: secret,
		projectKey: z
			.string()
			.trim()
			.regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'must be a Jira project key like OPS'),
		issueType: text,
		webhookSecret: secret
	}),
	databricks: z.object({ host: url, token: secret })
} satisfies Record<ConnectionKind, z.ZodObject>;

export type ConnectionBody<K extends ConnectionKind> = z.infer<(typeof CONNECTION_BODIES)[K]>;

export const SECRET_FIELDS: Record<ConnectionKind, readonly string[]> = {
	gemini: ['apiKey'],
	slack: ['botToken', 'signingSecret'],
	jira: ['apiToken', 'pat', 'webhookSecret'],
	databricks: ['token']
};

/** Secrets each kind cannot work without, once the body is merged with what is stored. */
function required(kind: ConnectionKind, config: Record<string, string>): string[] {
	if (kind === 'gemini') return ['apiKey'];
	if (kind === 'slack') return ['botToken', 'signingSecret'];
	if (kind === 'databricks') return ['token'];
	// Jira Cloud authenticates with e-mail + API token, Server / Data Center with a PAT.
	return config.deployment === 'server' ? ['pat'] : ['email', 'apiToken'];
}

/** A connection as the admin page shows it: settings, health, and which secrets are set (never their values). */
export type ConnectionView = ConnectionState & { secrets: Record<string, boolean> };

/** The kind named in a path; an unknown one is a 404 like any unknown id. */
export function connectionKind(kind: string): ConnectionKind {
	if (!Object.hasOwn(CONNECTION_BODIES, kind))
		throw new ApiError(
			404,
			'not_found',
			`No connection kind ${kind.slice(0, 50)}: use gemini, slack, jira or databricks`
		);
	return kind as ConnectionKind;
}

export async function listConnections(deps: ConnectionDeps): Promise<ConnectionView[]> {
	const states = await connectionStates(deps.pool);
	return Promise.all(
		states.map(async (state) => {
			const stored = await storedSecrets(deps, state.kind);
			const secrets = Object.fromEntries(
				SECRET_FIELDS[state.kind].map((name) => [name, Boolean(stored[name])])
			);
			return { ...state, secrets };
		})
	);
}

/**
 * Saves a connection: non-secret settings are replaced by the body, secrets merged with the
 * stored ones. The status goes back to not_connected until the next test or call.
 */
export async function saveConnectionSettings<K extends ConnectionKind>(
	deps: ConnectionDeps,
	kind: K,
	body: ConnectionBody<K>
): Promise<ConnectionView> {
	const config: Record<string, string> = {};
	const secrets = await storedSecrets(deps, kind);
	for (const [name, value] of Object.entries(body)) {
		if (SECRET_FIELDS[kind].includes(name)) {
			if (value === null) delete secrets[name];
			else if (typeof value === 'string') secrets[name] = value;
		} else if (typeof value === 'string') config[name] = value;
	}
	const missing = required(kind, config).filter((name) => !secrets[name] && !config[name]);
	if (missing.length > 0)
		throw invalidFields(
			missing.map((field) => ({
				field,
				message: SECRET_FIELDS[kind].includes(field)
					? 'required: none is stored for this connection yet'
					: 'required'
			}))
		);
	await saveConnection(deps.pool, deps.secretKey, kind, { config, secrets });
	const views = await listConnections(deps);
	return views.find((v) => v.kind === kind) as ConnectionView;
}

/** Stored secrets, or none when they cannot be read (e.g. sealed under another encryption key). */
async function storedSecrets(
	deps: ConnectionDeps,
	kind: ConnectionKind
): Promise<Record<string, string>> {
	try {
		return { ...((await loadConnection(deps.pool, deps.secretKey, kind))?.secrets ?? {}) };
	} catch {
		return {};
	}
}
