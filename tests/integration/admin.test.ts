import type { RequestEvent } from '@sveltejs/kit';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection } from '../../src/lib/server/integrations/connection-test.ts';
import {
	CONNECTION_BODIES,
	listConnections,
	saveConnectionSettings
} from '../../src/lib/server/connections/settings.ts';
import { createKey, IngestKeyBody, revokeKey } from '../../src/lib/server/auth/ingest-keys.ts';
import {
	createRule,
	deleteRule,
	listRules,
	RuleCreateBody,
	RuleUpdateBody,
	updateRule
} from '../../src/lib/server/routing/rules.ts';
import {
	getSlaPolicy,
	SlaPolicyBody,
	updateSlaPolicy
} from '../../src/lib/server/routing/sla-policy.ts';
import { listUsers, setUserRole } from '../../src/lib/server/auth/users.ts';
import { listIngestKeys } from '../../src/lib/server/auth/ingest-keys.ts';
import { UserEntity } from '../../src/lib/server/auth/entities.ts';
import { createUser } from '../../src/lib/server/auth/users.ts';
import { loadConnection, loadStoredConnection } from '../../src/lib/server/connections/service.ts';
import { readJiraConfig } from '../../src/lib/server/jira/connection.ts';
import { requireUser } from '../../src/lib/server/http/auth.ts';
import { ApiError } from '../../src/lib/server/errors.ts';
import { actions } from '../../src/routes/admin/connections/+page.server.ts';
import { PUT } from '../../src/routes/api/admin/connections/[kind]/+server.ts';
import { parseJson } from '../../src/lib/server/http/body.ts';
import { handleWebhook } from '../../src/lib/server/http/webhooks.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { startDatabricksStandin, type DatabricksStandin } from '../support/databricks-standin.ts';
import { startTestRuntime, TEST_ADMIN } from '../support/db.ts';
import { fixture } from '../support/fixtures.ts';
import { startGeminiStandin, type GeminiStandin } from '../support/gemini-standin.ts';
import { webhookRequest } from '../support/http.ts';

let rt: Runtime;
let gemini: GeminiStandin;
let databricks: DatabricksStandin;
beforeAll(async () => {
	rt = await startTestRuntime({}, { workers: false });
	gemini = await startGeminiStandin();
	databricks = await startDatabricksStandin();
});
afterAll(async () => {
	await Promise.all([rt?.stop(), gemini?.close(), databricks?.close()]);
});

let runs = 0;
/** A generic failure of `pipeline`, always a new ticket. */
async function ingestGeneric(pipeline: string, key?: string) {
	const body = {
		...fixture('generic/airflow-task-failed.json'),
		pipeline,
		run_id: `admin-${++runs}`
	};
	return handleWebhook(rt, 'generic', webhookRequest('generic', body, { key }), null);
}
/** An ADF failure from data factory `adf-crm-prod-neu` (the ticket's resource). */
async function ingestAdf(pipeline: string) {
	const body = {
		...fixture('azure-monitor/logic-app.simplified.json'),
		PipelineName: pipeline,
		PipelineRunId: `adf-${++runs}`
	};
	return handleWebhook(rt, 'azure-monitor', webhookRequest('azure-monitor', body), null);
}
async function ticketOf(res: Response) {
	const body = await res.json();
	expect(res.status, JSON.stringify(body)).toBe(201);
	return (await rt.pool.query(`select * from tickets where id = $1`, [body.ticket_id])).rows[0];
}
/** A JSON body through the same parser the routes use. */
function body<T extends z.ZodType>(schema: T, data: unknown): Promise<z.infer<T>> {
	return parseJson(
		new Request('http://vigil.test/api/admin', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(data)
		}),
		schema
	);
}
const adminUser = () => rt.em().findOneOrFail(UserEntity, { email: TEST_ADMIN.email });

describe('ingest keys', () => {
	it('creates a key that ingests, lists it without the secret, and refuses it once revoked', async () => {
		const { name } = await body(IngestKeyBody, { name: '  Logic App prod  ' });
		const created = await createKey(rt.em(), name, (await adminUser()).id);
		expect(created).toMatchObject({ name: 'Logic App prod', prefix: created.key.slice(0, 8) });
		expect(created.key).toMatch(/^vik_/);

		expect((await ingestGeneric('pl_key_check', created.key)).status).toBe(201);
		const listed = await listIngestKeys(rt.em());
		expect(listed.find((k) => k.id === created.id)).toMatchObject({
			name: 'Logic App prod',
			revoked_at: null
		});
		expect(JSON.stringify(listed)).not.toContain(created.key);
		const row = (await rt.pool.query(`select * from ingest_keys where id = $1`, [created.id]))
			.rows[0];
		expect(JSON.stringify(row)).not.toContain(created.key);

		await revokeKey(rt.em(), created.id);
		expect((await ingestGeneric('pl_key_check', created.key)).status).toBe(401);
		await expect(revokeKey(rt.em(), created.id)).rejects.toMatchObject({ status: 404 });
		await expect(revokeKey(rt.em(), 'not-a-uuid')).rejects.toMatchObject({ status: 404 });
	});

	it('shows when a key was last used, written at most once a minute', async () => {
		const created = await createKey(rt.em(), 'Last used check', (await adminUser()).id);
		const lastUsed = async () =>
			(await listIngestKeys(rt.em())).find((k) => k.id === created.id)!.last_used_at;
		expect(await lastUsed()).toBeNull();

		const before = Date.now();
		expect((await ingestGeneric('pl_last_used', created.key)).status).toBe(201);
		await expect.poll(lastUsed).not.toBeNull();
		const first = new Date((await lastUsed())!).getTime();
		expect(first).toBeGreaterThanOrEqual(before - 1000);

		// Once the last use is more than a minute old, the next webhook moves it.
		expect((await ingestGeneric('pl_last_used', created.key)).status).toBe(201);
		await rt.pool.query(
			`update ingest_keys set last_used_at = now() - interval '2 minutes' where id = $1`,
			[created.id]
		);
		const aged = new Date((await lastUsed())!).getTime();
		expect(aged).toBeLessThan(first);
		expect((await ingestGeneric('pl_last_used', created.key)).status).toBe(201);
		await expect.poll(async () => new Date((await lastUsed())!).getTime()).toBeGreaterThan(aged);
	});

	it('names the missing field', async () => {
		await expect(body(IngestKeyBody, { name: ' ' })).rejects.toMatchObject({
			status: 400,
			details: [{ field: 'name' }]
		});
	});
});

describe('routing rules', () => {
	it('tags the next ticket with the matching rule and leaves the rest to the default', async () => {
		const input = await body(RuleCreateBody, {
			name: 'Sales pipelines',
			field: 'pipeline',
			match_type: 'regex',
			pattern: '^pl_sales_',
			team: 'sales-data',
			owner: 'ana@contoso.example',
			cost_center: 'CC-4711',
			slack_channel: '#sales-alerts',
			jira_project: 'SALES',
			jira_issue_type: ' Incident '
		});
		const rule = await createRule(rt.em(), input);
		expect(rule).toMatchObject({
			match_type: 'regex',
			enabled: true,
			is_default: false,
			jira_project: 'SALES',
			jira_issue_type: 'Incident'
		});
		// The Jira issue type round-trips through the table, the listing and an update.
		expect((await listRules(rt.em())).find((r) => r.id === rule.id)?.jira_issue_type).toBe(
			'Incident'
		);
		const stored = await rt.pool.query(
			`select jira_project, jira_issue_type from routing_rules where id = $1`,
			[rule.id]
		);
		expect(stored.rows[0]).toEqual({ jira_project: 'SALES', jira_issue_type: 'Incident' });
		expect(
			await updateRule(rt.em(), rule.id, await body(RuleUpdateBody, { jira_issue_type: 'Bug' }))
		).toMatchObject({ jira_project: 'SALES', jira_issue_type: 'Bug' });
		expect(
			await updateRule(rt.em(), rule.id, await body(RuleUpdateBody, { jira_issue_type: '' }))
		).toMatchObject({ jira_project: 'SALES', jira_issue_type: null });

		expect(await ticketOf(await ingestGeneric('pl_sales_daily'))).toMatchObject({
			team: 'sales-data',
			owner: 'ana@contoso.example',
			cost_center: 'CC-4711',
			slack_channel: '#sales-alerts',
			routing_rule_id: rule.id
		});
		const fallback = (await listRules(rt.em())).find((r) => r.is_default);
		expect(await ticketOf(await ingestGeneric('pl_hr_load'))).toMatchObject({
			team: 'data-platform',
			owner: null,
			routing_rule_id: fallback?.id
		});

		await updateRule(rt.em(), rule.id, await body(RuleUpdateBody, { enabled: false }));
		expect((await ticketOf(await ingestGeneric('pl_sales_weekly'))).team).toBe('data-platform');
		await deleteRule(rt.em(), rule.id);
		expect((await listRules(rt.em())).map((r) => r.id)).not.toContain(rule.id);
	});

	it('matches keywords on the resource, case-insensitively, in position order', async () => {
		const later = await createRule(
			rt.em(),
			await body(RuleCreateBody, {
				name: 'Any CRM',
				position: 20,
				field: 'any',
				match_type: 'keyword',
				pattern: 'crm',
				team: 'crm-any'
			})
		);
		const first = await createRule(
			rt.em(),
			await body(RuleCreateBody, {
				name: 'CRM factory',
				position: 10,
				field: 'resource',
				match_type: 'keyword',
				pattern: 'CRM-PROD',
				team: 'crm-team'
			})
		);
		expect((await ticketOf(await ingestAdf('pl_load_customer_dim'))).team).toBe('crm-team');
		await deleteRule(rt.em(), first.id);
		await deleteRule(rt.em(), later.id);
	});

	it('refuses a regex the engine cannot compile, naming pattern with its message', async () => {
		const input = await body(RuleCreateBody, {
			name: 'Broken',
			field: 'pipeline',
			match_type: 'regex',
			pattern: 'pl_(sales'
		});
		await expect(createRule(rt.em(), input)).rejects.toMatchObject({
			status: 400,
			details: [{ field: 'pattern', message: expect.stringMatching(/Invalid regular expression/) }]
		});
		for (const pattern of ['^pl_(?!tmp)sales', '(?<=adf-)crm', '(pl)_\\1'])
			await expect(createRule(rt.em(), { ...input, pattern })).rejects.toMatchObject({
				status: 400,
				details: [{ field: 'pattern', message: expect.stringMatching(/RE2 syntax.*linear time/) }]
			});
		await expect(
			body(RuleCreateBody, { ...input, pattern: 'a'.repeat(501) })
		).rejects.toMatchObject({
			status: 400,
			details: [{ field: 'pattern' }]
		});
		const keyword = await createRule(rt.em(), {
			...input,
			match_type: 'keyword',
			pattern: 'pl_(sales'
		});
		await expect(updateRule(rt.em(), keyword.id, { match_type: 'regex' })).rejects.toMatchObject({
			status: 400,
			details: [{ field: 'pattern' }]
		});
		await deleteRule(rt.em(), keyword.id);
	});

	it('takes a pattern that would backtrack catastrophically in JavaScript: RE2 matches it in linear time at ingest', async () => {
		const rule = await createRule(
			rt.em(),
			await body(RuleCreateBody, {
				name: 'Words only',
				position: 1,
				field: 'pipeline',
				match_type: 'regex',
				pattern: '^(\\w+\\s?)+$',
				team: 'words'
			})
		);
		// With a backtracking engine, this name alone would stall the ingest transaction.
		expect((await ticketOf(await ingestGeneric(`${'a'.repeat(2000)}!`))).team).toBe(
			'data-platform'
		);
		expect((await ticketOf(await ingestGeneric('pl words daily'))).team).toBe('words');
		await deleteRule(rt.em(), rule.id);
	});

	it('names every bad field of a rule and answers 404 for unknown ids', async () => {
		await expect(
			body(RuleCreateBody, {
				name: 'x',
				position: 1.5,
				field: 'factory',
				match_type: 'glob',
				pattern: 'x'
			})
		).rejects.toMatchObject({
			status: 400,
			details: [{ field: 'position' }, { field: 'field' }, { field: 'match_type' }]
		});
		await expect(
			updateRule(rt.em(), '00000000-0000-4000-8000-000000000000', {})
		).rejects.toMatchObject({ status: 404 });
		await expect(deleteRule(rt.em(), 'nope')).rejects.toMatchObject({ status: 404 });
	});

	it('keeps the default rule: undeletable, its match fixed, its tags editable', async () => {
		const fallback = (await listRules(rt.em())).find((r) => r.is_default);
		if (!fallback) throw new Error('no default rule');
		await expect(deleteRule(rt.em(), fallback.id)).rejects.toMatchObject({
			status: 409,
			code: 'default_rule_locked'
		});
		await expect(
			updateRule(rt.em(), fallback.id, { pattern: 'x', enabled: false })
		).rejects.toMatchObject({
			status: 409,
			details: [{ field: 'pattern' }, { field: 'enabled' }]
		});

		const updated = await updateRule(rt.em(), fallback.id, {
			pattern: fallback.pattern,
			team: 'platform-oncall',
			cost_center: 'CC-0001',
			jira_issue_type: 'Task'
		});
		expect(updated).toMatchObject({
			is_default: true,
			pattern: '',
			enabled: true,
			team: 'platform-oncall',
			jira_issue_type: 'Task'
		});
		expect(await ticketOf(await ingestGeneric('pl_unmatched'))).toMatchObject({
			team: 'platform-oncall',
			cost_center: 'CC-0001'
		});
		await updateRule(rt.em(), fallback.id, {
			team: 'data-platform',
			cost_center: null,
			jira_issue_type: null
		});
	});
});

describe('SLA policy', () => {
	it('gives the next ticket the new SLA and leaves existing tickets as they were', async () => {
		expect(await getSlaPolicy(rt.em())).toEqual({
			policy: { P1: 900, P2: 1800, P3: 7200, P4: 86400 },
			applies_to: 'new tickets'
		});
		const before = await ticketOf(await ingestGeneric('pl_sla_before'));
		expect(before.sla_seconds).toBe(
			{ P1: 900, P2: 1800, P3: 7200, P4: 86400 }[before.priority as 'P1']
		);

		const policy = { P1: 600, P2: 1200, P3: 3600, P4: 43200 };
		expect(await updateSlaPolicy(rt.em(), await body(SlaPolicyBody, policy))).toEqual({
			policy,
			applies_to: 'new tickets'
		});
		const after = await ticketOf(await ingestGeneric('pl_sla_after'));
		expect(after.priority).toBe(before.priority);
		expect(after.sla_seconds).toBe(policy[after.priority as 'P1']);
		expect(after.sla_deadline.getTime() - after.created_at.getTime()).toBe(
			after.sla_seconds * 1000
		);
		const again = (
			await rt.pool.query(`select sla_seconds from tickets where id = $1`, [before.id])
		).rows[0];
		expect(again.sla_seconds).toBe(before.sla_seconds);
	});

	it('refuses out-of-range values and a more urgent priority with more time, naming the field', async () => {
		await expect(
			body(SlaPolicyBody, { P1: 30, P2: 1800, P3: 7200, P4: 2_592_001 })
		).rejects.toMatchObject({
			status: 400,
			details: [{ field: 'P1' }, { field: 'P4' }]
		});
		await expect(body(SlaPolicyBody, { P1: 900, P2: 1800, P3: 7200 })).rejects.toMatchObject({
			details: [{ field: 'P4' }]
		});
		const current = await getSlaPolicy(rt.em());
		await expect(
			updateSlaPolicy(rt.em(), { P1: 900, P2: 1800, P3: 1200, P4: 86400 })
		).rejects.toMatchObject({
			status: 400,
			details: [{ field: 'P3', message: expect.stringMatching(/at least P2/) }]
		});
		expect(await getSlaPolicy(rt.em())).toEqual(current);
	});
});

describe('connections', () => {
	const state = async (kind: string) => (await listConnections(rt)).find((c) => c.kind === kind);

	it('stores secrets encrypted, never shows them, and keeps a secret the form leaves out', async () => {
		const input = await body(CONNECTION_BODIES.gemini, {
			apiKey: gemini.apiKey,
			model: 'gemini-2.5-flash',
			baseUrl: gemini.url
		});
		const saved = await saveConnectionSettings(rt, 'gemini', input);
		expect(saved).toMatchObject({
			configured: true,
			status: 'not_connected',
			secrets: { apiKey: true }
		});
		const row = (await rt.pool.query(`select * from connections where kind = 'gemini'`)).rows[0];
		expect(JSON.stringify(row)).not.toContain(gemini.apiKey);
		expect(row.secrets).toMatch(/^v1:/);
		expect(JSON.stringify(await listConnections(rt))).not.toContain(gemini.apiKey);
		expect((await state('slack'))?.secrets).toEqual({ botToken: false, signingSecret: false });

		await saveConnectionSettings(
			rt,
			'gemini',
			await body(CONNECTION_BODIES.gemini, { model: 'gemini-2.5-pro', baseUrl: gemini.url })
		);
		const stored = await loadConnection(rt.pool, rt.secretKey, 'gemini');
		expect(stored).toMatchObject({
			config: { model: 'gemini-2.5-pro' },
			secrets: { apiKey: gemini.apiKey }
		});
	});

	it('refuses settings without the secrets the kind needs, naming them', async () => {
		await expect(
			saveConnectionSettings(
				rt,
				'databricks',
				await body(CONNECTION_BODIES.databricks, { host: databricks.url })
			)
		).rejects.toMatchObject({ status: 400, details: [{ field: 'token' }] });
		const jira = {
			baseUrl: 'https://jira.contoso.example',
			deployment: 'server',
			projectKey: 'OPS',
			issueType: 'Bug'
		};
		await expect(
			saveConnectionSettings(rt, 'jira', await body(CONNECTION_BODIES.jira, jira))
		).rejects.toMatchObject({
			details: [{ field: 'pat' }]
		});
		await expect(
			body(CONNECTION_BODIES.databricks, { host: 'ftp://x', token: 't' })
		).rejects.toMatchObject({
			details: [{ field: 'host' }]
		});
		expect((await state('databricks'))?.configured).toBe(false);
	});

	it('tests Databricks for real: healthy with the right token, failing with the error otherwise', async () => {
		await expect(testConnection(rt, 'databricks')).rejects.toMatchObject({
			status: 409,
			code: 'not_configured'
		});
		await saveConnectionSettings(rt, 'databricks', {
			host: databricks.url,
			token: databricks.token
		});
		const ok = await testConnection(rt, 'databricks');
		expect(ok).toEqual({ status: 'healthy', latency_ms: expect.any(Number) });
		expect(databricks.requests.at(-1)?.headers.authorization).toBe(`Bearer ${databricks.token}`);
		expect(await state('databricks')).toMatchObject({ status: 'healthy', last_error: null });

		await saveConnectionSettings(rt, 'databricks', { host: databricks.url, token: 'dapi-revoked' });
		const failed = await testConnection(rt, 'databricks');
		expect(failed).toMatchObject({
			status: 'failing',
			error: expect.stringMatching(/403.*Invalid access token/)
		});
		expect(await state('databricks')).toMatchObject({
			status: 'failing',
			last_error: expect.stringMatching(/Invalid access token/)
		});
	});

	it('gives up on a connection that never answers within the timeout', async () => {
		await saveConnectionSettings(rt, 'databricks', {
			host: databricks.url,
			token: databricks.token
		});
		databricks.failNext({ kind: 'hang' });
		const started = Date.now();
		const answer = await testConnection(rt, 'databricks', 300);
		expect(answer).toMatchObject({
			status: 'failing',
			error: expect.stringMatching(/300 ms|0.3 s/)
		});
		expect(Date.now() - started).toBeLessThan(5000);
	});

	it('tests Gemini with a one-line structured call', async () => {
		gemini.enqueue({ kind: 'success', result: { ok: true } });
		expect(await testConnection(rt, 'gemini')).toMatchObject({ status: 'healthy' });
		expect(gemini.requests.at(-1)?.model).toBe('gemini-2.5-pro');
		expect(await state('gemini')).toMatchObject({ status: 'healthy' });

		await saveConnectionSettings(rt, 'gemini', {
			apiKey: 'AIza-wrong',
			model: 'gemini-2.5-flash',
			baseUrl: gemini.url
		});
		expect(await testConnection(rt, 'gemini')).toMatchObject({
			status: 'failing',
			error: expect.stringMatching(/API key/)
		});
		expect((await state('gemini'))?.last_error).toMatch(/API key/);
	});

	it('says plainly that Jira and Slack cannot be tested before they are set up', async () => {
		// Jira became testable with the Jira sync (it answered 409 not_available before).
		await expect(testConnection(rt, 'jira')).rejects.toMatchObject({
			status: 409,
			code: 'not_configured'
		});
		await expect(testConnection(rt, 'slack')).rejects.toMatchObject({
			status: 409,
			code: 'not_configured'
		});
	});

	const stored = (kind: 'gemini' | 'slack' | 'jira' | 'databricks') =>
		loadStoredConnection(rt.pool, rt.secretKey, kind);

	it('never sends a stored secret to a new host: 400 naming it and nothing saved, unless it is typed again', async () => {
		const elsewhere = await startDatabricksStandin({ token: 'dapi-elsewhere' });
		try {
			await saveConnectionSettings(rt, 'databricks', {
				host: databricks.url,
				token: databricks.token
			});
			const before = await stored('databricks');
			const moved = await body(CONNECTION_BODIES.databricks, { host: elsewhere.url });
			await expect(saveConnectionSettings(rt, 'databricks', moved)).rejects.toMatchObject({
				status: 400,
				details: [
					{
						field: 'token',
						message:
							'Re-enter the access token: the workspace URL changed, and Vigil does not send a stored secret to a new host'
					}
				]
			});
			expect(await stored('databricks')).toEqual(before);
			expect(await testConnection(rt, 'databricks')).toMatchObject({ status: 'healthy' });
			expect(elsewhere.requests).toEqual([]);

			// The same place spelled differently is not a new host.
			await saveConnectionSettings(rt, 'databricks', {
				host: `${databricks.url.toUpperCase()}/`
			});
			expect((await stored('databricks'))?.secrets).toEqual({ token: databricks.token });

			await saveConnectionSettings(
				rt,
				'databricks',
				await body(CONNECTION_BODIES.databricks, { host: elsewhere.url, token: elsewhere.token })
			);
			expect(await stored('databricks')).toMatchObject({
				config: { host: elsewhere.url },
				secrets: { token: elsewhere.token }
			});
			expect(await testConnection(rt, 'databricks')).toMatchObject({ status: 'healthy' });
			expect(elsewhere.requests.map((r) => r.headers.authorization)).toEqual([
				`Bearer ${elsewhere.token}`
			]);
		} finally {
			await saveConnectionSettings(rt, 'databricks', {
				host: databricks.url,
				token: databricks.token
			});
			await elsewhere.close();
		}
	});

	it('asks for exactly the secrets the new URL would get, for every kind', async () => {
		// Gemini: leaving the proxy for Google is a new host too.
		await expect(
			saveConnectionSettings(
				rt,
				'gemini',
				await body(CONNECTION_BODIES.gemini, { model: 'gemini-2.5-flash' })
			)
		).rejects.toMatchObject({
			details: [
				{
					field: 'apiKey',
					message: expect.stringMatching(/^Re-enter the API key: the base URL changed/)
				}
			]
		});
		expect((await stored('gemini'))?.config.baseUrl).toBe(gemini.url);

		// Slack: the bot token goes to the API URL; the signing secret only checks Slack's requests.
		const slack = {
			defaultChannel: '#data-incidents',
			apiUrl: 'https://slack-proxy.contoso.example/api/'
		};
		await saveConnectionSettings(
			rt,
			'slack',
			await body(CONNECTION_BODIES.slack, { ...slack, botToken: 'xoxb-1', signingSecret: 'sig-1' })
		);
		const movedSlack = { ...slack, apiUrl: 'https://slack.attacker.example/api/' };
		await expect(
			saveConnectionSettings(rt, 'slack', await body(CONNECTION_BODIES.slack, movedSlack))
		).rejects.toMatchObject({
			details: [{ field: 'botToken', message: expect.stringMatching(/the API URL changed/) }]
		});
		await saveConnectionSettings(
			rt,
			'slack',
			await body(CONNECTION_BODIES.slack, { ...movedSlack, botToken: 'xoxb-2' })
		);
		expect((await stored('slack'))?.secrets).toEqual({
			botToken: 'xoxb-2',
			signingSecret: 'sig-1'
		});

		// Jira Cloud: the API token and the webhook secret, not the unused PAT, which stays behind.
		const jira = {
			baseUrl: 'https://contoso.atlassian.net',
			deployment: 'cloud',
			email: 'svc@contoso.example',
			projectKey: 'OPS',
			issueType: 'Bug'
		};
		await saveConnectionSettings(
			rt,
			'jira',
			await body(CONNECTION_BODIES.jira, {
				...jira,
				apiToken: 'atl-1',
				pat: 'pat-1',
				webhookSecret: 'hook-1'
			})
		);
		const movedJira = { ...jira, baseUrl: 'https://contoso-evil.atlassian.net' };
		await expect(
			saveConnectionSettings(rt, 'jira', await body(CONNECTION_BODIES.jira, movedJira))
		).rejects.toMatchObject({
			status: 400,
			details: [
				{
					field: 'apiToken',
					message: expect.stringMatching(/^Re-enter the API token: the site URL changed/)
				},
				{ field: 'webhookSecret', message: expect.stringMatching(/^Re-enter the webhook secret/) }
			]
		});
		expect((await stored('jira'))?.config.baseUrl).toBe(jira.baseUrl);
		await saveConnectionSettings(
			rt,
			'jira',
			await body(CONNECTION_BODIES.jira, { ...movedJira, apiToken: 'atl-2', webhookSecret: null })
		);
		expect(await stored('jira')).toMatchObject({
			config: { baseUrl: movedJira.baseUrl },
			secrets: { apiToken: 'atl-2' }
		});
		expect((await stored('jira'))?.secrets).toEqual({ apiToken: 'atl-2' });
		expect(await state('jira')).toMatchObject({
			configured: true,
			secrets: { apiToken: true, pat: false, webhookSecret: false }
		});
	});

	it('keeps the Jira priority mapping and status names, refuses a malformed mapping, and shows the breaker', async () => {
		const settings = {
			baseUrl: 'https://contoso-evil.atlassian.net',
			deployment: 'cloud',
			email: 'svc@contoso.example',
			projectKey: 'OPS',
			issueType: 'Bug'
		};
		await expect(
			body(CONNECTION_BODIES.jira, { ...settings, priorityMap: 'P1=Highest,P5=Low' })
		).rejects.toMatchObject({ status: 400, details: [{ field: 'priorityMap' }] });
		await expect(
			body(CONNECTION_BODIES.jira, { ...settings, priorityMap: 'Highest' })
		).rejects.toMatchObject({ status: 400, details: [{ field: 'priorityMap' }] });
		await saveConnectionSettings(
			rt,
			'jira',
			await body(CONNECTION_BODIES.jira, {
				...settings,
				priorityMap: ' P1=Blocker, P2=Critical ',
				acknowledgeStatus: ' Investigating ',
				resolveStatus: 'Fixed',
				reopenStatus: 'Backlog'
			})
		);
		const saved = await stored('jira');
		expect(saved?.config).toMatchObject({
			priorityMap: 'P1=Blocker, P2=Critical',
			acknowledgeStatus: 'Investigating',
			resolveStatus: 'Fixed',
			reopenStatus: 'Backlog'
		});
		const config = readJiraConfig(saved!);
		expect(config?.priorityMap).toEqual({ P1: 'Blocker', P2: 'Critical', P3: 'Medium', P4: 'Low' });
		expect(config?.statusFor).toEqual({
			acknowledge: 'Investigating',
			resolve: 'Fixed',
			reopen: 'Backlog'
		});

		expect(await state('jira')).toMatchObject({
			breaker_state: 'closed',
			breaker_failures: 0,
			breaker_open_until: null
		});
		await rt.pool.query(
			`update connections set breaker_state = 'open', breaker_failures = 5,
				breaker_open_until = now() + interval '30 seconds' where kind = 'jira'`
		);
		const open = await state('jira');
		expect(open).toMatchObject({ breaker_state: 'open', breaker_failures: 5 });
		expect(open?.breaker_open_until).toBeInstanceOf(Date);
		await rt.pool.query(
			`update connections set breaker_state = 'closed', breaker_failures = 0,
				breaker_open_until = null where kind = 'jira'`
		);

		// Left out on the next save (the form sends no empty text): back to the defaults.
		await saveConnectionSettings(rt, 'jira', await body(CONNECTION_BODIES.jira, settings));
		expect(readJiraConfig((await stored('jira'))!)).toMatchObject({
			priorityMap: { P1: 'Highest', P2: 'High', P3: 'Medium', P4: 'Low' },
			statusFor: {}
		});
	});

	it('clears a secret with null: the connection then shows as not configured and nothing uses it', async () => {
		await saveConnectionSettings(
			rt,
			'slack',
			await body(CONNECTION_BODIES.slack, {
				defaultChannel: '#data-incidents',
				apiUrl: 'https://slack.attacker.example/api/',
				signingSecret: null
			})
		);
		expect(await state('slack')).toMatchObject({
			configured: false,
			status: 'not_connected',
			secrets: { botToken: true, signingSecret: false }
		});
		expect(await loadConnection(rt.pool, rt.secretKey, 'slack')).toBeNull();
		await expect(testConnection(rt, 'slack')).rejects.toMatchObject({ code: 'not_configured' });

		const databricksBody = await body(CONNECTION_BODIES.databricks, {
			host: databricks.url,
			token: null
		});
		await saveConnectionSettings(rt, 'databricks', databricksBody);
		expect(await state('databricks')).toMatchObject({
			configured: false,
			secrets: { token: false }
		});
		const row = (await rt.pool.query(`select secrets from connections where kind = 'databricks'`))
			.rows[0];
		expect(row.secrets).toBeNull();
		expect(await rt.databricksClient()).toBeNull();
		await expect(testConnection(rt, 'databricks')).rejects.toMatchObject({
			status: 409,
			code: 'not_configured'
		});
		// Left out when none is stored is still a forgotten secret, not a clear.
		await expect(
			saveConnectionSettings(
				rt,
				'databricks',
				await body(CONNECTION_BODIES.databricks, { host: databricks.url })
			)
		).rejects.toMatchObject({ status: 400, details: [{ field: 'token' }] });
		await saveConnectionSettings(rt, 'databricks', {
			host: databricks.url,
			token: databricks.token
		});
		expect((await state('databricks'))?.configured).toBe(true);
	});

	it('refuses the same way through the admin form (keeping the typed URL) and the API', async () => {
		// The form action and the route find the runtime the way the server's hook leaves it.
		const slot = globalThis as unknown as Record<symbol, { runtime?: Runtime } | undefined>;
		slot[Symbol.for('vigil.runtime')] = { runtime: rt };
		const locals = { user: { ...(await adminUser()), role: 'admin' }, via: 'session' };
		const submit = (fields: Record<string, string>) => {
			const form = new FormData();
			for (const [k, v] of Object.entries(fields)) form.set(k, v);
			const request = new Request('http://vigil.test/admin/connections?/save', {
				method: 'POST',
				body: form
			});
			const url = new URL(request.url);
			return actions.save!({ request, locals, url } as unknown as Parameters<
				NonNullable<typeof actions.save>
			>[0]);
		};
		const attackerHost = 'https://attacker.example';

		const refused = await submit({ kind: 'databricks', host: attackerHost, token: '' });
		expect(refused).toMatchObject({
			status: 400,
			data: {
				form: 'save-databricks',
				errors: { token: expect.stringMatching(/^Re-enter the access token/) },
				values: { host: attackerHost }
			}
		});
		expect((await stored('databricks'))?.config.host).toBe(databricks.url);

		// The route throws ApiError; the server's hook turns it into this response.
		const put = async (json: unknown): Promise<Response> => {
			const event = {
				params: { kind: 'databricks' },
				locals,
				request: new Request('http://vigil.test/api/admin/connections/databricks', {
					method: 'PUT',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(json)
				})
			} as unknown as Parameters<typeof PUT>[0];
			try {
				return await PUT(event);
			} catch (err) {
				if (err instanceof ApiError) return err.toResponse();
				throw err;
			}
		};
		const res = await put({ host: attackerHost });
		expect(res.status).toBe(400);
		expect((await res.json()).error.details).toEqual([
			{
				field: 'token',
				message:
					'Re-enter the access token: the workspace URL changed, and Vigil does not send a stored secret to a new host'
			}
		]);
		expect((await stored('databricks'))?.config.host).toBe(databricks.url);

		// The form's Clear box sends null: saved, and the connection is no longer configured.
		expect(
			await submit({ kind: 'databricks', host: databricks.url, token: '', token__remove: 'on' })
		).toEqual({ form: 'save-databricks', saved: true });
		expect(await state('databricks')).toMatchObject({
			configured: false,
			secrets: { token: false }
		});
		expect((await put({ host: databricks.url, token: databricks.token })).status).toBe(200);
		expect((await state('databricks'))?.configured).toBe(true);
	});
});

describe('users and roles', () => {
	async function newUser(email: string, role: 'viewer' | 'admin') {
		return createUser(
			rt.em(),
			{ email, name: email, password: 'a long enough password', role },
			null
		);
	}

	it('lists users and changes roles, but never demotes the last admin', async () => {
		const admin = await adminUser();
		const viewer = await newUser('vera@contoso.example', 'viewer');
		expect((await listUsers(rt.em())).find((u) => u.id === viewer.id)).toMatchObject({
			email: 'vera@contoso.example',
			role: 'viewer',
			created_at: expect.any(Date)
		});
		expect(JSON.stringify(await listUsers(rt.em()))).not.toMatch(/scrypt|password/i);

		expect(await setUserRole(rt.em(), viewer.id, 'responder')).toMatchObject({ role: 'responder' });
		await expect(setUserRole(rt.em(), admin.id, 'viewer')).rejects.toMatchObject({
			status: 409,
			code: 'last_admin'
		});
		expect((await adminUser()).role).toBe('admin');
		await expect(
			setUserRole(rt.em(), '00000000-0000-4000-8000-000000000000', 'admin')
		).rejects.toMatchObject({ status: 404 });
	});

	it('lets exactly one of two admins demoting each other at once go through', async () => {
		const admin = await adminUser();
		const second = await newUser('sam@contoso.example', 'admin');
		// Several rounds: without the lock, both demotions win the race most of the time.
		for (let round = 0; round < 5; round++) {
			await rt.pool.query(`update users set role = 'admin' where id = any($1)`, [
				[admin.id, second.id]
			]);
			const results = await Promise.allSettled([
				setUserRole(rt.em(), admin.id, 'viewer'),
				setUserRole(rt.em(), second.id, 'viewer')
			]);
			expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
			expect(results.find((r) => r.status === 'rejected')).toMatchObject({
				reason: { status: 409 }
			});
			const admins = await rt.pool.query(`select id from users where role = 'admin'`);
			expect(admins.rowCount).toBe(1);
		}
		await rt.pool.query(`update users set role = 'admin' where id = $1`, [admin.id]);
	});

	it('answers 403 to a viewer or responder and 401 without a user', () => {
		const event = (role: 'viewer' | 'responder' | 'admin' | null) =>
			({
				locals: {
					user: role && { id: 'u1', email: 'x@contoso.example', name: 'X', role },
					via: 'session'
				}
			}) as unknown as RequestEvent;
		expect(() => requireUser(event('viewer'), 'admin')).toThrow(
			expect.objectContaining({ status: 403 })
		);
		expect(() => requireUser(event('responder'), 'admin')).toThrow(
			expect.objectContaining({ status: 403 })
		);
		expect(() => requireUser(event(null), 'admin')).toThrow(
			expect.objectContaining({ status: 401 })
		);
		expect(requireUser(event('admin'), 'admin').role).toBe('admin');
	});
});
