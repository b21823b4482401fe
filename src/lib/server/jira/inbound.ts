import { createHmac } from 'node:crypto';
import { constantTimeEqualHex, sha256Hex } from '../crypto/tokens.ts';
import type { PgBoss } from 'pg-boss';
import { bossDb, inTransaction, type Pool } from '../db/pool.ts';
import type { QueuePayloads } from '../jobs/queues.ts';
import type { Actor } from '../tickets/audit.ts';
import { appendAudit } from '../tickets/audit.ts';
import { acknowledge, changeTicket, reopen, resolve, updateTicket } from '../tickets/lifecycle.ts';
import { TICKET_COLUMNS, toTicketDto } from '../tickets/rows.ts';
import { JiraError } from './client.ts';
import {
	jiraStateOf,
	linkedOnSite,
	sitePrefix,
	type JiraHandle,
	type JiraLookup
} from './connection.ts';
import { plainText } from './format.ts';

/**
 * Jira → Vigil. A delivery is stored first (deduplicated on Jira's delivery id)
 * and answered at once; a job per issue applies deliveries in arrival order.
 * The body is only a hint: the issue and the comment are fetched again from
 * Jira before anything changes, since bodies can be stale, reordered or forged.
 */

export interface DeliveryHeaders {
	identifier: string | null;
	/** `X-Hub-Signature: sha256=<hex>` when Jira signs the body. */
	signature: string | null;
}

export type IntakeAnswer =
	| { status: 401; code: 'unauthorized'; message: string }
	| { status: 503; code: 'jira_not_configured'; message: string }
	| { status: 400; code: 'invalid_payload'; message: string }
	| { status: 200; outcome: 'accepted' | 'duplicate' | 'ignored'; delivery: number | null };

/** Jira Cloud cannot send custom headers: the shared secret comes in the URL, the HMAC when configured. */
export function verifyDelivery(
	secret: string,
	presented: string | null,
	raw: string,
	signature: string | null
): string | null {
	// Digests of equal length, compared in constant time: neither the secret nor its length leaks.
	if (!presented || !constantTimeEqualHex(sha256Hex(presented), sha256Hex(secret)))
		return 'Missing or wrong secret: add ?secret=<the webhook secret> to the URL in Jira';
	if (signature !== null) {
		const expected = createHmac('sha256', secret).update(raw).digest('hex');
		const given = signature
			.trim()
			.toLowerCase()
			.replace(/^sha256=/, '');
		if (!/^[0-9a-f]{64}$/.test(given) || !constantTimeEqualHex(given, expected))
			return 'X-Hub-Signature does not match the body';
	}
	return null;
}

/** A btree key holds about 2.7 KB: an absurd delivery id is kept as its digest, still unique. */
function storableIdentifier(id: string | null): string | null {
	if (id === null || id.length <= 200) return id;
	return `sha256:${sha256Hex(id)}`;
}

export async function receiveDelivery(
	deps: { pool: Pool; boss: PgBoss; jira: JiraLookup },
	raw: string,
	secretParam: string | null,
	headers: DeliveryHeaders
): Promise<IntakeAnswer> {
	const handle = await deps.jira();
	const secret = handle?.config.webhookSecret;
	if (!handle || !secret)
		return {
			status: 503,
			code: 'jira_not_configured',
			message: 'Jira, or its webhook secret, is not configured in Vigil'
		};
	const refused = verifyDelivery(secret, secretParam, raw, headers.signature);
	if (refused) {
		// Recorded, but only the head: anyone can call this URL.
		await deps.pool.query(
			`insert into jira_deliveries (identifier, event, body, status, outcome)
			values (null, null, null, 'rejected', $1)`,
			[`${refused} (${raw.length} bytes)`]
		);
		return { status: 401, code: 'unauthorized', message: refused };
	}
	let body: { webhookEvent?: unknown; issue?: { key?: unknown; id?: unknown } };
	try {
		body = JSON.parse(raw);
		if (!body || typeof body !== 'object') throw new Error('not an object');
	} catch {
		return { status: 400, code: 'invalid_payload', message: 'The body is not a JSON object' };
	}
	const event = typeof body.webhookEvent === 'string' ? body.webhookEvent : null;
	const issueKey = typeof body.issue?.key === 'string' ? body.issue.key : null;
	return inTransaction(deps.pool, async (tx) => {
		const stored = await tx.query(
			`insert into jira_deliveries (identifier, event, issue_key, body, status, outcome)
			values ($1, $2, $3, $4, $5, $6)
			on conflict (identifier) do nothing returning id`,
			[
				storableIdentifier(headers.identifier),
				event,
				issueKey,
				// PostgreSQL's jsonb cannot hold \u0000.
				raw.replace(/\\u0000/g, ''),
				issueKey ? 'received' : 'ignored',
				issueKey ? null : 'No issue in the delivery'
			]
		);
		if (!stored.rowCount) return { status: 200, outcome: 'duplicate', delivery: null };
		const id = Number(stored.rows[0].id);
		if (!issueKey) return { status: 200, outcome: 'ignored', delivery: id };
		await deps.boss.send(
			'jira.process-deliveries',
			{ issueKey } satisfies QueuePayloads['jira.process-deliveries'],
			{ db: bossDb(tx), singletonKey: issueKey }
		);
		return { status: 200, outcome: 'accepted', delivery: id };
	});
}

interface Delivery {
	id: number;
	event: string | null;
	body: {
		user?: { displayName?: string; name?: string };
		comment?: { id?: string | number };
		issue?: { id?: string | number; key?: string };
	};
}

type Outcome = { status: 'processed' | 'ignored'; outcome: string };

/** Lifecycle comments Vigil writes itself: recognised even before their id is recorded. */
const OWN_COMMENT = /^(Acknowledged|Resolved|Reopened) in Vigil by /;

/** The ticket linked to this issue on the connection's site (see sitePrefix). */
async function ticketOf(pool: Pool, issueKey: string, issueId: string | null, site: string) {
	const r = await pool.query(
		`select ${TICKET_COLUMNS} from tickets
		where (jira_key = $1 or ($2::text is not null and jira_issue_id = $2))
			and ${linkedOnSite('$3')}
		order by created_at limit 1`,
		[issueKey, issueId, site]
	);
	return r.rows[0] ? toTicketDto(r.rows[0]) : null;
}

async function applyDelivery(
	pool: Pool,
	handle: JiraHandle,
	issueKey: string,
	d: Delivery
): Promise<Outcome> {
	const issueId = d.body.issue?.id === undefined ? null : String(d.body.issue.id);
	const ticket = await ticketOf(pool, issueKey, issueId, sitePrefix(handle.api));
	if (!ticket) return { status: 'ignored', outcome: 'No Vigil ticket is linked to this issue' };
	const actor: Actor = {
		name: d.body.user?.displayName || d.body.user?.name || 'Jira',
		source: 'jira'
	};
	switch (d.event) {
		case 'jira:issue_updated':
		case 'jira:issue_created': {
			const issue = await handle
				.call('get issue', (api) => api.getIssue(issueKey))
				.catch((err) => {
					if (err instanceof JiraError && err.kind === 'not_found') return null;
					throw err;
				});
			if (!issue) return { status: 'ignored', outcome: 'The issue no longer exists in Jira' };
			const { state, mapped } = jiraStateOf(handle.config, issue);
			const where = `${issue.key} is ${issue.status} (${mapped ? 'mapped' : issue.statusCategory})`;
			if (state === 'closed') {
				const r = await resolve(pool, ticket.id, actor);
				return {
					status: 'processed',
					outcome: r.changed ? `${where}: resolved` : `${where}: already closed`
				};
			}
			if (ticket.status === 'closed') {
				const r = await reopen(pool, ticket.id, actor);
				return {
					status: 'processed',
					outcome: r.changed ? `${where}: reopened` : `${where}: no change`
				};
			}
			// An acknowledged ticket cannot become unacknowledged: "open" leaves it as it is.
			if (state === 'in_progress') {
				const r = await acknowledge(pool, ticket.id, actor);
				return {
					status: 'processed',
					outcome: r.changed ? `${where}: acknowledged` : `${where}: no change`
				};
			}
			return { status: 'processed', outcome: `${where}: no change` };
		}
		case 'comment_created':
		case 'comment_updated': {
			const commentId = d.body.comment?.id === undefined ? null : String(d.body.comment.id);
			if (!commentId) return { status: 'ignored', outcome: 'No comment in the delivery' };
			const own = await pool.query(
				`select 1 from jira_comments where comment_id = $1 and origin = 'vigil'`,
				[commentId]
			);
			if (own.rowCount) return { status: 'ignored', outcome: "Vigil's own comment" };
			const comment = await handle
				.call('get comment', (api) => api.getComment(issueKey, commentId))
				.catch((err) => {
					if (err instanceof JiraError && err.kind === 'not_found') return null;
					throw err;
				});
			if (!comment) return { status: 'ignored', outcome: 'The comment no longer exists in Jira' };
			const text = plainText(comment.body);
			if (OWN_COMMENT.test(text)) return { status: 'ignored', outcome: "Vigil's own comment" };
			// A replayed or repeated delivery (or a poll that saw the same change) mirrors nothing
			// twice: the trail already holds this comment as Jira has it now.
			const mirrored = await pool.query(
				`select details->>'text' as text from audit_log
				where ticket_id = $1 and action in ('Jira Comment', 'Jira Comment Edited')
					and details->>'comment_id' = $2
				order by id desc limit 1`,
				[ticket.id, commentId]
			);
			if (mirrored.rows[0]?.text === text)
				return { status: 'ignored', outcome: 'Comment already mirrored as it is' };
			const edited = d.event === 'comment_updated' || mirrored.rowCount !== 0;
			await changeTicket(pool, ticket.id, async (tx, current) => {
				const audit = await appendAudit(tx, current, {
					action: edited ? 'Jira Comment Edited' : 'Jira Comment',
					actor: { name: comment.author, source: 'jira' },
					details: { key: issueKey, comment_id: commentId, text }
				});
				await tx.query(
					`insert into jira_comments (comment_id, issue_key, ticket_id, origin) values ($1, $2, $3, 'jira')
					on conflict do nothing`,
					[commentId, issueKey, ticket.id]
				);
				return { ticket: current, audits: [audit] };
			});
			return {
				status: 'processed',
				outcome: edited ? 'comment edit mirrored' : 'comment mirrored'
			};
		}
		case 'jira:issue_deleted': {
			const issue = await handle
				.call('get issue', (api) => api.getIssue(issueKey))
				.catch((err) => {
					if (err instanceof JiraError && err.kind === 'not_found') return null;
					throw err;
				});
			if (issue) return { status: 'ignored', outcome: 'The issue still exists in Jira' };
			const deletedNote = `${issueKey} was deleted in Jira`;
			if (ticket.jira_status === 'failed' && ticket.jira_error === deletedNote)
				return { status: 'ignored', outcome: 'The ticket is already unlinked' };
			await changeTicket(pool, ticket.id, async (tx) => {
				const updated = await updateTicket(tx, ticket.id, {
					jira_status: 'failed',
					jira_error: deletedNote
				});
				const audit = await appendAudit(tx, updated, {
					action: 'Jira Issue Deleted',
					actor,
					details: { key: issueKey }
				});
				return { ticket: updated, audits: [audit] };
			});
			return { status: 'processed', outcome: 'issue deleted: ticket unlinked' };
		}
		default:
			return { status: 'ignored', outcome: `Vigil does not use ${d.event ?? 'this event'}` };
	}
}

/**
 * jira.process-deliveries: every stored delivery of one issue, oldest first. A
 * failure Jira may get over (timeout, 5xx) leaves the rest for the job's retry, so
 * the order holds. One it will not (refused credentials, forbidden, refused
 * request) fails the delivery at once: retrying it for minutes would only hide it,
 * and the admin retries it from the event log once the cause is fixed.
 */
export async function processDeliveries(
	deps: { pool: Pool; jira: JiraLookup },
	data: QueuePayloads['jira.process-deliveries'],
	lastAttempt: boolean
): Promise<void> {
	const handle = await deps.jira();
	const r = await deps.pool.query(
		`select id, event, body from jira_deliveries where issue_key = $1 and status = 'received' order by id`,
		[data.issueKey]
	);
	for (const row of r.rows as Delivery[]) {
		let result: Outcome | { status: 'failed'; outcome: string };
		try {
			result = handle
				? await applyDelivery(deps.pool, handle, data.issueKey, row)
				: { status: 'ignored', outcome: 'Jira is not configured' };
		} catch (err) {
			const message = err instanceof Error ? err.message : String(err);
			const final = lastAttempt || (err instanceof JiraError && !err.transient);
			await deps.pool.query(
				`update jira_deliveries set attempts = attempts + 1, outcome = $2,
					status = case when $3 then 'failed' else status end,
					processed_at = case when $3 then now() else processed_at end
				where id = $1`,
				[row.id, message.slice(0, 2000), final]
			);
			if (final) continue;
			throw err;
		}
		await deps.pool.query(
			`update jira_deliveries set status = $2, outcome = $3, attempts = attempts + 1, processed_at = now()
			where id = $1`,
			[row.id, result.status, result.outcome]
		);
	}
}
