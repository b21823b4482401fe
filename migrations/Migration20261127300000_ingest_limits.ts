import { Migration } from '@mikro-orm/migrations';

/**
 * Webhook bodies of any content must be storable (issue #8):
 *
 * - webhook_events says how a body arrived and what Vigil had to change to keep
 *   it: its size on the wire, its Content-Encoding, whether only its head is
 *   kept, and `sanitized` (NUL / lone surrogates escaped, invalid UTF-8
 *   replaced, an undecodable body kept as base64, a long dedup key hashed).
 * - run_id has no length limit (the full id stays on the ticket), so its index
 *   is a hash index: a btree entry holds at most about 2,700 bytes. It serves
 *   the only lookups there are, by equality (the run pre-check, the list's
 *   exact run id search). dedup_key keeps its unique btree: ingest hashes keys
 *   longer than 512 bytes.
 * - a tsvector holds at most 1 MiB, and a pipeline name or run id of a few
 *   hundred kilobytes of short words exceeds it; the search vectors now index
 *   the first 1,000 characters of each sender-given name (4,000 of the longer
 *   texts, as error_message already was).
 */
export class Migration20261127300000_ingest_limits extends Migration {
	override up(): void {
		this.addSql(`
alter table webhook_events
	add column body_bytes bigint,
	add column content_encoding text,
	add column body_truncated boolean not null default false,
	add column sanitized text[] not null default '{}';

drop index tickets_run_id_idx;
create index tickets_run_id_idx on tickets using hash (run_id);

alter table tickets drop column search;
alter table tickets add column search tsvector generated always as (
	to_tsvector('simple',
		id || ' ' || left(pipeline, 1000) || ' ' || translate(left(pipeline, 1000), '._/:', '    ') || ' ' ||
		left(coalesce(run_id, ''), 1000) || ' ' || coalesce(jira_key, '') || ' ' ||
		left(coalesce(resource, ''), 1000) || ' ' || left(error_type, 1000) || ' ' ||
		left(root_cause, 4000) || ' ' || left(error_message, 4000))
) stored;
create index tickets_search_idx on tickets using gin (search);

alter table audit_log drop column search;
alter table audit_log add column search tsvector generated always as (
	to_tsvector('simple',
		coalesce(ticket_id, '') || ' ' || left(coalesce(pipeline, ''), 1000) || ' ' ||
		translate(left(coalesce(pipeline, ''), 1000), '._/:', '    ') || ' ' ||
		left(coalesce(run_id, ''), 1000) || ' ' || action || ' ' || actor_name || ' ' || actor_source || ' ' ||
		coalesce(sla_status, '') || ' ' || left(coalesce(rca_summary, ''), 4000) || ' ' ||
		left(coalesce(team, ''), 1000) || ' ' || left(coalesce(owner, ''), 1000) || ' ' || coalesce(jira_key, ''))
) stored;
create index audit_log_search_idx on audit_log using gin (search);
`);
	}

	override down(): void {
		this.addSql(`
alter table audit_log drop column search;
alter table audit_log add column search tsvector generated always as (
	to_tsvector('simple',
		coalesce(ticket_id, '') || ' ' || coalesce(pipeline, '') || ' ' ||
		translate(coalesce(pipeline, ''), '._/:', '    ') || ' ' || coalesce(run_id, '') || ' ' ||
		action || ' ' || actor_name || ' ' || actor_source || ' ' || coalesce(sla_status, '') || ' ' ||
		coalesce(rca_summary, '') || ' ' || coalesce(team, '') || ' ' || coalesce(owner, '') || ' ' ||
		coalesce(jira_key, ''))
) stored;
create index audit_log_search_idx on audit_log using gin (search);

alter table tickets drop column search;
alter table tickets add column search tsvector generated always as (
	to_tsvector('simple',
		id || ' ' || pipeline || ' ' || translate(pipeline, '._/:', '    ') || ' ' ||
		coalesce(run_id, '') || ' ' || coalesce(jira_key, '') || ' ' || coalesce(resource, '') || ' ' ||
		error_type || ' ' || root_cause || ' ' || left(error_message, 4000))
) stored;
create index tickets_search_idx on tickets using gin (search);

drop index tickets_run_id_idx;
create index tickets_run_id_idx on tickets (run_id);

alter table webhook_events
	drop column body_bytes,
	drop column content_encoding,
	drop column body_truncated,
	drop column sanitized;
`);
	}
}
