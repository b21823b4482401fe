import { Migration } from '@mikro-orm/migrations';

/**
 * Jira field mappings belong to the site they were discovered on: issue type ids, custom
 * field ids and allowed values are the site's own, so once the connection points at another
 * site, a mapping saved on the old one must not shape the new one's creates (it comes back
 * when the connection points at its site again). `site` is the connection's base URL,
 * lower-cased, without trailing slashes; existing mappings were saved on the site the
 * connection points at now.
 */
export class Migration20261129080000_jira_mapping_site extends Migration {
	override up(): void {
		this.addSql(`
alter table jira_field_mappings add column site text not null default '';
update jira_field_mappings set site = coalesce(
	(select lower(regexp_replace(trim(config->>'baseUrl'), '/+$', '')) from connections where kind = 'jira'),
	'');
alter table jira_field_mappings alter column site drop default;
drop index jira_field_mappings_key_idx;
create unique index jira_field_mappings_key_idx
	on jira_field_mappings (site, upper(project_key), lower(issue_type_name));
`);
	}

	override down(): void {
		this.addSql(`
drop index jira_field_mappings_key_idx;
delete from jira_field_mappings m using jira_field_mappings newer
	where upper(m.project_key) = upper(newer.project_key)
		and lower(m.issue_type_name) = lower(newer.issue_type_name)
		and m.updated_at < newer.updated_at;
create unique index jira_field_mappings_key_idx
	on jira_field_mappings (upper(project_key), lower(issue_type_name));
alter table jira_field_mappings drop column site;
`);
	}
}
