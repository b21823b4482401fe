import { Migration } from '@mikro-orm/migrations';

/**
 * Rate limits for sign-in and sign-up (src/lib/server/auth/limits.ts), kept in PostgreSQL
 * so every instance counts the same attempts. The shape rate-limiter-flexible's
 * RateLimiterPostgres reads and writes: a key, the points used, and when they expire
 * (epoch milliseconds). Keys are prefixed digests of e-mails and client addresses.
 */
export class Migration20261127200000_auth_limits extends Migration {
	override up(): void {
		this.addSql(`
create table auth_rate_limits (
	key text primary key,
	points integer not null default 0,
	expire bigint
);
create index auth_rate_limits_expire_idx on auth_rate_limits (expire);
`);
	}

	override down(): void {
		this.addSql('drop table auth_rate_limits;');
	}
}
