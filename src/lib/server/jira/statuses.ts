import { z } from 'zod';
import { STATUSES } from '#lib/contracts/words.ts';
import type { Pool } from '../db/pool.ts';
import { ApiError } from '../errors.ts';
import { JiraError, type JiraStatus, type StatusCategory } from './client.ts';
import {
	STATE_BY_CATEGORY,
	TARGET_CATEGORY,
	type JiraLookup,
	type TicketState,
	type VigilAction
} from './connection.ts';

/**
 * Status mapping per connection: the project's statuses, as Jira lists them, and the
 * Vigil state each means (its category's unless the admin says otherwise); and the status
 * each Vigil action moves an issue to, which decides the transition the sync takes. Kept
 * in the connection's settings (statusMap, acknowledgeStatus, …) so the connection form
 * and this page edit the same values.
 */

export const VIGIL_ACTIONS = ['acknowledge', 'resolve', 'reopen'] as const;

export interface StatusRow extends JiraStatus {
	/** What the category means when nothing is mapped. */
	byCategory: TicketState;
	/** The admin's choice for this status, or null to follow the category. */
	mapped: TicketState | null;
}

export interface StatusMapping {
	projectKey: string;
	statuses: StatusRow[];
	/** Status name each action moves an issue to; null = the first status of its category. */
	actions: Record<VigilAction, string | null>;
	/** Mapped names this project does not have (another project's, or renamed): kept on save. */
	otherMapped: { name: string; state: TicketState }[];
}

export async function discoverStatuses(
	lookup: JiraLookup,
	projectKey: string
): Promise<StatusMapping> {
	const handle = await lookup();
	if (!handle) throw new ApiError(503, 'jira_not_configured', 'Jira is not configured in Vigil');
	const statuses = await handle
		.call('statuses', (api) => api.projectStatuses(projectKey))
		.catch((err: unknown) => {
			if (!(err instanceof JiraError)) throw err;
			// Jira answers 404 for a project the account cannot see as for one that does not exist.
			if (err.kind === 'not_found')
				throw new ApiError(
					404,
					'not_found',
					`Jira has no project ${projectKey} this account can see`
				);
			throw new ApiError(
				502,
				'jira_unavailable',
				`Jira's statuses could not be read: ${err.message}`
			);
		});
	const names = new Set(statuses.map((s) => s.name.toLowerCase()));
	return {
		projectKey,
		statuses: statuses.map((s) => ({
			...s,
			byCategory: STATE_BY_CATEGORY[s.category],
			mapped: handle.config.statusMap[s.name.toLowerCase()] ?? null
		})),
		actions: {
			acknowledge: handle.config.statusFor.acknowledge ?? null,
			resolve: handle.config.statusFor.resolve ?? null,
			reopen: handle.config.statusFor.reopen ?? null
		},
		otherMapped: Object.entries(handle.config.statusMap)
			.filter(([n]) => !names.has(n))
			.map(([name, state]) => ({ name, state }))
	};
}

/** The settings text keeps `name=state` pairs separated by commas: a name cannot hold either. */
const StatusName = z
	.string()
	.trim()
	.min(1)
	.max(255)
	.regex(/^[^,=]+$/, 'a Jira status name with a comma or = cannot be mapped');

const ProjectKey = z
	.string()
	.trim()
	.regex(/^[A-Z][A-Z0-9_]{0,254}$/, 'must be a Jira project key like OPS');

/** Whose statuses to list (default: the connection's project). */
export const StatusProjectQuery = z.object({ project: ProjectKey });

export const StatusMappingInput = z.object({
	projectKey: ProjectKey,
	/** Status name → Vigil state; a status left out follows its category. */
	states: z.record(
		StatusName,
		z.enum(STATUSES, { message: 'must be open, in_progress or closed' })
	),
	actions: z.object(
		Object.fromEntries(VIGIL_ACTIONS.map((a) => [a, StatusName.nullable()])) as Record<
			VigilAction,
			z.ZodNullable<typeof StatusName>
		>
	)
});
export type StatusMappingInput = z.infer<typeof StatusMappingInput>;

export interface SaveProblem {
	field: string;
	message: string;
}

/**
 * Checks the choices against the project's statuses (an action must move the issue to a
 * status of its own category: a resolve to a To Do status would reopen in Jira), then
 * saves them in the connection's settings, keeping every other setting as it is.
 */
export async function saveStatusMapping(
	deps: { pool: Pool; jira: JiraLookup },
	input: StatusMappingInput
): Promise<{ problems: SaveProblem[] }> {
	const discovered = await discoverStatuses(deps.jira, input.projectKey);
	const byName = new Map(discovered.statuses.map((s) => [s.name.toLowerCase(), s]));
	const problems: SaveProblem[] = [];
	for (const name of Object.keys(input.states))
		if (!byName.has(name.toLowerCase()))
			problems.push({
				field: `states.${name}`,
				message: `${input.projectKey} has no status "${name}"`
			});
	for (const action of VIGIL_ACTIONS) {
		const name = input.actions[action];
		if (!name) continue;
		const status = byName.get(name.toLowerCase());
		const want: StatusCategory = TARGET_CATEGORY[action];
		if (!status)
			problems.push({
				field: `actions.${action}`,
				message: `${input.projectKey} has no status "${name}"`
			});
		else if (status.category !== want)
			problems.push({
				field: `actions.${action}`,
				message: `"${status.name}" is a ${CATEGORY_LABEL[status.category]} status; ${action} needs a ${CATEGORY_LABEL[want]} one`
			});
	}
	if (problems.length) return { problems };

	// Only choices that differ from the category are kept: the rest follow Jira if it changes.
	const pairs = Object.entries(input.states)
		.map(([name, state]) => [byName.get(name.toLowerCase())!, state] as const)
		.filter(([status, state]) => status.byCategory !== state)
		.map(([status, state]) => `${status.name}=${state}`)
		.concat(discovered.otherMapped.map((o) => `${o.name}=${o.state}`));
	const set: Record<string, string> = {};
	const remove: string[] = [];
	if (pairs.length) set.statusMap = pairs.join(', ');
	else remove.push('statusMap');
	for (const action of VIGIL_ACTIONS) {
		const name = input.actions[action];
		if (name) set[`${action}Status`] = byName.get(name.toLowerCase())!.name;
		else remove.push(`${action}Status`);
	}
	// updated_at moves, so every instance's Jira handle re-reads the settings.
	const r = await deps.pool.query(
		`update connections set config = (config - $1::text[]) || $2::jsonb, updated_at = now()
		where kind = 'jira'`,
		[remove, JSON.stringify(set)]
	);
	if (!r.rowCount)
		throw new ApiError(503, 'jira_not_configured', 'Jira is not configured in Vigil');
	return { problems: [] };
}

export const CATEGORY_LABEL: Record<StatusCategory, string> = {
	new: 'To Do',
	indeterminate: 'In Progress',
	done: 'Done'
};
