import { Migration } from '@mikro-orm/migrations';

/**
 * Per-key ingest rate limits (src/lib/server/ingest/rate-limit.ts):
 *
 * - ingest_rate_limits: the counters, in the shape rate-limiter-flexible's
 *   RateLimiterPostgres reads and writes (key, points used, expiry in epoch ms),
 *   so every instance counts the same webhooks.
 * - ingest_keys.rate_limit: a key's own limit (`100/s`, `6000/min`, or `off`),
 *   set by an admin; null follows VIGIL_INGEST_RATE_LIMIT.
 */
export class Migration20261129050000_ingest_backpressure extends Migration {
	override up(): void {
		this.addSql(`
create table ingest_rate_limits (
	key text primary key,
	points integer not null default 0,
	expire bigint
);
create index ingest_rate_limits_expire_idx on ingest_rate_limits (expire);
alter table ingest_keys add column rate_limit text
	check (rate_limit ~ '^(off|[1-9][0-9]{0,8}/(s|min))$');
`);
	}

	override down(): void {
		this.addSql(`
alter table ingest_keys drop column rate_limit;
drop table ingest_rate_limits;
`);
	}
}
