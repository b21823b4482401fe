import { z } from 'zod';
import {
	connectionStates,
	loadStoredConnection,
	requiredSettings,
	saveConnection,
	type ConnectionSettings,
	type ConnectionState
} from './service.ts';
import type { ConnectionKind } from './entities.ts';
import type { Pool } from '../db/pool.ts';
import { ApiError, invalidFields } from '../errors.ts';
import { publish } from '../events.ts';

/** What reading and saving settings needs: the pool and the key that seals secrets. */
export interface ConnectionDeps {
	pool: Pool;
	secretKey: Buffer;
}

/** How Jira's changes reach Vigil: its webhooks, polling by JQL, or both at once. */
export const JIRA_SYNC_MODES = ['webhooks', 'polling', 'both'] as const;
export type JiraSyncMode = (typeof JIRA_SYNC_MODES)[number];
export const POLL_DEFAULTS = { intervalSeconds: 60, overlapSeconds: 120 } as const;
/**
 * Seconds. JQL compares `updated` to the minute, so an overlap under a minute would add
 * nothing; a day bounds what one poll reads again.
 */
export const POLL_LIMITS = { interval: [10, 86_400], overlap: [60, 86_400] } as const;

/** Whole seconds in a range, stored as text like every setting; a JSON number is taken too. */
const secondsIn = ([min, max]: readonly [number, number]) =>
	z.preprocess(
		(v) => (typeof v === 'number' ? String(v) : v),
		z
			.string()
			.trim()
			.regex(/^\d{1,6}$/, `must be a whole number of seconds from ${min} to ${max}`)
			.refine((v) => Number(v) >= min && Number(v) <= max, {
				message: `must be from ${min} to ${max} seconds`
			})
	);

const url = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });
const text = z.string().trim().min(1).max(200);
/** A Jira status name, optional. */
const statusName = z.string().trim().min(1).max(255).optional();
/**
 * Left out = keep the stored secret (the UI never gets secrets back to echo), except when the
 * URL it is sent to changes in the same request; null = remove it.
 */
const secret = z
	.string()
	.trim()
	.min(1)
	.max(4096)
	.nullable()
	.optional()
	.describe(
		'Left out: keep the stored secret (refused when the URL it is sent to changes); null: remove it'
	);

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
		webhookSecret: secret,
		/** Vigil's priority → Jira's priority name; a priority left out keeps its default. */
		priorityMap: z
			.string()
			.trim()
			.regex(
				/^P[1-4] *= *[^,=\s][^,=]{0,59}(, *P[1-4] *= *[^,=\s][^,=]{0,59})*$/,
				'must read like P1=Highest,P2=High,P3=Medium,P4=Low'
			)
			.optional()
			.describe(
				"Jira priority names for Vigil's P1–P4, e.g. P1=Highest,P2=High,P3=Medium,P4=Low (default); one left out keeps its default"
			),
		/** Status names that win over the status category when Vigil picks a transition. */
		acknowledgeStatus: statusName.describe(
			'Jira status an acknowledge moves the issue to; default: the first status of category In Progress'
		),
		resolveStatus: statusName.describe(
			'Jira status a resolve moves the issue to; default: the first status of category Done'
		),
		reopenStatus: statusName.describe(
			'Jira status a reopen moves the issue to; default: the first status of category To Do'
		),
		/** Jira → Vigil, many statuses to one state; a status left out counts by its category. */
		statusMap: z
			.string()
			.trim()
			.regex(
				/^[^,=]{1,255}= *(open|in_progress|closed)( *, *[^,=]{1,255}= *(open|in_progress|closed))*$/,
				"must read like In Review=in_progress, Won't Do=closed"
			)
			.optional()
			.describe(
				"Jira status names and the ticket state each means (open, in_progress, closed), e.g. In Review=in_progress, Won't Do=closed; a status left out counts by its category"
			),
		syncMode: z
			.enum(JIRA_SYNC_MODES, { message: 'must be webhooks, polling or both' })
			.optional()
			.describe(
				"How Jira's changes reach Vigil: webhooks (default), polling (JQL on updated), or both at once"
			),
		pollIntervalSeconds: secondsIn(POLL_LIMITS.interval)
			.optional()
			.describe(`Seconds between two polls (default ${POLL_DEFAULTS.intervalSeconds})`),
		pollOverlapSeconds: secondsIn(POLL_LIMITS.overlap)
			.optional()
			.describe(
				`How far before the watermark each poll reads again, in seconds (default ${POLL_DEFAULTS.overlapSeconds})`
			)
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

/** How the messages name each secret. */
const SECRET_LABEL: Record<string, string> = {
	apiKey: 'API key',
	botToken: 'bot token',
	signingSecret: 'signing secret',
	apiToken: 'API token',
	pat: 'personal access token',
	webhookSecret: 'webhook secret',
	token: 'access token'
};

/**
 * The setting that decides where each kind sends its secrets (its default when left empty),
 * and the secrets bound to it. Slack's signing secret only checks requests Slack sends to
 * Vigil, so it is not bound to the API URL; Jira's webhook secret is shared with the site.
 */
export const SECRET_DESTINATION: Record<
	ConnectionKind,
	{ field: string; label: string; fallback: string | null; secrets: readonly string[] }
> = {
	gemini: {
		field: 'baseUrl',
		label: 'base URL',
		fallback: 'https://generativelanguage.googleapis.com',
		secrets: ['apiKey']
	},
	slack: {
		field: 'apiUrl',
		label: 'API URL',
		fallback: 'https://slack.com/api/',
		secrets: ['botToken']
	},
	jira: {
		field: 'baseUrl',
		label: 'site URL',
		fallback: null,
		secrets: ['apiToken', 'pat', 'webhookSecret']
	},
	databricks: { field: 'host', label: 'workspace URL', fallback: null, secrets: ['token'] }
};

/** Secrets the settings make use of: Jira uses the API token on Cloud and the PAT on Server. */
function secretsInUse(kind: ConnectionKind, config: Record<string, string>): string[] {
	if (kind !== 'jira') return [...SECRET_FIELDS[kind]];
	return [config.deployment === 'server' ? 'pat' : 'apiToken', 'webhookSecret'];
}

/**
 * Where a URL setting sends requests, for comparing two of them: scheme and host
 * lower-cased, default port, trailing slashes and fragment dropped; a Databricks host may
 * be stored without a scheme (from DATABRICKS_HOST), which means https like its client.
 */
export function destination(value: string | undefined, fallback: string | null): string | null {
	const raw = value?.trim() || fallback;
	if (!raw) return null;
	try {
		const url = new URL(/^[a-z][a-z\d+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
		url.hash = '';
		return url.href.replace(/\/+$/, '');
	} catch {
		return raw;
	}
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
	const states = await connectionStates(deps.pool, deps.secretKey);
	return Promise.all(
		states.map(async (state) => {
			const stored = (await storedSettings(deps, state.kind)).secrets;
			const secrets = Object.fromEntries(
				SECRET_FIELDS[state.kind].map((name) => [name, Boolean(stored[name])])
			);
			return { ...state, secrets };
		})
	);
}

/**
 * Saves a connection: non-secret settings are replaced by the body, secrets merged with the
 * stored ones (left out = kept, null = removed). The status goes back to not_connected until
 * the next test or call.
 *
 * A stored secret never follows a change of the URL it is sent to (an admin could otherwise
 * point Test connection at a host of their own and receive it): the request must re-enter or
 * clear each secret the new settings use, else 400 naming them and nothing is saved. Stored
 * secrets the new settings do not use (Jira's PAT on Cloud) are dropped with the old URL.
 *
 * Leaving out a required secret that is not stored is refused (it is easy to forget); clearing
 * one on purpose is not: the connection is then saved as not configured.
 */
export async function saveConnectionSettings<K extends ConnectionKind>(
	deps: ConnectionDeps,
	kind: K,
	body: ConnectionBody<K>
): Promise<ConnectionView> {
	const given: Record<string, unknown> = body;
	const stored = await storedSettings(deps, kind);
	const config: Record<string, string> = {};
	const secrets = { ...stored.secrets };
	for (const [name, value] of Object.entries(given)) {
		if (SECRET_FIELDS[kind].includes(name)) {
			if (value === null) delete secrets[name];
			else if (typeof value === 'string') secrets[name] = value;
		} else if (typeof value === 'string') config[name] = value;
	}

	const problems: { field: string; message: string }[] = [];
	const to = SECRET_DESTINATION[kind];
	const moved =
		destination(stored.config[to.field], to.fallback) !==
		destination(config[to.field], to.fallback);
	if (moved) {
		const inUse = secretsInUse(kind, config);
		for (const name of to.secrets) {
			const keptFromStore = given[name] === undefined && Boolean(stored.secrets[name]);
			if (!keptFromStore) continue;
			if (inUse.includes(name))
				problems.push({
					field: name,
					message: `Re-enter the ${SECRET_LABEL[name] ?? name}: the ${to.label} changed, and Vigil does not send a stored secret to a new host`
				});
			else delete secrets[name];
		}
	}

	const required = requiredSettings(kind, config);
	const clearing = required.some((name) => given[name] === null);
	if (!clearing)
		for (const field of required)
			if (!secrets[field] && !config[field] && !problems.some((p) => p.field === field))
				problems.push({
					field,
					message: SECRET_FIELDS[kind].includes(field)
						? 'required: none is stored for this connection yet'
						: 'required'
				});
	if (problems.length > 0) throw invalidFields(problems);

	await saveConnection(deps.pool, deps.secretKey, kind, { config, secrets }, { newSite: moved });
	publish('connection:saved', { kind, config });
	const views = await listConnections(deps);
	return views.find((v) => v.kind === kind) as ConnectionView;
}

/** Stored settings, or none when the secrets cannot be read (e.g. sealed under another encryption key). */
async function storedSettings(
	deps: ConnectionDeps,
	kind: ConnectionKind
): Promise<ConnectionSettings> {
	try {
		const stored = await loadStoredConnection(deps.pool, deps.secretKey, kind);
		if (stored) return { config: stored.config, secrets: { ...stored.secrets } };
	} catch {
		// Unreadable secrets cannot be sent anywhere: nothing to keep, nothing to protect.
	}
	return { config: {}, secrets: {} };
}
