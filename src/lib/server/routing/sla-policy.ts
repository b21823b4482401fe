import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { invalidateIngestSettings } from './cache.ts';
import { SlaPolicyEntity } from '../sla/entities.ts';
import { DEFAULT_SLA, type SlaPolicyMap } from '../sla/policy.ts';
import type { Priority } from '#lib/contracts/tickets.ts';
import { PRIORITIES } from '#lib/contracts/words.ts';
import { invalidFields } from '../errors.ts';

const seconds = z.number().int().min(60).max(2_592_000);

/** Seconds to acknowledge per priority: one minute to thirty days. */
export const SlaPolicyBody = z.object(
	Object.fromEntries(PRIORITIES.map((p) => [p, seconds])) as Record<Priority, typeof seconds>
);

export interface SlaPolicyAnswer {
	policy: SlaPolicyMap;
	/** A ticket keeps the deadline it was created with; only tickets created afterwards see a change. */
	applies_to: 'new tickets';
}

export async function getSlaPolicy(em: EntityManager): Promise<SlaPolicyAnswer> {
	const policy: SlaPolicyMap = { ...DEFAULT_SLA };
	for (const row of await em.find(SlaPolicyEntity, {})) policy[row.priority] = row.seconds;
	return { policy, applies_to: 'new tickets' };
}

/**
 * Replaces the whole policy. Existing tickets are not re-timed: their deadline and breach timer
 * were fixed at creation, so changing the policy affects new tickets only.
 */
export async function updateSlaPolicy(
	em: EntityManager,
	policy: SlaPolicyMap
): Promise<SlaPolicyAnswer> {
	checkOrder(policy);
	const now = new Date();
	await em.transactional(async (tx) => {
		for (const priority of PRIORITIES)
			await tx.upsert(SlaPolicyEntity, { priority, seconds: policy[priority], updatedAt: now });
	});
	invalidateIngestSettings();
	return getSlaPolicy(em);
}

/** A more urgent priority never gets more time than a less urgent one (P1 ≤ P2 ≤ P3 ≤ P4). */
function checkOrder(policy: SlaPolicyMap): void {
	const problems: { field: string; message: string }[] = [];
	PRIORITIES.forEach((next, i) => {
		const urgent = PRIORITIES[i - 1];
		if (urgent && policy[next] < policy[urgent])
			problems.push({
				field: next,
				message: `${next} (${policy[next]} s) must be at least ${urgent} (${policy[urgent]} s): a more urgent priority cannot get more time`
			});
	});
	if (problems.length > 0) throw invalidFields(problems);
}
