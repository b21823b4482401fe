import type { PgBoss } from 'pg-boss';
import { inTransaction, type Pool } from '../db/pool.ts';
import { send } from '../jobs/boss.ts';
import { log } from '../log.ts';
import { JiraError, type JiraIssueUpdate } from './client.ts';
import {
	JiraUnavailableError,
	linkedOnSite,
	sitePrefix,
	type JiraHandle,
	type JiraLookup
} from './connection.ts';
import { storePolledComment, storePolledIssue } from './events.ts';

/**
 * Jira → Vigil without webhooks: a JQL search on `updated` from a stored watermark, page by
 * page. Each change found is stored in the event log as a `poll` event (`jira:issue_updated`,
 * and `comment_created` for a comment Vigil has not mirrored yet) and applied by the same job
 * as a webhook's delivery, so both ways at once are safe: a change is stored once under an
 * identifier made of the issue key and its `updated`, and applying one twice changes nothing.
 *
 * JQL reads dates to the minute, in the API user's time zone. So each poll starts an overlap
 * before the watermark, floored to the minute: issues updated in the watermark's own second
 * (two on either side of a page boundary), a clock that differs between Jira's nodes, or an
 * update that reached the search index late are read again, and the identifiers skip what was
 * already stored.
 */

export interface PollDeps {
	pool: Pool;
	boss: PgBoss;
	jira: JiraLookup;
}

export interface PollOptions {
	/** Issues per page (Jira returns at most 100 with fields). */
	pageSize?: number;
	/** Pages per poll; the next poll goes on from the watermark. */
	maxPages?: number;
	/** Where the first poll of a connection starts, before now. */
	firstLookbackMs?: number;
	now?: () => Date;
}

const DEFAULTS = {
	pageSize: 100,
	maxPages: 50,
	firstLookbackMs: 24 * 3_600_000
} satisfies Required<Omit<PollOptions, 'now'>>;

/** How long a poll holds the lease without finishing a page: a dead instance's lease lapses. */
const LEASE_SECONDS = 300;
/** The longest wait between two polls after failures. */
const MAX_BACKOFF_MS = 15 * 60_000;

export type PollOutcome =
	| { status: 'skipped'; reason: string }
	| { status: 'polled'; pages: number; issues: number; queued: number; watermark: Date | null };

/** The label every issue Vigil creates carries (format.ts): the poll reads only those. */
const VIGIL_LABEL = 'vigil';

/** `yyyy/MM/dd HH:mm` in `timeZone`, the minute `at` falls in (JQL's own precision). */
export function jqlMinute(at: Date, timeZone: string): string {
	let parts: Intl.DateTimeFormatPart[];
	const format = (zone: string) =>
		new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit'
		}).formatToParts(at);
	try {
		parts = format(timeZone);
	} catch {
		// An unknown zone from Jira: UTC, and the overlap has to absorb the difference.
		parts = format('UTC');
	}
	const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
	return `${get('year')}/${get('month')}/${get('day')} ${get('hour')}:${get('minute')}`;
}

export function pollJql(from: Date, timeZone: string): string {
	return `labels = "${VIGIL_LABEL}" AND updated >= "${jqlMinute(from, timeZone)}" ORDER BY updated ASC, key ASC`;
}

/** Jira's `2026-11-26T21:30:15.123+0000` (no colon in the offset) as a Date; null if unreadable. */
export function parseJiraTime(raw: string | null): Date | null {
	if (!raw) return null;
	const iso = raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
	const at = new Date(iso);
	return Number.isNaN(at.getTime()) ? null : at;
}

/** The state of polling as the admin page shows it. */
export interface PollState {
	watermark: Date | null;
	polling: boolean;
	startedAt: Date | null;
	finishedAt: Date | null;
	lastOkAt: Date | null;
	lastError: string | null;
	lastErrorAt: Date | null;
	failures: number;
	nextPollAt: Date | null;
	lastPages: number;
	lastIssues: number;
	lastQueued: number;
	lastJql: string | null;
}

export async function pollState(pool: Pool): Promise<PollState | null> {
	const r = await pool.query(
		`select *, coalesce(lease_until > now(), false) as polling from jira_poll_state where kind = 'jira'`
	);
	const row = r.rows[0];
	if (!row) return null;
	return {
		watermark: row.watermark,
		polling: row.polling,
		startedAt: row.started_at,
		finishedAt: row.finished_at,
		lastOkAt: row.last_ok_at,
		lastError: row.last_error,
		lastErrorAt: row.last_error_at,
		failures: row.failures,
		nextPollAt: row.next_poll_at,
		lastPages: row.last_pages,
		lastIssues: row.last_issues,
		lastQueued: row.last_queued,
		lastJql: row.last_jql
	};
}

/** The time zone of the API user, asked once per connection settings (the handle is cached). */
const timeZones = new WeakMap<JiraHandle, string>();
async function userTimeZone(handle: JiraHandle): Promise<string> {
	const known = timeZones.get(handle);
	if (known) return known;
	const me = await handle.call('poll: who am I', (api) => api.myself());
	const zone = me.timeZone ?? 'UTC';
	timeZones.set(handle, zone);
	return zone;
}

/**
 * The tickets linked to these issues on the polled site (`site`, a sitePrefix), by key or by
 * id (an issue moved to another project keeps its id).
 */
async function linkedIssues(
	pool: Pool,
	issues: JiraIssueUpdate[],
	site: string
): Promise<Set<string>> {
	if (!issues.length) return new Set();
	const r = await pool.query(
		`select jira_key, jira_issue_id from tickets
		where (jira_key = any($1) or jira_issue_id = any($2)) and ${linkedOnSite('$3')}`,
		[issues.map((i) => i.key), issues.map((i) => i.id), site]
	);
	const keys = new Set<string>();
	for (const row of r.rows) {
		if (row.jira_key) keys.add(row.jira_key);
		if (row.jira_issue_id) keys.add(`#${row.jira_issue_id}`);
	}
	return new Set(issues.filter((i) => keys.has(i.key) || keys.has(`#${i.id}`)).map((i) => i.key));
}

/**
 * Stores one page's changes and moves the watermark to its newest `updated`, in one
 * transaction: the watermark never passes an update that is not stored for processing.
 */
async function storePage(
	deps: PollDeps,
	issues: JiraIssueUpdate[],
	site: string
): Promise<{ queued: number; newest: Date | null }> {
	const linked = await linkedIssues(deps.pool, issues, site);
	const mirrored = await deps.pool.query(
		`select comment_id from jira_comments where comment_id = any($1)`,
		[issues.flatMap((i) => i.comments.map((c) => c.id))]
	);
	const known = new Set(mirrored.rows.map((r) => String(r.comment_id)));
	let newest: Date | null = null;
	for (const i of issues) {
		const at = parseJiraTime(i.updated);
		if (at && (!newest || at > newest)) newest = at;
	}
	const queued = await inTransaction(deps.pool, async (tx) => {
		let n = 0;
		for (const i of issues) {
			if (!linked.has(i.key) || !i.updated) continue;
			const issue = { id: i.id, key: i.key };
			if ((await storePolledIssue(deps, { ...issue, updated: i.updated }, tx)) !== null) n++;
			for (const c of i.comments) {
				if (known.has(c.id)) continue;
				if ((await storePolledComment(deps, issue, c.id, tx)) !== null) n++;
			}
		}
		if (newest)
			await tx.query(
				`update jira_poll_state set watermark = greatest(watermark, $1),
					lease_until = now() + make_interval(secs => $2)
				where kind = 'jira'`,
				[newest, LEASE_SECONDS]
			);
		return n;
	});
	return { queued, newest };
}

/**
 * One poll: every page of issues updated since the watermark (less the overlap). Throws a
 * JiraError when Jira fails; the pages stored before it stay stored and the watermark with them.
 */
export async function pollJira(deps: PollDeps, opts: PollOptions = {}): Promise<PollOutcome> {
	const o = { ...DEFAULTS, ...opts };
	const now = opts.now ?? (() => new Date());
	const handle = await deps.jira();
	if (!handle) return { status: 'skipped', reason: 'Jira is not configured' };
	if (handle.config.syncMode === 'webhooks')
		return { status: 'skipped', reason: 'The connection takes webhooks only' };

	await deps.pool.query(
		`insert into jira_poll_state (kind) values ('jira') on conflict (kind) do nothing`
	);
	// A lease, not a lock held over the poll: one instance polls at a time, and the lease of one
	// that died lapses on its own.
	const lease = await deps.pool.query(
		`update jira_poll_state set lease_until = now() + make_interval(secs => $1), started_at = now()
		where kind = 'jira' and (lease_until is null or lease_until < now())
		returning watermark`,
		[LEASE_SECONDS]
	);
	if (!lease.rowCount) return { status: 'skipped', reason: 'Another instance is polling' };
	const watermark: Date | null = lease.rows[0].watermark;

	let pages = 0;
	let issues = 0;
	let queued = 0;
	let jql: string | null = null;
	// An issue updated while the poll pages through moves to the end of the results, and the
	// issue that followed it slides back onto a page already read: Jira pages by position, so
	// that one is skipped. The moved issue then shows up twice; the skipped one was updated no
	// earlier than the end of the page the moved one was first on, so the watermark goes back
	// there and the next poll reads it.
	let mark = watermark;
	const firstSeen = new Map<string, Date | null>();
	let rewind: Date | null = null;
	const rewound = async () => {
		if (rewind)
			await deps.pool.query(
				`update jira_poll_state set watermark = least(watermark, $1) where kind = 'jira'`,
				[rewind]
			);
	};
	try {
		const zone = await userTimeZone(handle);
		const from = watermark
			? new Date(watermark.getTime() - handle.config.pollOverlapSeconds * 1000)
			: new Date(now().getTime() - o.firstLookbackMs);
		jql = pollJql(from, zone);
		let token: string | null = null;
		do {
			const page = await handle.call('poll updated issues', (api) =>
				api.searchIssues(jql!, { token, maxResults: o.pageSize })
			);
			const stored = await storePage(deps, page.issues, sitePrefix(handle.api));
			if (stored.newest && (!mark || stored.newest > mark)) mark = stored.newest;
			for (const i of page.issues) {
				if (!firstSeen.has(i.key)) firstSeen.set(i.key, mark);
				else {
					const back = firstSeen.get(i.key) ?? null;
					if (back && (!rewind || back < rewind)) rewind = back;
				}
			}
			pages++;
			issues += page.issues.length;
			queued += stored.queued;
			token = page.nextPageToken;
		} while (token && pages < o.maxPages);
		await rewound();
		const done = await deps.pool.query(
			`update jira_poll_state set lease_until = null, finished_at = now(), last_ok_at = now(),
				last_error = null, failures = 0, last_pages = $1, last_issues = $2, last_queued = $3,
				last_jql = $4
			where kind = 'jira' returning watermark`,
			[pages, issues, queued, jql]
		);
		return { status: 'polled', pages, issues, queued, watermark: done.rows[0]?.watermark ?? null };
	} catch (err) {
		const message = err instanceof Error ? err.message : String(err);
		await rewound().catch((e: unknown) => log.warn({ err: e }, 'could not rewind the watermark'));
		await deps.pool
			.query(
				`update jira_poll_state set lease_until = null, finished_at = now(), last_error = $1,
					last_error_at = now(), failures = failures + 1, last_pages = $2, last_issues = $3,
					last_queued = $4, last_jql = $5
				where kind = 'jira'`,
				[message.slice(0, 2000), pages, issues, queued, jql]
			)
			.catch((e: unknown) => log.warn({ err: e }, 'could not record the failed Jira poll'));
		throw err;
	}
}

/**
 * jira.poll: polls, then queues the next poll (interval after a success; after a failure,
 * doubling from the interval, or when Jira's breaker or Retry-After says). One job per
 * connection is queued at a time (stately queue, one singleton key); a schedule every minute
 * starts the chain again if it was ever broken, and starts it when polling is switched on.
 */
export async function pollJob(deps: PollDeps, opts: PollOptions = {}): Promise<void> {
	const now = opts.now ?? (() => new Date());
	const handle = await deps.jira();
	if (!handle || handle.config.syncMode === 'webhooks') return;
	const intervalMs = handle.config.pollIntervalSeconds * 1000;
	let next: Date;
	try {
		const due = await deps.pool.query(
			`select next_poll_at from jira_poll_state where kind = 'jira' and next_poll_at > now() + interval '1 second'`
		);
		// The schedule's tick, before the next poll is due: make sure that poll is queued (the
		// stately queue keeps one), and leave it to it.
		if (due.rowCount) {
			await send(
				deps.boss,
				'jira.poll',
				{},
				{ startAfter: due.rows[0].next_poll_at, singletonKey: 'jira' }
			);
			return;
		}
		await pollJira(deps, opts);
		next = new Date(now().getTime() + intervalMs);
	} catch (err) {
		const failures = Number(
			(await deps.pool.query(`select failures from jira_poll_state where kind = 'jira'`)).rows[0]
				?.failures ?? 1
		);
		const backoff = Math.min(intervalMs * 2 ** Math.max(0, failures - 1), MAX_BACKOFF_MS);
		const asked =
			err instanceof JiraUnavailableError
				? err.retryAt.getTime()
				: err instanceof JiraError && err.retryAfterMs
					? now().getTime() + err.retryAfterMs
					: 0;
		next = new Date(Math.max(now().getTime() + Math.max(backoff, intervalMs), asked));
		log.warn({ err, next }, 'Jira poll failed');
	}
	await send(deps.boss, 'jira.poll', {}, { startAfter: next, singletonKey: 'jira' });
	await deps.pool.query(`update jira_poll_state set next_poll_at = $1 where kind = 'jira'`, [next]);
}
