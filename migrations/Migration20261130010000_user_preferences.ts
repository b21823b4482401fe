import { Migration } from '@mikro-orm/migrations';

/**
 * A person's own settings, kept with their account rather than in one browser:
 * an on-call engineer who picks the compact table on the desk's second screen
 * finds it on the laptop at 3 a.m. too (issue #11). One row a user, written on
 * first change; a user without a row has the defaults.
 */
export class Migration20261130010000_user_preferences extends Migration {
	override up(): void {
		this.addSql(`
create table user_preferences (
	user_id uuid primary key references users (id) on delete cascade,
	board_layout text check (board_layout in ('cards', 'table')),
	updated_at timestamptz not null default now()
);`);
	}

	override down(): void {
		this.addSql(`drop table user_preferences;`);
	}
}
