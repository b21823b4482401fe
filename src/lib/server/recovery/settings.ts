import { z } from 'zod';
import type { Source } from '#lib/contracts/tickets.ts';
import { RECOVERY_MODES, SOURCES } from '#lib/contracts/words.ts';
import type { Pool } from '../db/pool.ts';

export type RecoveryMode = (typeof RECOVERY_MODES)[number];
export type RecoverySettings = Record<Source, RecoveryMode>;

/** Marking keeps a person in the loop (the ticket stays open, flagged); resolving is opted into per source. */
export const DEFAULT_RECOVERY: RecoverySettings = {
	adf: 'mark',
	databricks: 'mark',
	generic: 'mark'
};

export const RecoveryModeSchema = z.enum(RECOVERY_MODES, {
	error: `must be one of ${RECOVERY_MODES.join(', ')}`
});

/** Any subset of the sources; the others keep their mode. */
export const RecoverySettingsBody = z
	.strictObject({
		adf: RecoveryModeSchema.optional(),
		databricks: RecoveryModeSchema.optional(),
		generic: RecoveryModeSchema.optional()
	})
	.refine((b) => Object.keys(b).length > 0, {
		error: `name at least one source (${SOURCES.join(', ')})`
	});

export async function getRecoverySettings(pool: Pool): Promise<RecoverySettings> {
	const r = await pool.query(`select source, mode from recovery_settings`);
	const settings = { ...DEFAULT_RECOVERY };
	for (const row of r.rows) settings[row.source as Source] = row.mode as RecoveryMode;
	return settings;
}

export async function updateRecoverySettings(
	pool: Pool,
	change: z.infer<typeof RecoverySettingsBody>
): Promise<RecoverySettings> {
	for (const [source, mode] of Object.entries(change))
		if (mode)
			await pool.query(
				`insert into recovery_settings (source, mode) values ($1, $2)
				on conflict (source) do update set mode = excluded.mode, updated_at = now()`,
				[source, mode]
			);
	return getRecoverySettings(pool);
}
