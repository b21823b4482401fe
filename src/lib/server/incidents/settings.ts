import { z } from 'zod';
import type { Pool } from '../db/pool.ts';

export const GROUPING_KEYS = ['resource', 'fingerprint'] as const;
export type GroupingKey = (typeof GROUPING_KEYS)[number];

/** PUT /api/admin/incident-grouping and the admin form: what an admin may set. */
export const GroupingBody = z
	.object({
		enabled: z.boolean({ error: 'enabled must be true or false' }),
		keys: z
			.array(z.enum(GROUPING_KEYS, { error: 'keys may hold only resource and fingerprint' }), {
				error: 'keys must be a list of resource and/or fingerprint'
			})
			.max(2, { error: 'keys may hold only resource and fingerprint' }),
		window_minutes: z
			.number({ error: 'window_minutes must be a whole number of minutes from 1 to 1440' })
			.int({ error: 'window_minutes must be a whole number of minutes from 1 to 1440' })
			.min(1, { error: 'window_minutes must be a whole number of minutes from 1 to 1440' })
			.max(1440, { error: 'window_minutes must be a whole number of minutes from 1 to 1440' })
	})
	.strict()
	.refine((b) => !b.enabled || b.keys.length > 0, {
		path: ['keys'],
		error: 'keys must name resource, fingerprint or both while grouping is on'
	});
export type GroupingInput = z.infer<typeof GroupingBody>;

export interface GroupingSettings extends GroupingInput {
	updated_at: string;
	updated_by: string | null;
}

const COLUMNS = `enabled, by_resource, by_fingerprint, window_minutes, updated_at, updated_by`;

function toSettings(row: Record<string, unknown>): GroupingSettings {
	const keys: GroupingKey[] = [];
	if (row.by_resource) keys.push('resource');
	if (row.by_fingerprint) keys.push('fingerprint');
	return {
		enabled: Boolean(row.enabled),
		keys,
		window_minutes: Number(row.window_minutes),
		updated_at: (row.updated_at as Date).toISOString(),
		updated_by: (row.updated_by as string | null) ?? null
	};
}

// Ingest reads this on every webhook: cached like the routing rules (routing/cache.ts). A
// change shows at once on every instance: the table's trigger NOTIFYs vigil_cache and the
// runtime calls invalidateGroupingSettings; TTL_MS only bounds a missed notification.
const TTL_MS = 60_000;
let cached: { at: number; value: GroupingSettings } | null = null;

export function invalidateGroupingSettings(): void {
	cached = null;
}

export async function groupingSettings(pool: Pool, fresh = false): Promise<GroupingSettings> {
	if (!fresh && cached && Date.now() - cached.at < TTL_MS) return cached.value;
	const r = await pool.query(`select ${COLUMNS} from incident_grouping where id = 1`);
	// The migration inserts the row; its absence (a hand-edited database) reads as off.
	const value = r.rows[0]
		? toSettings(r.rows[0])
		: {
				enabled: false,
				keys: [...GROUPING_KEYS],
				window_minutes: 10,
				updated_at: new Date(0).toISOString(),
				updated_by: null
			};
	cached = { at: Date.now(), value };
	return value;
}

export async function updateGroupingSettings(
	pool: Pool,
	input: GroupingInput,
	by: string
): Promise<GroupingSettings> {
	const r = await pool.query(
		`insert into incident_grouping (id, enabled, by_resource, by_fingerprint, window_minutes, updated_at, updated_by)
		values (1, $1, $2, $3, $4, now(), $5)
		on conflict (id) do update set enabled = excluded.enabled, by_resource = excluded.by_resource,
			by_fingerprint = excluded.by_fingerprint, window_minutes = excluded.window_minutes,
			updated_at = now(), updated_by = excluded.updated_by
		returning ${COLUMNS}`,
		[
			input.enabled,
			input.keys.includes('resource'),
			input.keys.includes('fingerprint'),
			input.window_minutes,
			by
		]
	);
	const value = toSettings(r.rows[0]);
	cached = { at: Date.now(), value };
	return value;
}
