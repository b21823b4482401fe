import { Migration } from '@mikro-orm/migrations';

/**
 * The MCP access log (src/lib/server/mcp/calls.ts): every tool call, resource read and
 * prompt an assistant asked for with a user's token, reads included, so an admin can see
 * what an assistant did on someone's behalf. Writes also keep their ticket audit rows.
 *
 * The user's e-mail is copied in, and user_id is set null when the user is deleted, so
 * the record outlives the account. token_id and session_id have no foreign key: tokens
 * are deleted with their user and sessions end, and the log must still say which ones.
 * mcp_calls_at_idx serves the retention delete (VIGIL_MCP_LOG_DAYS); the others the
 * admin page's filters in id order.
 */
export class Migration20261129070000_mcp_calls extends Migration {
	override up(): void {
		this.addSql(`
create table mcp_calls (
	id bigint generated always as identity primary key,
	at timestamptz not null default now(),
	user_id uuid references users (id) on delete set null,
	user_email text not null,
	token_id uuid,
	session_id uuid,
	kind text not null check (kind in ('tool', 'resource', 'prompt')),
	name text not null,
	ticket_id text,
	arguments jsonb not null default '{}',
	outcome text not null check (outcome in ('ok', 'error')),
	error text,
	duration_ms integer not null
);
create index mcp_calls_at_idx on mcp_calls (at);
create index mcp_calls_user_idx on mcp_calls (user_id, id);
create index mcp_calls_name_idx on mcp_calls (name, id);
create index mcp_calls_error_idx on mcp_calls (id) where outcome = 'error';
`);
	}

	override down(): void {
		this.addSql('drop table mcp_calls;');
	}
}
