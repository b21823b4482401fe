import { Migration } from '@mikro-orm/migrations';

/**
 * MCP sessions (src/lib/server/mcp/sessions.ts) are kept in PostgreSQL, not in the process
 * that opened them, so any instance behind a balancer can serve a session's next request,
 * and a restart does not end them. A session belongs to the user whose token opened it;
 * it ends when the client deletes it, after `last_seen_at` is idle too long, or with
 * its user.
 */
export class Migration20261128070001_mcp_sessions extends Migration {
	override up(): void {
		this.addSql(`
create table mcp_sessions (
	id uuid primary key default gen_random_uuid(),
	user_id uuid not null references users (id) on delete cascade,
	created_at timestamptz not null default now(),
	last_seen_at timestamptz not null default now()
);
create index mcp_sessions_user_idx on mcp_sessions (user_id, last_seen_at desc);
create index mcp_sessions_seen_idx on mcp_sessions (last_seen_at);
`);
	}

	override down(): void {
		this.addSql('drop table mcp_sessions;');
	}
}
