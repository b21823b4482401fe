import type { TicketState, VigilAction } from './connection.ts';

/**
 * Reconciliation's decisions, pure: what counts as drift between a ticket and its
 * issue, which side a policy lets win, and what winning means on each side.
 */

export const CONFLICT_POLICIES = ['default', 'jira_wins', 'vigil_wins', 'manual'] as const;
export type ConflictPolicy = (typeof CONFLICT_POLICIES)[number];

export const POLICY_LABELS: Record<ConflictPolicy, string> = {
	default: 'Jira wins for resolution, Vigil for acknowledgement',
	jira_wins: 'Jira wins',
	vigil_wins: 'Vigil wins',
	manual: 'Manual: an admin decides each conflict'
};

/** Resolution: one side is closed and the other is not. Acknowledgement: open against in progress. */
export type DriftKind = 'resolution' | 'acknowledgement';
export type Side = 'jira' | 'vigil';

export interface Drift {
	kind: DriftKind;
	vigil: TicketState;
	jira: TicketState;
}

/**
 * The drift between a ticket and what its issue's status means, or null when they agree.
 * A reopened ticket is In Progress in Vigil while its reopen moved the issue back to a To Do
 * status (see TARGET_CATEGORY), so after a reopen either is in step.
 */
export function driftOf(vigil: TicketState, jira: TicketState, reopened: boolean): Drift | null {
	if (vigil === jira) return null;
	if (vigil === 'closed' || jira === 'closed') return { kind: 'resolution', vigil, jira };
	if (reopened && vigil === 'in_progress' && jira === 'open') return null;
	return { kind: 'acknowledgement', vigil, jira };
}

/** The side a policy lets win a drift of this kind; null under 'manual': an admin decides. */
export function winnerOf(policy: ConflictPolicy, kind: DriftKind): Side | null {
	switch (policy) {
		case 'default':
			return kind === 'resolution' ? 'jira' : 'vigil';
		case 'jira_wins':
			return 'jira';
		case 'vigil_wins':
			return 'vigil';
		case 'manual':
			return null;
	}
}

/** When Vigil wins: the action whose Jira status the issue is moved to (as the sync would). */
export const ACTION_FOR_STATE: Record<TicketState, VigilAction> = {
	closed: 'resolve',
	in_progress: 'acknowledge',
	open: 'reopen'
};

/** When Jira wins: what happens to the ticket. */
export type VigilRepair = 'resolve' | 'acknowledge' | 'reopen' | 'return_to_open';

export function vigilRepair(d: Drift): VigilRepair {
	if (d.jira === 'closed') return 'resolve';
	if (d.vigil === 'closed') return 'reopen';
	return d.jira === 'in_progress' ? 'acknowledge' : 'return_to_open';
}

/** Minutes an admin may choose between runs, and the cron expression of each. */
export const RECONCILE_INTERVALS = [15, 30, 60, 120, 180, 240, 360, 720, 1440] as const;

export function cronEvery(minutes: number): string {
	if (minutes < 60) return `*/${minutes} * * * *`;
	if (minutes === 60) return '0 * * * *';
	if (minutes >= 1440) return '0 0 * * *';
	return `0 */${Math.round(minutes / 60)} * * *`;
}
