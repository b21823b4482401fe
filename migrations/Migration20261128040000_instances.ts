import { Migration } from '@mikro-orm/migrations';

/**
 * Several Vigil instances on one database (issue #13):
 *
 * - socket_io_attachments: the Socket.IO PostgreSQL adapter forwards broadcasts between
 *   instances with NOTIFY, whose payload is limited to 8,000 bytes; a larger one (a ticket
 *   with a long error message) goes through this table and the NOTIFY carries its id. The
 *   adapter deletes rows older than its cleanup interval (30 s).
 * - vigil_cache NOTIFY: instances cache routing rules, the SLA policy and which connections
 *   are configured. A change to those tables notifies every instance on commit, whoever
 *   made it (an admin on another instance, a script, psql), so each drops its copy at once.
 *   Connections are also written by every health report and Jira breaker update: only a
 *   change of what they are configured with notifies.
 */
export class Migration20261128040000_instances extends Migration {
	override up(): void {
		this.addSql(`
create table socket_io_attachments (
	id bigserial unique,
	created_at timestamptz default now(),
	payload bytea
);
create index socket_io_attachments_created_at_idx on socket_io_attachments (created_at);

create function vigil_notify_cache() returns trigger language plpgsql as $$
begin
	perform pg_notify('vigil_cache', tg_table_name);
	return null;
end
$$;

create trigger routing_rules_notify_cache after insert or update or delete or truncate
	on routing_rules for each statement execute function vigil_notify_cache();
create trigger sla_policies_notify_cache after insert or update or delete or truncate
	on sla_policies for each statement execute function vigil_notify_cache();
create trigger connections_notify_cache_write after insert or delete
	on connections for each row execute function vigil_notify_cache();
create trigger connections_notify_cache_update after update on connections for each row
	when (old.config is distinct from new.config or old.secrets is distinct from new.secrets)
	execute function vigil_notify_cache();
create trigger connections_notify_cache_truncate after truncate
	on connections for each statement execute function vigil_notify_cache();
`);
	}

	override down(): void {
		this.addSql(`
drop trigger connections_notify_cache_truncate on connections;
drop trigger connections_notify_cache_update on connections;
drop trigger connections_notify_cache_write on connections;
drop trigger sla_policies_notify_cache on sla_policies;
drop trigger routing_rules_notify_cache on routing_rules;
drop function vigil_notify_cache();
drop table socket_io_attachments;
`);
	}
}
