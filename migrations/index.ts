import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261123000000_initial } from './Migration20261123000000_initial.ts';
import { Migration20261123100000_slack } from './Migration20261123100000_slack.ts';
import { Migration20261126120000_jira } from './Migration20261126120000_jira.ts';
import { Migration20261127200000_auth_limits } from './Migration20261127200000_auth_limits.ts';
import { Migration20261127300000_ingest_limits } from './Migration20261127300000_ingest_limits.ts';
import { Migration20261128010000_incidents } from './Migration20261128010000_incidents.ts';
import { Migration20261128030000_jira_field_mapping } from './Migration20261128030000_jira_field_mapping.ts';
import { Migration20261128040000_instances } from './Migration20261128040000_instances.ts';
import { Migration20261128040001_grouping_notify } from './Migration20261128040001_grouping_notify.ts';
import { Migration20261128070000_mcp } from './Migration20261128070000_mcp.ts';
import { Migration20261128070001_mcp_sessions } from './Migration20261128070001_mcp_sessions.ts';
import { Migration20261128020000_recovery } from './Migration20261128020000_recovery.ts';
import { Migration20261128090000_actor_sources } from './Migration20261128090000_actor_sources.ts';
import { Migration20261129040000_jira_metrics } from './Migration20261129040000_jira_metrics.ts';
import { Migration20261129010000_jira_events } from './Migration20261129010000_jira_events.ts';
import { Migration20261129030000_jira_reconciliation } from './Migration20261129030000_jira_reconciliation.ts';
import { Migration20261129050000_ingest_backpressure } from './Migration20261129050000_ingest_backpressure.ts';
import { Migration20261129080000_jira_mapping_site } from './Migration20261129080000_jira_mapping_site.ts';
import { Migration20261129070000_mcp_calls } from './Migration20261129070000_mcp_calls.ts';
import { Migration20261129020000_jira_polling } from './Migration20261129020000_jira_polling.ts';
import { Migration20261129060000_ticket_counters } from './Migration20261129060000_ticket_counters.ts';
import { Migration20261129060001_read_indexes } from './Migration20261129060001_read_indexes.ts';
import { Migration20261129040001_jira_intervals_entered } from './Migration20261129040001_jira_intervals_entered.ts';
import { Migration20261130010000_user_preferences } from './Migration20261130010000_user_preferences.ts';
import { Migration20261130020000_analytics_hours } from './Migration20261130020000_analytics_hours.ts';
import { Migration20261130030000_filter_indexes } from './Migration20261130030000_filter_indexes.ts';
import { Migration20261130040000_unresolved_reads } from './Migration20261130040000_unresolved_reads.ts';
import { Migration20261201010000_gin_pending_list } from './Migration20261201010000_gin_pending_list.ts';
import { Migration20261202010000_ticket_filters_idx } from './Migration20261202010000_ticket_filters_idx.ts';
import { Migration20261203010000_gin_merges_beside } from './Migration20261203010000_gin_merges_beside.ts';

/** Listed statically so the built app finds them without a folder scan. */
export const migrationsList: MigrationObject[] = [
	{ name: 'Migration20261123000000_initial', class: Migration20261123000000_initial },
	{ name: 'Migration20261123100000_slack', class: Migration20261123100000_slack },
	{ name: 'Migration20261126120000_jira', class: Migration20261126120000_jira },
	{ name: 'Migration20261127200000_auth_limits', class: Migration20261127200000_auth_limits },
	{
		name: 'Migration20261127300000_ingest_limits',
		class: Migration20261127300000_ingest_limits
	},
	{ name: 'Migration20261128010000_incidents', class: Migration20261128010000_incidents },
	{
		name: 'Migration20261128030000_jira_field_mapping',
		class: Migration20261128030000_jira_field_mapping
	},
	{ name: 'Migration20261128040000_instances', class: Migration20261128040000_instances },
	{
		name: 'Migration20261128040001_grouping_notify',
		class: Migration20261128040001_grouping_notify
	},
	{ name: 'Migration20261128070000_mcp', class: Migration20261128070000_mcp },
	{ name: 'Migration20261128070001_mcp_sessions', class: Migration20261128070001_mcp_sessions },
	{ name: 'Migration20261128020000_recovery', class: Migration20261128020000_recovery },
	{ name: 'Migration20261128090000_actor_sources', class: Migration20261128090000_actor_sources },
	{ name: 'Migration20261129040000_jira_metrics', class: Migration20261129040000_jira_metrics },
	{ name: 'Migration20261129010000_jira_events', class: Migration20261129010000_jira_events },
	{
		name: 'Migration20261129030000_jira_reconciliation',
		class: Migration20261129030000_jira_reconciliation
	},
	{
		name: 'Migration20261129050000_ingest_backpressure',
		class: Migration20261129050000_ingest_backpressure
	},
	{
		name: 'Migration20261129080000_jira_mapping_site',
		class: Migration20261129080000_jira_mapping_site
	},
	{ name: 'Migration20261129070000_mcp_calls', class: Migration20261129070000_mcp_calls },
	{ name: 'Migration20261129020000_jira_polling', class: Migration20261129020000_jira_polling },
	{
		name: 'Migration20261129060000_ticket_counters',
		class: Migration20261129060000_ticket_counters
	},
	{ name: 'Migration20261129060001_read_indexes', class: Migration20261129060001_read_indexes },
	{
		name: 'Migration20261129040001_jira_intervals_entered',
		class: Migration20261129040001_jira_intervals_entered
	},
	{
		name: 'Migration20261130010000_user_preferences',
		class: Migration20261130010000_user_preferences
	},
	{
		name: 'Migration20261130020000_analytics_hours',
		class: Migration20261130020000_analytics_hours
	},
	{ name: 'Migration20261130030000_filter_indexes', class: Migration20261130030000_filter_indexes },
	{
		name: 'Migration20261130040000_unresolved_reads',
		class: Migration20261130040000_unresolved_reads
	},
	{
		name: 'Migration20261201010000_gin_pending_list',
		class: Migration20261201010000_gin_pending_list
	},
	{
		name: 'Migration20261202010000_ticket_filters_idx',
		class: Migration20261202010000_ticket_filters_idx
	},
	{
		name: 'Migration20261203010000_gin_merges_beside',
		class: Migration20261203010000_gin_merges_beside
	}
];
