import type { TicketDto } from '#lib/contracts/tickets.ts';
import type { Pool } from '../db/pool.ts';
import type { QueuePayloads } from '../jobs/queues.ts';
import { log } from '../log.ts';
import type { Actor } from '../tickets/audit.ts';
import {
	TicketNotFoundError,
	acknowledge,
	reopen,
	resolve,
	type ChangeResult
} from '../tickets/lifecycle.ts';
import { ACTION_IDS, notice } from './blocks.ts';
import { SlackCallError, type SlackUser } from './client.ts';
import type { SlackHandle } from './connection.ts';
import { honouringRateLimit, type SlackDeps } from './delivery.ts';
import { finishInteraction, loadInteraction, type InteractionRow } from './interactions.ts';

/** The buttons that change a ticket; "Open in Vigil" is a link. */
export const ACTING_BUTTONS = [
	ACTION_IDS.acknowledge,
	ACTION_IDS.resolve,
	ACTION_IDS.reopen
] as const;

const LIFECYCLE: Record<string, (pool: Pool, id: string, actor: Actor) => Promise<ChangeResult>> = {
	[ACTION_IDS.acknowledge]: acknowledge,
	[ACTION_IDS.resolve]: resolve,
	[ACTION_IDS.reopen]: reopen
};

const NOTHING_CHANGED = 'Nothing was changed.';

type Clicker = { actor: Actor } | { refusal: string };

/**
 * Maps the Slack user to a Vigil account by e-mail (users.info, which needs
 * the users:read.email scope). Without an account, the admin setting
 * allowUnmapped decides between acting under the Slack name and refusing.
 */
async function whoClicked(pool: Pool, slack: SlackHandle, row: InteractionRow): Promise<Clicker> {
	let user: SlackUser | null = null;
	let lookupError: string | null = null;
	try {
		user = await slack.api.userInfo(row.slack_user_id);
	} catch (err) {
		if (err instanceof SlackCallError && err.kind === 'rate_limited') throw err;
		lookupError = err instanceof Error ? err.message : String(err);
	}
	const email = user?.email?.trim().toLowerCase() || null;
	if (email) {
		const r = await pool.query(`select id, name, role from users where email = $1`, [email]);
		const account = r.rows[0] as { id: string; name: string; role: string } | undefined;
		if (account?.role === 'viewer')
			return {
				refusal: `Your Vigil account (${email}) is a viewer: acknowledging and resolving need the responder role. ${NOTHING_CHANGED}`
			};
		if (account) return { actor: { name: account.name, source: 'slack', userId: account.id } };
	}
	if (slack.settings.allowUnmapped) {
		const name = user?.realName || user?.name || row.slack_user_name || row.slack_user_id;
		return { actor: { name: `${name} (Slack)`, source: 'slack' } };
	}
	if (email)
		return {
			refusal: `No Vigil account for ${email}: ask a Vigil admin to create one for this address (or to let Slack users without an account act). ${NOTHING_CHANGED}`
		};
	return {
		refusal: `Vigil could not read your e-mail address from Slack${lookupError ? ` (${lookupError})` : ''}, so it cannot match you to a Vigil account: ask a Vigil admin (the Slack app needs the users:read.email scope). ${NOTHING_CHANGED}`
	};
}

function alreadyDone(actionId: string, t: TicketDto): string {
	if (actionId === ACTION_IDS.reopen)
		return `${t.id} is not closed, so there is nothing to reopen.`;
	if (t.status === 'closed')
		return `${t.id} was already resolved by ${t.resolved_by ?? 'someone'}.`;
	return `${t.id} was already acknowledged by ${t.acknowledged_by ?? 'someone'}.`;
}

/** Tells only the clicker; a failure here must not undo or repeat the action. */
async function tell(slack: SlackHandle, row: InteractionRow, text: string): Promise<void> {
	if (!row.channel_id) return;
	try {
		await slack.api.postEphemeral({
			channel: row.channel_id,
			user: row.slack_user_id,
			...notice(text)
		});
	} catch (err) {
		log.warn({ err, interaction: row.id }, 'Slack ephemeral reply not delivered');
	}
}

/**
 * slack.handle-action: the work behind a button click, after Slack got its
 * ack. The lifecycle functions are idempotent, so a second click (or a job
 * retried after a crash) changes nothing and gets "already acknowledged by X".
 * The message update and the thread reply follow from the ticket change
 * (service.ts), the same way as for a change made on the board or through the API.
 */
export async function handleAction(
	deps: SlackDeps,
	data: QueuePayloads['slack.handle-action']
): Promise<void> {
	const row = await loadInteraction(deps.pool, data.interactionId);
	if (!row || row.status !== 'queued') return;
	const slack = await deps.slack();
	if (!slack) return finishInteraction(deps.pool, row.id, 'failed', 'Slack connection removed');
	const act = LIFECYCLE[row.action_id];
	if (!act)
		return finishInteraction(deps.pool, row.id, 'refused', `unknown action ${row.action_id}`);
	await honouringRateLimit(deps, 'slack.handle-action', data, undefined, async () => {
		const who = await whoClicked(deps.pool, slack, row);
		if ('refusal' in who) {
			await tell(slack, row, who.refusal);
			return finishInteraction(deps.pool, row.id, 'refused', who.refusal);
		}
		let result: ChangeResult;
		try {
			result = await act(deps.pool, row.ticket_id ?? '', who.actor);
		} catch (err) {
			if (!(err instanceof TicketNotFoundError)) throw err;
			const text = `Vigil has no ticket ${row.ticket_id ?? '(none given)'}. ${NOTHING_CHANGED}`;
			await tell(slack, row, text);
			return finishInteraction(deps.pool, row.id, 'refused', text);
		}
		if (!result.changed) {
			const text = alreadyDone(row.action_id, result.ticket);
			await tell(slack, row, text);
			return finishInteraction(deps.pool, row.id, 'done', text);
		}
		await finishInteraction(deps.pool, row.id, 'done', `${row.action_id} by ${who.actor.name}`);
	});
}
