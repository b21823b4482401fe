import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TicketDto } from '../../src/lib/contracts/tickets.ts';
import type { ConflictPolicy } from '../../src/lib/server/jira/drift.ts';
import {
	listConflicts,
	loadReconcileSettings,
	reconcile,
	RECONCILE_LOCK,
	requestReconciliation,
	resolveConflict
} from '../../src/lib/server/jira/reconcile.ts';
import { discoverStatuses, saveStatusMapping } from '../../src/lib/server/jira/statuses.ts';
import type { Runtime } from '../../src/lib/server/runtime.ts';
import { acknowledge, resolve } from '../../src/lib/server/tickets/lifecycle.ts';
import { startTestRuntime } from '../support/db.ts';
import {
	DEFAULT_WORKFLOW,
	jiraEnv,
	STANDIN_PEOPLE,
	startJiraStandin,
	type JiraStandin,
	FAST_JIRA_TUNING
} from '../support/jira-standin.ts';
import { createTicket, eventually, getTicket } from '../support/tickets.ts';

/**
 * Reconciliation on the Jira stand-in. Drift is made the way it happens: a person moves
 * the issue in Jira and the webhook never arrives (the stand-in only records it), or the
 * ticket changes with the sync to Jira lost (an action recorded as coming from Jira is
 * not sent back to it).
 */

const lostSync = { name: 'Lost Sync', source: 'jira' as const };
const priya = STANDIN_PEOPLE.priya;

/** A workflow with a second In Progress status that the admin maps to closed. */
const WORKFLOW = {
	statuses: [
		...DEFAULT_WORKFLOW.statuses,
		{ id: '10002', name: 'Awaiting Deploy', category: 'indeterminate' as const }
	],
	transitions: [...DEFAULT_WORKFLOW.transitions, { id: '41', name: 'Awaiting Deploy', to: '10002' }]
};

let jira: JiraStandin;
let rt: Runtime;

async function linkedTicket(pipeline: string): Promise<TicketDto> {
	const created = await createTicket(rt, { pipeline });
	return eventually(
		() => getTicket(rt, created.id),
		(t) => t.jira_status === 'linked',
		20_000
	);
}

async function setPolicy(policy: ConflictPolicy): Promise<void> {
	await rt.pool.query(`update jira_reconciliation set policy = $1`, [policy]);
}

async function trail(id: string) {
	const r = await rt.pool.query(
		`select action, actor_name, actor_source, details from audit_log where ticket_id = $1 order by id`,
		[id]
	);
	return r.rows as {
		action: string;
		actor_name: string;
		actor_source: string;
		details: Record<string, unknown>;
	}[];
}

const jiraStatus = (t: TicketDto) => jira.issue(t.jira_key!)!.status;

/** The four kinds of drift, each on its own linked ticket. */
async function driftedTickets(tag: string) {
	const [jiraDone, vigilClosed, vigilAcked, jiraStarted] = await Promise.all([
		linkedTicket(`pl_${tag}_jira_done`),
		linkedTicket(`pl_${tag}_vigil_closed`),
		linkedTicket(`pl_${tag}_vigil_acked`),
		linkedTicket(`pl_${tag}_jira_started`)
	]);
	jira.transitionAs(priya, jiraDone.jira_key!, 'Done');
	await resolve(rt.pool, vigilClosed.id, lostSync);
	await acknowledge(rt.pool, vigilAcked.id, lostSync);
	jira.transitionAs(priya, jiraStarted.jira_key!, 'In Progress');
	return { jiraDone, vigilClosed, vigilAcked, jiraStarted };
}

const run = () => reconcile({ pool: rt.pool, jira: rt.jira });

beforeAll(async () => {
	jira = await startJiraStandin({
		mode: 'cloud',
		projects: [{ key: 'OPS', id: '10010', name: 'Data Operations', workflow: WORKFLOW }]
	});
	rt = await startTestRuntime(jiraEnv(jira), {
		poolSize: 10,
		jira: {
			tuning: FAST_JIRA_TUNING,
			searchSettleMs: 300,
			reconcileSchedule: false
		},
		rcaOptions: { maxAttempts: 1 }
	});
});
afterAll(async () => {
	await rt?.stop();
	await jira?.close();
});
afterEach(() => {
	expect(jira.violations).toEqual([]);
	jira.clearFaults();
});

describe('status mapping', () => {
	it("lists the project's statuses with the state their category means, and saves choices the sync and reconciliation then use", async () => {
		const found = await discoverStatuses(rt.jira, 'OPS');
		expect(found.statuses.map((s) => [s.name, s.category, s.byCategory, s.mapped])).toEqual([
			['To Do', 'new', 'open', null],
			['In Progress', 'indeterminate', 'in_progress', null],
			['Done', 'done', 'closed', null],
			['Awaiting Deploy', 'indeterminate', 'in_progress', null]
		]);
		expect(jira.requestsTo('getAllStatuses').at(-1)!.path).toBe('/rest/api/3/project/OPS/statuses');

		const refused = await saveStatusMapping(
			{ pool: rt.pool, jira: rt.jira },
			{
				projectKey: 'OPS',
				states: { 'Awaiting Deploy': 'closed', Nope: 'open' },
				actions: { acknowledge: null, resolve: 'To Do', reopen: null }
			}
		);
		expect(refused.problems).toEqual([
			{ field: 'states.Nope', message: 'OPS has no status "Nope"' },
			{ field: 'actions.resolve', message: '"To Do" is a To Do status; resolve needs a Done one' }
		]);

		const saved = await saveStatusMapping(
			{ pool: rt.pool, jira: rt.jira },
			{
				projectKey: 'OPS',
				states: { 'Awaiting Deploy': 'closed', Done: 'closed' },
				actions: { acknowledge: 'In Progress', resolve: null, reopen: null }
			}
		);
		expect(saved.problems).toEqual([]);
		const config = (await rt.pool.query(`select config from connections where kind = 'jira'`))
			.rows[0].config;
		// Only what differs from the category is kept; the connection's other settings stay.
		expect(config).toMatchObject({
			statusMap: 'Awaiting Deploy=closed',
			acknowledgeStatus: 'In Progress',
			projectKey: 'OPS'
		});
		const again = await discoverStatuses(rt.jira, 'OPS');
		expect(again.statuses.find((s) => s.name === 'Awaiting Deploy')!.mapped).toBe('closed');
		expect(again.actions).toEqual({ acknowledge: 'In Progress', resolve: null, reopen: null });

		// Reconciliation reads the issue through the mapping: Awaiting Deploy means resolved.
		await setPolicy('default');
		const t = await linkedTicket('pl_mapped_status');
		jira.transitionAs(priya, t.jira_key!, 'Awaiting Deploy');
		await run();
		expect((await getTicket(rt, t.id)).status).toBe('closed');
	});
});

describe('reconciliation repairs each kind of drift under each policy', () => {
	it('default: Jira wins for resolution, Vigil for acknowledgement', async () => {
		await setPolicy('default');
		const d = await driftedTickets('default');
		const result = await run();
		expect(result.failed).toEqual([]);
		expect(result.repaired).toBeGreaterThanOrEqual(4);

		// Jira done, Vigil open → resolved in Vigil, as Jira's side, not sent back.
		expect((await getTicket(rt, d.jiraDone.id)).status).toBe('closed');
		const done = await trail(d.jiraDone.id);
		expect(done.find((a) => a.action === 'Resolved')).toMatchObject({
			actor_name: 'Reconciliation',
			actor_source: 'jira',
			details: { via: 'reconciliation' }
		});
		expect(done.find((a) => a.action === 'Jira Drift Repaired')).toMatchObject({
			actor_source: 'jira',
			details: { kind: 'resolution', winner: 'jira', policy: 'default', jira_status: 'Done' }
		});
		// Vigil closed, Jira To Do → Jira wins: reopened in Vigil.
		expect((await getTicket(rt, d.vigilClosed.id)).status).toBe('in_progress');
		expect(jiraStatus(d.vigilClosed)).toBe('To Do');
		// Vigil acknowledged, Jira To Do → Vigil wins: the issue moves to the acknowledge status.
		expect(jiraStatus(d.vigilAcked)).toBe('In Progress');
		expect((await trail(d.vigilAcked.id)).at(-1)).toMatchObject({
			action: 'Jira Drift Repaired',
			actor_name: 'Reconciliation',
			actor_source: 'system',
			details: { kind: 'acknowledgement', winner: 'vigil', change: 'To Do → In Progress' }
		});
		// Jira In Progress, Vigil open → Vigil wins: the issue goes back to To Do.
		expect(jiraStatus(d.jiraStarted)).toBe('To Do');
		expect((await getTicket(rt, d.jiraStarted.id)).status).toBe('open');

		// Repaired means in step: a second run changes nothing and writes nothing.
		const before = (await rt.pool.query(`select count(*)::int as n from audit_log`)).rows[0].n;
		const transitions = jira.transitionsApplied.length;
		const second = await run();
		expect(second.repaired).toBe(0);
		expect((await rt.pool.query(`select count(*)::int as n from audit_log`)).rows[0].n).toBe(
			before
		);
		expect(jira.transitionsApplied.length).toBe(transitions);
	});

	it('Jira wins: the ticket follows the issue every time', async () => {
		await setPolicy('jira_wins');
		const d = await driftedTickets('jira');
		const result = await run();
		expect(result.failed).toEqual([]);
		expect((await getTicket(rt, d.jiraDone.id)).status).toBe('closed');
		expect((await getTicket(rt, d.vigilClosed.id)).status).toBe('in_progress');
		// Vigil has no unacknowledge: the ticket is open again, its first acknowledgement kept.
		const unacked = await getTicket(rt, d.vigilAcked.id);
		expect(unacked.status).toBe('open');
		expect(unacked.acknowledged_at).not.toBeNull();
		expect((await trail(d.vigilAcked.id)).at(-1)).toMatchObject({
			action: 'Jira Drift Repaired',
			details: { winner: 'jira', change: 'return_to_open' }
		});
		const started = await getTicket(rt, d.jiraStarted.id);
		expect(started.status).toBe('in_progress');
		expect(started.acknowledged_by).toBe('Reconciliation');
		// Nothing of it went back to Jira.
		expect(jiraStatus(d.vigilClosed)).toBe('To Do');
		expect(jiraStatus(d.vigilAcked)).toBe('To Do');
	});

	it('Vigil wins: the issue follows the ticket every time', async () => {
		await setPolicy('vigil_wins');
		const d = await driftedTickets('vigil');
		const result = await run();
		expect(result.failed).toEqual([]);
		expect(jiraStatus(d.jiraDone)).toBe('To Do');
		expect((await getTicket(rt, d.jiraDone.id)).status).toBe('open');
		expect(jiraStatus(d.vigilClosed)).toBe('Done');
		expect(jiraStatus(d.vigilAcked)).toBe('In Progress');
		expect(jiraStatus(d.jiraStarted)).toBe('To Do');
		expect((await trail(d.vigilClosed.id)).at(-1)).toMatchObject({
			action: 'Jira Drift Repaired',
			details: { kind: 'resolution', winner: 'vigil', policy: 'vigil_wins' }
		});
	});

	it('an issue deleted in Jira shows on the ticket once, whatever the policy, and the run goes on', async () => {
		await setPolicy('vigil_wins');
		const gone = await linkedTicket('pl_deleted');
		const drifted = await linkedTicket('pl_after_deleted');
		jira.deleteIssueAs(priya, gone.jira_key!);
		jira.transitionAs(priya, drifted.jira_key!, 'In Progress');
		const result = await run();
		expect(result.deleted).toBe(1);
		expect(result.failed).toEqual([]);
		const t = await getTicket(rt, gone.id);
		expect(t.jira_status).toBe('failed');
		expect(t.jira_error).toBe(
			`${gone.jira_key} no longer exists in Jira (found by reconciliation)`
		);
		expect((await trail(gone.id)).filter((a) => a.action === 'Jira Issue Deleted')).toHaveLength(1);
		expect(jiraStatus(drifted)).toBe('To Do');
		expect((await run()).deleted).toBe(0);
	});

	it('a Jira outage stops the run with the error recorded, and a later run finishes the work', async () => {
		await setPolicy('jira_wins');
		const t = await linkedTicket('pl_outage');
		jira.transitionAs(priya, t.jira_key!, 'Done');
		jira.failNext({ kind: 'status', status: 503 }, { operation: 'getIssue', times: Infinity });
		// Three failures open the breaker (this connection's threshold): the run stops there.
		await expect(run()).rejects.toThrow(/circuit breaker open/);
		expect((await loadReconcileSettings(rt.pool)).lastError).toMatch(
			/^Stopped after \d+ tickets: Jira circuit breaker open/
		);
		expect((await getTicket(rt, t.id)).status).toBe('open');

		jira.clearFaults();
		await new Promise((r) => setTimeout(r, 1600)); // the breaker's cool-down
		await run();
		expect((await getTicket(rt, t.id)).status).toBe('closed');
		expect((await loadReconcileSettings(rt.pool)).lastError).toBeNull();
	});

	it('a run while another holds the lock (another instance) is skipped; the next one works', async () => {
		await setPolicy('jira_wins');
		const t = await linkedTicket('pl_two_runs');
		jira.transitionAs(priya, t.jira_key!, 'Done');
		const other = await rt.pool.connect();
		try {
			await other.query(`select pg_advisory_lock(hashtextextended($1, 0))`, [RECONCILE_LOCK]);
			expect((await run()).skipped).toBe('another reconciliation is running');
			expect((await getTicket(rt, t.id)).status).toBe('open');
			await other.query(`select pg_advisory_unlock(hashtextextended($1, 0))`, [RECONCILE_LOCK]);
		} finally {
			other.release();
		}
		await run();
		expect((await trail(t.id)).filter((e) => e.action === 'Resolved')).toHaveLength(1);
	});
});

describe('manual conflict resolution', () => {
	it('conflicts wait in the admin list, once each, and one click resolves either way', async () => {
		await setPolicy('manual');
		const d = await driftedTickets('manual');
		const result = await run();
		expect(result.conflicts).toBeGreaterThanOrEqual(4);
		// Nothing was repaired on either side.
		expect((await getTicket(rt, d.jiraDone.id)).status).toBe('open');
		expect(jiraStatus(d.vigilClosed)).toBe('To Do');

		await run();
		const { open } = await listConflicts(rt.pool);
		const mine = (id: string) => open.filter((c) => c.ticketId === id);
		expect(mine(d.jiraDone.id)).toHaveLength(1);
		expect(mine(d.jiraDone.id)[0]).toMatchObject({
			kind: 'resolution',
			vigilState: 'open',
			jiraStatus: 'Done',
			jiraState: 'closed',
			issueKey: d.jiraDone.jira_key
		});
		// Found twice, audited once.
		expect((await trail(d.jiraDone.id)).filter((a) => a.action === 'Jira Conflict')).toHaveLength(
			1
		);

		// Jira's side: the ticket is resolved.
		const byJira = await resolveConflict(
			{ pool: rt.pool, jira: rt.jira },
			mine(d.jiraDone.id)[0]!.id,
			'jira',
			'Ada Admin'
		);
		expect(byJira.outcome).toBe('repaired');
		expect((await getTicket(rt, d.jiraDone.id)).status).toBe('closed');
		expect((await trail(d.jiraDone.id)).at(-1)).toMatchObject({
			action: 'Jira Drift Repaired',
			details: { winner: 'jira', decided_by: 'Ada Admin', policy: 'manual' }
		});

		// Vigil's side: the issue is moved to Done.
		const byVigil = await resolveConflict(
			{ pool: rt.pool, jira: rt.jira },
			mine(d.vigilClosed.id)[0]!.id,
			'vigil',
			'Ada Admin'
		);
		expect(byVigil.outcome).toBe('repaired');
		expect(jiraStatus(d.vigilClosed)).toBe('Done');

		const after = await listConflicts(rt.pool);
		expect(after.open.map((c) => c.ticketId)).not.toContain(d.jiraDone.id);
		expect(after.resolved.find((c) => c.ticketId === d.vigilClosed.id)).toMatchObject({
			resolution: 'vigil',
			resolvedBy: 'Ada Admin'
		});

		// Resolved twice: refused, naming why.
		await expect(
			resolveConflict({ pool: rt.pool, jira: rt.jira }, mine(d.jiraDone.id)[0]!.id, 'vigil', 'Ada')
		).rejects.toMatchObject({ status: 409 });

		// Drift that went away on its own closes its conflict as gone.
		jira.transitionAs(priya, d.vigilAcked.jira_key!, 'In Progress');
		const gone = await resolveConflict(
			{ pool: rt.pool, jira: rt.jira },
			mine(d.vigilAcked.id)[0]!.id,
			'jira',
			'Ada Admin'
		);
		expect(gone.outcome).toBe('gone');
	});

	it('"Reconcile now" queues one run, which the worker carries out', async () => {
		await setPolicy('jira_wins');
		const t = await linkedTicket('pl_reconcile_now');
		jira.transitionAs(priya, t.jira_key!, 'Done');
		expect(await requestReconciliation(rt.boss)).toBe(true);
		await eventually(
			() => getTicket(rt, t.id),
			(x) => x.status === 'closed',
			20_000
		);
		expect((await loadReconcileSettings(rt.pool)).lastFinishedAt).not.toBeNull();
	});
});

describe('Data Center (REST v2)', () => {
	let dc: JiraStandin;
	let dcRt: Runtime;

	beforeAll(async () => {
		dc = await startJiraStandin({ mode: 'datacenter' });
		dcRt = await startTestRuntime(
			{
				JIRA_BASE_URL: dc.url,
				JIRA_DEPLOYMENT: 'server',
				JIRA_PAT: dc.pat,
				JIRA_PROJECT_KEY: 'OPS',
				JIRA_ISSUE_TYPE: 'Bug'
			},
			{
				poolSize: 10,
				jira: {
					tuning: { timeoutMs: 1000, ratePerSecond: 100 },
					searchSettleMs: 300,
					reconcileSchedule: false
				},
				rcaOptions: { maxAttempts: 1 }
			}
		);
	});
	afterAll(async () => {
		await dcRt?.stop();
		await dc?.close();
	});

	it('discovers statuses on /rest/api/2 and repairs drift there too', async () => {
		const found = await discoverStatuses(dcRt.jira, 'OPS');
		expect(found.statuses.map((s) => [s.name, s.byCategory])).toEqual([
			['To Do', 'open'],
			['In Progress', 'in_progress'],
			['Done', 'closed']
		]);
		expect(dc.requestsTo('getAllStatuses').at(-1)!.path).toBe('/rest/api/2/project/OPS/statuses');

		const created = await createTicket(dcRt, { pipeline: 'pl_dc_drift' });
		const t = await eventually(
			() => getTicket(dcRt, created.id),
			(x) => x.jira_status === 'linked',
			20_000
		);
		await acknowledge(dcRt.pool, t.id, lostSync);
		const result = await reconcile({ pool: dcRt.pool, jira: dcRt.jira });
		expect(result).toMatchObject({ checked: 1, repaired: 1, failed: [] });
		expect(dc.issue(t.jira_key!)!.status).toBe('In Progress');
		expect(dc.requestsTo('doTransition').at(-1)!.api).toBe('2');
		expect(dc.violations).toEqual([]);
	});
});
