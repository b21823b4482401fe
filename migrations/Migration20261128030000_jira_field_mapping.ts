import { Migration } from '@mikro-orm/migrations';

/**
 * Jira field mapping (issue #12): per project and issue type, the rules that fill
 * the create screen's fields from Vigil's values, with the createmeta they were
 * validated against (so every create uses them without asking Jira again). A
 * create Jira refuses is also kept on the connection, so the admin page says
 * which field and why even after later calls succeed.
 */
export class Migration20261128030000_jira_field_mapping extends Migration {
	override up(): void {
		this.addSql(`
create table jira_field_mappings (
	id bigint generated always as identity primary key,
	project_key text not null,
	issue_type_id text not null,
	issue_type_name text not null,
	rules jsonb not null default '[]',
	fields jsonb not null default '[]',
	updated_at timestamptz not null default now(),
	updated_by text
);
create unique index jira_field_mappings_key_idx
	on jira_field_mappings (upper(project_key), lower(issue_type_name));

alter table connections
	add column last_refusal text,
	add column last_refusal_at timestamptz;
`);
	}

	override down(): void {
		this.addSql(`
alter table connections drop column last_refusal, drop column last_refusal_at;
drop table jira_field_mappings;
`);
	}
}
