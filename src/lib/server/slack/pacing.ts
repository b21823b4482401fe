import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from '../db/pool.ts';

/**
 * Slack accepts about one message per second per channel. Each post or
 * update first reserves the channel's next free slot in PostgreSQL (one row
 * per channel, shared by every Vigil instance), then waits for it.
 *
 * Why a table and a short in-process wait rather than a queue per channel:
 * only jobs that are running reserve slots, so the wait is bounded by the
 * number of Slack workers (a few seconds), a burst into one channel queues up
 * in pg-boss as ordinary jobs, and channels come from routing rules at run
 * time (no queue to create per channel). A 429 despite this is handled by
 * re-scheduling the job after Retry-After, never by sleeping.
 */
export async function waitForChannelSlot(
	pool: Pool,
	channel: string,
	intervalMs: number
): Promise<void> {
	if (intervalMs <= 0) return;
	const r = await pool.query(
		`insert into slack_channel_pacing as p (channel, next_at)
		values ($1, now() + make_interval(secs => $2::float8 / 1000))
		on conflict (channel) do update
			set next_at = greatest(p.next_at, now()) + make_interval(secs => $2::float8 / 1000)
		returning extract(epoch from (p.next_at - now())) * 1000 - $2::float8 as wait_ms`,
		[channel.replace(/^#/, ''), intervalMs]
	);
	const wait = Number(r.rows[0]?.wait_ms ?? 0);
	if (wait > 0) await sleep(Math.min(wait, 60_000));
}
