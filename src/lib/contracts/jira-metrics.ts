/** The Jira section of a ticket page: what the changelog says, shared by its load and its view. */

export type JiraStatusCategory = 'new' | 'indeterminate' | 'done';

/** One stay of the issue in a status. */
export interface JiraStatusStay {
	status: string;
	/** null when the status no longer exists in Jira. */
	category: JiraStatusCategory | null;
	from: string;
	/** null: the issue is still in this status. */
	to: string | null;
	/** Length of the stay; an open one counts until the page was loaded. */
	seconds: number;
}

export interface JiraStatusTotal {
	status: string;
	category: JiraStatusCategory | null;
	seconds: number;
	visits: number;
}

export interface JiraMetricsDto {
	/** When the changelog was last read; null if it never was. */
	fetched_at: string | null;
	/** Why the last read failed (it is retried on the next status change). */
	error: string | null;
	created_at: string | null;
	started_at: string | null;
	resolved_at: string | null;
	time_to_start_seconds: number | null;
	time_to_resolve_seconds: number | null;
	reopened: number;
	/** Oldest first. */
	history: JiraStatusStay[];
	/**
	 * Time in each status, in the order the issue first entered them; the closed status
	 * the issue rests in is left out (time after it was done is not time spent on it).
	 */
	totals: JiraStatusTotal[];
}
