import { Migration } from '@mikro-orm/migrations';

/**
 * Recovery at source, attempts and the link to the failed run (issue #11, items 5–6):
 *
 * - run_url: the failed run in its scheduler, built at ingest.
 * - run_key groups the attempts of one run (a Databricks repair keeps the run id;
 *   a task retry keeps the parent run and task key); dedup_key stays the exact
 *   delivery. attempt_keys holds the dedup keys of the later attempts already
 *   counted, so a redelivered attempt stays a duplicate.
 * - recovery_keys: what a success of the same job / alert / pipeline is matched on
 *   (hashed like dedup keys when long); recovered_at / recovered_run_id say it happened.
 * - recovery_settings: per source, what a success does (off, mark, resolve).
 * - the actor source `source` (the scheduler reported it) and the raw event
 *   outcome `attempt`. Listed after the MCP migrations (whose actor source
 *   `mcp` this keeps), so it runs after them.
 */
export class Migration20261128020000_recovery extends Migration {
	override up(): void {
		this.addSql(`
alter table tickets
	add column run_url text,
	add column run_key text,
	add column attempt_keys text[] not null default '{}',
	add column attempts integer not null default 1 check (attempts > 0),
	add column last_attempt_at timestamptz,
	add column recovery_keys text[] not null default '{}',
	add column recovered_at timestamptz,
	add column recovered_run_id text;
update tickets set run_key = dedup_key;
-- One ticket per run: a retry that races the run's first failure finds its ticket.
create unique index tickets_run_key_idx on tickets (source, run_key);
create index tickets_recovery_keys_idx on tickets using gin (recovery_keys) where status <> 'closed';

create table recovery_settings (
	source text primary key check (source in ('adf', 'databricks', 'generic')),
	mode text not null check (mode in ('off', 'mark', 'resolve')),
	updated_at timestamptz not null default now()
);

alter table audit_log drop constraint audit_log_actor_source_check;
alter table audit_log add constraint audit_log_actor_source_check
	check (actor_source in ('system', 'dashboard', 'slack', 'jira', 'api', 'source'));

alter table webhook_events drop constraint webhook_events_outcome_check;
alter table webhook_events add constraint webhook_events_outcome_check
	check (outcome in ('received', 'created', 'duplicate', 'attempt', 'resolved', 'invalid', 'too_large', 'unsupported_media_type'));
`);
	}

	override down(): void {
		this.addSql(`
alter table webhook_events drop constraint webhook_events_outcome_check;
alter table webhook_events add constraint webhook_events_outcome_check
	check (outcome in ('received', 'created', 'duplicate', 'resolved', 'invalid', 'too_large', 'unsupported_media_type'));
alter table audit_log drop constraint audit_log_actor_source_check;
alter table audit_log add constraint audit_log_actor_source_check
	check (actor_source in ('system', 'dashboard', 'slack', 'jira', 'api', 'mcp'));
drop table recovery_settings;
drop index tickets_recovery_keys_idx;
drop index tickets_run_key_idx;
alter table tickets
	drop column run_url,
	drop column run_key,
	drop column attempt_keys,
	drop column attempts,
	drop column last_attempt_at,
	drop column recovery_keys,
	drop column recovered_at,
	drop column recovered_run_id;
`);
	}
}
