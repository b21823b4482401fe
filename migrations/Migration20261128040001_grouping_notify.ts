import { Migration } from '@mikro-orm/migrations';

/**
 * The incident grouping settings are cached by every instance as routing rules are: a change
 * to them NOTIFYs vigil_cache as well (migration 20261128040000), so all instances group the
 * next webhook by the new settings.
 */
export class Migration20261128040001_grouping_notify extends Migration {
	override up(): void {
		this.addSql(`
create trigger incident_grouping_notify_cache after insert or update or delete or truncate
	on incident_grouping for each statement execute function vigil_notify_cache();
`);
	}

	override down(): void {
		this.addSql(`drop trigger incident_grouping_notify_cache on incident_grouping;`);
	}
}
