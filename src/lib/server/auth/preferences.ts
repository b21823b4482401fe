import { z } from 'zod';
import { BOARD_LAYOUTS } from '#lib/contracts/words.ts';
import type { Pool } from '../db/pool.ts';

export type BoardLayout = (typeof BOARD_LAYOUTS)[number];

/** A person's own settings; null: never chosen on this account (the page keeps its default). */
export interface Preferences {
	board_layout: BoardLayout | null;
}

export const PreferencesBody = z.strictObject({
	board_layout: z.enum(BOARD_LAYOUTS, {
		error: `must be one of ${BOARD_LAYOUTS.join(', ')}`
	})
});

export async function getPreferences(pool: Pool, userId: string): Promise<Preferences> {
	const r = await pool.query(`select board_layout from user_preferences where user_id = $1`, [
		userId
	]);
	return { board_layout: (r.rows[0]?.board_layout as BoardLayout | null | undefined) ?? null };
}

export async function savePreferences(
	pool: Pool,
	userId: string,
	change: z.infer<typeof PreferencesBody>
): Promise<Preferences> {
	const r = await pool.query(
		`insert into user_preferences (user_id, board_layout) values ($1, $2)
		on conflict (user_id) do update set board_layout = excluded.board_layout, updated_at = now()
		returning board_layout`,
		[userId, change.board_layout]
	);
	return { board_layout: r.rows[0].board_layout as BoardLayout };
}
