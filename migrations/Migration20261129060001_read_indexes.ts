import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes for the board's and the API's list queries at a year's volume (bench/reads.ts), each
 * matching an order the list sorts by, so a page is read in order and stops at its limit:
 *
 * - status + urgency: the board's Open and In progress tabs (sla_deadline, priority, id).
 * - urgency over every ticket: sort=urgency without a status.
 * - team + urgency over unresolved tickets only (partial: the few percent not closed), for the
 *   board's tabs filtered by team; the deadline order of a team's closed tickets starts a
 *   year back and would be read through first.
 * - team + newest, and team + one priority + newest: the API's team filter in the default
 *   order; with a priority too, a combination that matches little (or nothing) is not found
 *   by reading through every ticket of the team.
 * - lower(id) as a pattern and lower(jira_key): the search box's id-prefix and Jira-key
 *   branches, so a search ORs index bitmaps instead of reading every ticket. Not partial:
 *   ANALYZE keeps statistics for a whole expression index only, and without them the planner
 *   guesses 0.5 % of the table matches a key and reads the newest tickets first looking for
 *   it (seconds for a term nothing matches, at 1M tickets).
 */
export class Migration20261129060001_read_indexes extends Migration {
	override up(): void {
		this.addSql(`
create index tickets_status_urgency_idx on tickets (status, sla_deadline, priority, id);
create index tickets_urgency_idx on tickets (sla_deadline, priority, id);
create index tickets_unresolved_team_urgency_idx on tickets (team, sla_deadline, priority, id)
	where status <> 'closed';
create index tickets_team_created_idx on tickets (team, created_at desc, id desc);
create index tickets_team_priority_created_idx on tickets (team, priority, created_at desc, id desc);
create index tickets_id_lower_idx on tickets (lower(id) text_pattern_ops);
create index tickets_jira_key_lower_idx on tickets (lower(jira_key));
`);
	}

	override down(): void {
		this.addSql(`
drop index tickets_jira_key_lower_idx;
drop index tickets_id_lower_idx;
drop index tickets_team_priority_created_idx;
drop index tickets_team_created_idx;
drop index tickets_unresolved_team_urgency_idx;
drop index tickets_urgency_idx;
drop index tickets_status_urgency_idx;
`);
	}
}
