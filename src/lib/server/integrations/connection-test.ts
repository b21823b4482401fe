import type { ConnectionKind } from '../connections/entities.ts';
import {
	loadConnection,
	recordConnectionResult,
	type ConnectionSettings
} from '../connections/service.ts';
import { createDatabricksClient } from '../databricks/client.ts';
import { ApiError } from '../errors.ts';
import type { ConnectionDeps } from '../connections/settings.ts';
import { testJiraConnection } from '../jira/check.ts';
import { testSlackConnection } from '../slack/service.ts';
import { createGeminiClient } from '../triage/llm.ts';

export const TEST_TIMEOUT_MS = 10_000;

export interface TestAnswer {
	status: 'healthy' | 'failing';
	error?: string;
	latency_ms: number;
}

type Check = (settings: ConnectionSettings, timeoutMs: number) => Promise<void>;

/** The cheapest call that proves the stored credentials and settings work. */
const CHECKS: Partial<Record<ConnectionKind, Check>> = {
	async gemini({ config, secrets }, timeoutMs) {
		const model = createGeminiClient({
			apiKey: secrets.apiKey ?? '',
			model: config.model ?? '',
			baseUrl: config.baseUrl,
			timeoutMs
		});
		// Same structured-output path as triage, with a one-word prompt: proves key, model and URL.
		await model.generate({
			system: 'Reply with {"ok":true}',
			prompt: 'ping',
			schema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] }
		});
	},
	async slack(settings, timeoutMs) {
		const r = await testSlackConnection(settings, timeoutMs);
		if (!r.ok) throw new Error(r.error);
	},
	async jira(settings, timeoutMs) {
		await testJiraConnection(settings, timeoutMs);
	},
	async databricks({ config, secrets }, timeoutMs) {
		await createDatabricksClient({
			host: config.host ?? '',
			token: secrets.token ?? '',
			timeoutMs
		}).testConnection();
	}
};

/**
 * Runs a real call against the stored connection, records healthy / failing (with the error)
 * for the admin page, and answers the same. Every check gives up after `timeoutMs`.
 */
export async function testConnection(
	deps: ConnectionDeps,
	kind: ConnectionKind,
	timeoutMs = TEST_TIMEOUT_MS
): Promise<TestAnswer> {
	const check = CHECKS[kind];
	if (!check)
		throw new ApiError(
			409,
			'not_available',
			`Testing the ${kind} connection is not available in this version: the ${kind} integration is not built yet (it is tracked in its own issue). Its settings are saved and will be used once it ships.`
		);
	const settings = await loadConnection(deps.pool, deps.secretKey, kind);
	if (!settings)
		throw new ApiError(
			409,
			'not_configured',
			`The ${kind} connection is not configured: save it first`
		);
	const started = performance.now();
	let error: string | undefined;
	try {
		await withTimeout(check(settings, timeoutMs), timeoutMs);
	} catch (err) {
		error = err instanceof Error ? err.message || err.name : String(err);
	}
	const latency_ms = Math.round(performance.now() - started);
	await recordConnectionResult(
		deps.pool,
		kind,
		error === undefined ? { ok: true } : { ok: false, error }
	);
	return error === undefined
		? { status: 'healthy', latency_ms }
		: { status: 'failing', error, latency_ms };
}

/** The clients time out on their own; this also bounds anything before or after their fetch. */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const expired = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
	});
	try {
		return await Promise.race([work, expired]);
	} finally {
		clearTimeout(timer);
	}
}
