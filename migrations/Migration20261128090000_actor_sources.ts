import { Migration } from '@mikro-orm/migrations';

/**
 * The MCP and recovery migrations were written side by side and each re-created
 * the audit log's actor_source check with only its own new source; the later one
 * (recovery) dropped 'mcp', so every MCP write failed on insert. Both, once.
 */
export class Migration20261128090000_actor_sources extends Migration {
	override up(): void {
		this.addSql(`
alter table audit_log drop constraint audit_log_actor_source_check;
alter table audit_log add constraint audit_log_actor_source_check
	check (actor_source in ('system', 'dashboard', 'slack', 'jira', 'api', 'mcp', 'source'));
`);
	}

	override down(): void {
		this.addSql(`
alter table audit_log drop constraint audit_log_actor_source_check;
alter table audit_log add constraint audit_log_actor_source_check
	check (actor_source in ('system', 'dashboard', 'slack', 'jira', 'api', 'source'));
`);
	}
}
