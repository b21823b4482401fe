/**
 * The Jira connection pointed at another site: issue keys and ids are unique within one site
 * only, and what the connection remembers of the old site (its circuit breaker, the last refused
 * create) says nothing about the new one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveConnectionSettings } from '../../src/lib/server/connections/settings.ts';
import { handleJiraWebhook } from '../../src/lib/server/http/jira-webhook.ts';
import { actOnEvent } from '../../src/lib/server/jira/events.ts';
import { refreshJiraMetrics } from '../../src/lib/server/jira/history.ts';
import { pollJira } from '../../src/lib/server/jira/poll.ts';
import { siteKey } from '../../src/lib/server/jira/connection.ts';
import type { FieldRule } from '../../src/lib/server/jira/fields.ts';
import {
	discoverIssueTypes,
	listMappings,
	saveMapping
} from '../../src/lib/server/jira/mapping.ts';
import { reconcile } from '../../src/lib/server/jira/reconcile.ts';
import { refreshMetricsOfIssue } from '../../src/lib/server/jira/service.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { resolve } from '../../src/lib/server/tickets/lifecycle.ts';
import { startTestRuntime } from '../support/db.ts';
import {
	DEFAULT_PROJECT,
	deliverWebhook,
	STANDIN_PEOPLE,
	startJiraStandin,
	type JiraStandin
} from '../support/jira-standin.ts';
import { serveRoute, type RouteServer } from '../support/route-server.ts';
import { auditActions, createTicket, eventually, getTicket } from '../support/tickets.ts';

const SECRET = 'jira-webhook-secret-0123456789';
const ORIGIN = 'https://vigil.contoso.example';
/** The Bug issue type's id on both stand-ins. */
const BUG = '10004';

describe('the Jira connection moved to another site', () => {
	let siteA: JiraStandin;
	let siteB: JiraStandin;
	let rt: Runtime;
	let hook: RouteServer;

	/** Points the connection at `site` as the admin API does (secrets re-entered with the URL). */
	const pointAt = (site: JiraStandin) =>
		saveConnectionSettings(rt, 'jira', {
			baseUrl: site.url,
			deployment: 'cloud',
			email: site.email,
			apiToken: site.apiToken,
			projectKey: 'OPS',
			issueType: 'Bug',
			webhookSecret: SECRET
		});

	const linked = (id: string) =>
		eventually(
			() => getTicket(rt, id),
			(t) => t.jira_status === 'linked' || t.jira_status === 'failed',
			20_000
		);

	beforeAll(async () => {
		// Two sites whose numbering starts alike: both hand out OPS-1 (and the same issue id) first.
		// Both have the same optional custom field, as two sites of one company often do.
		const projects = [
			{
				...DEFAULT_PROJECT,
				customFields: [
					{ id: 'customfield_10060', name: 'Affected system', type: 'string' as const }
				]
			}
		];
		siteA = await startJiraStandin({ mode: 'cloud', projects });
		siteB = await startJiraStandin({ mode: 'cloud', projects });
		rt = await startTestRuntime(
			{ ORIGIN },
			{
				poolSize: 5,
				jira: {
					// A cool-down far longer than the test: only a reset lets the new site be called.
					tuning: {
						timeoutMs: 1000,
						ratePerSecond: 100,
						breakerThreshold: 2,
						breakerCooldownMs: 600_000
					},
					searchSettleMs: 300
				},
				rcaOptions: { maxAttempts: 1 }
			}
		);
		hook = await serveRoute('/api/webhooks/jira', (request) => handleJiraWebhook(rt, request));
	});
	afterAll(async () => {
		await hook?.close();
		await rt?.stop();
		await siteA?.close();
		await siteB?.close();
	});

	it("a delivery from the new site closes that site's ticket, not an older ticket with the same key on the old site, and the old ticket's actions are not sent to the new site", async () => {
		expect((await pointAt(siteA)).configured).toBe(true);
		const old = await linked((await createTicket(rt, { pipeline: 'pl_site_a' })).id);
		expect(old.jira_url).toBe(`${siteA.url}/browse/${old.jira_key}`);

		await pointAt(siteB);
		const now = await linked((await createTicket(rt, { pipeline: 'pl_site_b' })).id);
		expect(now.jira_url).toBe(`${siteB.url}/browse/${now.jira_key}`);
		// The same key, on two sites.
		expect(now.jira_key).toBe(old.jira_key);

		const done = siteB.transitionAs(STANDIN_PEOPLE.marco, now.jira_key!, 'Done');
		const delivered = await deliverWebhook(hook.url, done, { secret: SECRET });
		expect(delivered.status, delivered.body).toBe(200);
		const closed = await eventually(
			() => getTicket(rt, now.id),
			(t) => t.status === 'closed'
		);
		expect(closed.resolved_by).toBe(STANDIN_PEOPLE.marco.displayName);
		expect((await getTicket(rt, old.id)).status).toBe('open');

		// Resolving the old ticket in Vigil must not move or comment on the new site's OPS-1.
		await resolve(rt.pool, old.id, { name: 'Priya Raman', source: 'dashboard' });
		const noted = await eventually(
			() => getTicket(rt, old.id),
			(t) => t.jira_error !== null
		);
		expect(noted.jira_error).toContain('another Jira site');
		expect(noted.jira_status).toBe('linked');
		expect(await auditActions(rt, old.id)).toContain('Jira Sync Failed');
		expect(siteB.comments(now.jira_key!)).toEqual([]);
		expect(siteB.requestsTo('doTransition')).toEqual([]);
		// Nor are its Jira metrics read from the new site's issue of the same key.
		await refreshJiraMetrics(
			{ pool: rt.pool, boss: rt.boss, jira: rt.jira, origin: ORIGIN, searchSettleMs: 300 },
			{ ticketId: old.id },
			true
		);
		const metrics = await rt.pool.query(
			`select jira_metrics_at, jira_metrics_error from tickets where id = $1`,
			[old.id]
		);
		expect(metrics.rows[0]).toEqual({ jira_metrics_at: null, jira_metrics_error: null });
		expect(siteA.violations).toEqual([]);
		expect(siteB.violations).toEqual([]);
	});

	/**
	 * `old` (created first, linked on site A) and `now` (linked on site B, the current one)
	 * with the same issue key, whatever each site's numbering has reached.
	 */
	async function sameKeyOnTwoSites(name: string) {
		await pointAt(siteA);
		const old = await linked((await createTicket(rt, { pipeline: `pl_${name}_a` })).id);
		await pointAt(siteB);
		const now = await linked((await createTicket(rt, { pipeline: `pl_${name}_b` })).id);
		await rt.pool.query(`update tickets set jira_key = $2, jira_url = $3 where id = $1`, [
			old.id,
			now.jira_key,
			`${siteA.url}/browse/${now.jira_key}`
		]);
		return { old, now, key: now.jira_key! };
	}

	it("replaying the new site's event is audited on that site's ticket, not on an older one with the same key", async () => {
		const { old, now, key } = await sameKeyOnTwoSites('replay');
		const sent = siteB.commentAs(STANDIN_PEOPLE.marco, key, 'Seen on the new site');
		expect((await deliverWebhook(hook.url, sent.webhook, { secret: SECRET })).status).toBe(200);
		const event = await eventually(
			() =>
				rt.pool
					.query(
						`select id, status from jira_deliveries
						where direction = 'inbound' and issue_key = $1 order by id desc limit 1`,
						[key]
					)
					.then((r) => r.rows[0] as { id: number; status: string } | undefined),
			(e) => e !== undefined && e.status !== 'received'
		);
		await actOnEvent(rt, event!.id, 'replay', { name: 'Ada Admin', source: 'dashboard' });
		expect(await auditActions(rt, now.id)).toContain('Jira Event Replayed');
		expect(await auditActions(rt, old.id)).not.toContain('Jira Event Replayed');
	});

	it("a status change on the new site refreshes the metrics of that site's ticket only", async () => {
		const { old, now, key } = await sameKeyOnTwoSites('metrics');
		const changelogJobs = (id: string) =>
			rt.pool
				.query(
					`select count(*)::int as n from pgboss.job
					where name = 'jira.fetch-changelog' and data->>'ticketId' = $1`,
					[id]
				)
				.then((r) => r.rows[0].n as number);
		const oldBefore = await changelogJobs(old.id);
		const nowBefore = await changelogJobs(now.id);
		await refreshMetricsOfIssue({ pool: rt.pool, boss: rt.boss, jira: rt.jira }, key);
		expect(await changelogJobs(now.id)).toBe(nowBefore + 1);
		expect(await changelogJobs(old.id)).toBe(oldBefore);
	});

	it('polling the new site stores no change of an issue whose key only a ticket of the old site has', async () => {
		const { now, key } = await sameKeyOnTwoSites('poll');
		// The new site's issue is no longer linked to any ticket there; only the old site's has its key.
		await rt.pool.query(
			`update tickets set jira_key = null, jira_issue_id = null, jira_url = null where id = $1`,
			[now.id]
		);
		const syncMode = (mode: string) =>
			rt.pool.query(
				`update connections set config = config || jsonb_build_object('syncMode', $1::text),
					updated_at = clock_timestamp() where kind = 'jira'`,
				[mode]
			);
		await syncMode('polling');
		try {
			siteB.transitionAs(STANDIN_PEOPLE.marco, key, 'Done');
			const polled = await pollJira({ pool: rt.pool, boss: rt.boss, jira: rt.jira });
			expect(polled).toMatchObject({ status: 'polled' });
			const stored = await rt.pool.query(
				`select count(*)::int as n from jira_deliveries where direction = 'poll' and issue_key = $1`,
				[key]
			);
			expect(stored.rows[0].n).toBe(0);
		} finally {
			await syncMode('webhooks');
		}
	});

	it('reconciliation compares only tickets linked on the current site', async () => {
		await pointAt(siteA);
		const onA = await linked((await createTicket(rt, { pipeline: 'pl_reconcile_a' })).id);
		await pointAt(siteB);
		const onB = await linked((await createTicket(rt, { pipeline: 'pl_reconcile_b' })).id);
		// The new site closed its issue: the one ticket linked there is repaired, not A's.
		siteB.transitionAs(STANDIN_PEOPLE.marco, onB.jira_key!, 'Done');
		const result = await reconcile({ pool: rt.pool, jira: rt.jira });
		expect(result.failed).toEqual([]);
		expect((await getTicket(rt, onB.id)).status).toBe('closed');
		expect(await getTicket(rt, onA.id)).toMatchObject({
			status: 'open',
			jira_status: 'linked',
			jira_key: onA.jira_key,
			jira_error: null
		});
	});

	it('a field mapping belongs to the site it was saved on, and comes back with it', async () => {
		await pointAt(siteA);
		const rule: FieldRule = {
			fieldId: 'customfield_10060',
			source: 'template',
			value: 'system of {pipeline}'
		};
		await saveMapping(rt, { projectKey: 'OPS', issueTypeId: BUG, rules: [rule] }, 'admin');
		const mapped = await linked((await createTicket(rt, { pipeline: 'pl_mapped_a' })).id);
		expect(siteA.issue(mapped.jira_key!)!.extraFields.customfield_10060).toBe(
			'system of pl_mapped_a'
		);

		await pointAt(siteB);
		expect(await listMappings(rt.pool, siteKey({ baseUrl: siteB.url }))).toEqual([]);
		const plain = await linked((await createTicket(rt, { pipeline: 'pl_plain_b' })).id);
		expect(plain.jira_status).toBe('linked');
		expect(siteB.issue(plain.jira_key!)!.extraFields.customfield_10060).toBeUndefined();

		await pointAt(siteA);
		const again = await linked((await createTicket(rt, { pipeline: 'pl_again_a' })).id);
		expect(siteA.issue(again.jira_key!)!.extraFields.customfield_10060).toBe(
			'system of pl_again_a'
		);
	});

	it("a new site starts with a closed breaker and no refusal of the old site's", async () => {
		await pointAt(siteA);
		siteA.failNext(
			{
				kind: 'status',
				status: 400,
				body: { errorMessages: [], errors: { customfield_10050: 'Team is required.' } }
			},
			{ operation: 'createIssue' }
		);
		const refused = await linked((await createTicket(rt, { pipeline: 'pl_refused_a' })).id);
		expect(refused.jira_status).toBe('failed');
		siteA.failNext({ kind: 'status', status: 503 }, { operation: 'createIssue', times: Infinity });
		await createTicket(rt, { pipeline: 'pl_outage_a1' });
		await createTicket(rt, { pipeline: 'pl_outage_a2' });
		const row = () =>
			rt.pool
				.query(
					`select breaker_state, breaker_failures, last_refusal from connections where kind = 'jira'`
				)
				.then((r) => r.rows[0]);
		const down = await eventually(row, (r) => r.breaker_state === 'open', 20_000);
		expect(down.last_refusal).toContain('Team is required');

		const view = await pointAt(siteB);
		expect(view).toMatchObject({
			breaker_state: 'closed',
			breaker_failures: 0,
			last_refusal: null
		});
		// The admin discovers the new site's create screen at once.
		const types = await discoverIssueTypes(rt.jira, 'OPS');
		expect(types.map((t) => t.name)).toContain('Bug');

		// Saving the same site again keeps what the row knows about it.
		siteB.failNext({ kind: 'status', status: 503 }, { operation: 'createIssue', times: Infinity });
		await createTicket(rt, { pipeline: 'pl_outage_b1' });
		await createTicket(rt, { pipeline: 'pl_outage_b2' });
		await eventually(row, (r) => r.breaker_state === 'open', 20_000);
		expect((await pointAt(siteB)).breaker_state).toBe('open');
		siteB.clearFaults();
		siteA.clearFaults();
	});
});
