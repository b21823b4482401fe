import { Migration } from '@mikro-orm/migrations';

/**
 * The MCP server (src/lib/server/mcp/) acts for users with their API tokens, and its
 * changes are audited as coming from `mcp`, apart from plain API calls.
 *
 * The partial index answers "what breaches in the next N minutes" (sla_at_risk): the
 * unacknowledged tickets still waiting on their deadline, in deadline order.
 * tickets_resolved_idx answers "what was resolved in the last N hours" (the shift
 * handover prompt) without reading every closed ticket.
 */
export class Migration20261128070000_mcp extends Migration {
	override up(): void {
		this.addSql(`
alter table audit_log drop constraint audit_log_actor_source_check;
alter table audit_log add constraint audit_log_actor_source_check
	check (actor_source in ('system', 'dashboard', 'slack', 'jira', 'api', 'mcp'));
create index tickets_sla_pending_idx on tickets (sla_deadline, priority, id)
	where status = 'open' and sla_status = 'Pending';
create index tickets_resolved_idx on tickets (resolved_at desc) where resolved_at is not null;
`);
	}

	override down(): void {
		this.addSql(`
drop index tickets_sla_pending_idx;
drop index tickets_resolved_idx;
update audit_log set actor_source = 'api' where actor_source = 'mcp';
alter table audit_log drop constraint audit_log_actor_source_check;
alter table audit_log add constraint audit_log_actor_source_check
	check (actor_source in ('system', 'dashboard', 'slack', 'jira', 'api'));
`);
	}
}
